"""Finding the words in a quoted sentence that answer the question, to highlight them."""

from __future__ import annotations

import re

from bot.core.models import Highlight
from bot.core.questions import MEASURE, Question, place_names

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|"
    "a few|several"
)
_NUMBER = re.compile(
    r"(?:[$€£]\s?)?(?<![\w.])(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,])|\d[\d,]*)(?:\.\d+)?"
    r"(?:k|bn)?(?:\s?(?:%|per ?cent|percent))?"
    r"(?:\s(?:thousand|million|billion|trillion))?(?![\w])"
    rf"|\b(?:{_NUMBER_WORDS})(?:\s(?:of\s)?(?:{_NUMBER_WORDS}))*\b",
    re.I,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_TIME = re.compile(
    rf"\b(?:(?:on\s)?(?:{_DAYS})|(?:\d{{1,2}}\s)?(?:{_MONTHS})(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:,?\s\d{{4}})?|(?:in\s)?(?:1[89]|20)\d{{2}}|today|yesterday|tonight|"
    r"(?:earlier|later|last|next|this)\s(?:this\s)?(?:week|month|year|weekend)|"
    r"at the weekend|on (?:the )?weekend|(?:earlier|later) this (?:week|month|year))\b"
)
_PLACE = re.compile(
    r"\b(?:in|at|near|to|from|across|outside|inside) (?:the )?([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*)"
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|[A-Z]\.))*\b")
# How far (in characters) the thing counted may sit from its number: "150,000 troops".
_NEAR = 40


def find_span(question: Question, sentence: str) -> Highlight | None:
    """The answer-shaped span for the question's kind, or None when the sentence has none."""
    if question.kind == "quantity":
        return _quantity(question, sentence)
    if question.kind == "time":
        return _first(_TIME, sentence)
    if question.kind == "person":
        return _new_name(question, sentence)
    if question.kind == "place":
        match = _PLACE.search(sentence)
        return Highlight(match.start(1), match.end(1), match.group(1)) if match else None
    return None


def _quantity(question: Question, sentence: str) -> Highlight | None:
    """A figure for "how many X": a number close to X ('150,000 troops', 'cost $4 million')."""
    counted = [
        t for t in question.terms if not any(t in e.asked.lower() for e in question.entities)
    ][:1]
    words = [] if MEASURE.search(question.text) else counted
    for match in _NUMBER.finditer(sentence):
        around = sentence[max(match.start() - _NEAR, 0) : match.end() + _NEAR].lower()
        if not words or any(re.search(rf"\b{re.escape(w[:5])}", around) for w in words):
            return Highlight(match.start(), match.end(), match.group())
    return None


def _first(pattern: re.Pattern[str], sentence: str) -> Highlight | None:
    match = pattern.search(sentence)
    return Highlight(match.start(), match.end(), match.group()) if match else None


def _new_name(question: Question, sentence: str) -> Highlight | None:
    """The name the question does not already use, nearest before the question's own verb.

    "Who described the act?" against "..., Mike Pence, described the act" picks the name that
    stands as the subject of "described", not the first capitalised words of the sentence.
    """
    asked = question.text.lower()
    places = place_names()
    names = [
        m
        for m in _NAME.finditer(sentence)
        if m.group().lower() not in asked
        and m.group().lower() not in places  # "Who" asks for a person, not "Pyongyang"
        and (" " in m.group() or (m.start() > 0 and len(m.group()) > 3))  # not "US", "Sun"
    ]
    if not names:
        return None
    anchor = min(
        (
            m.start()
            for t in question.terms
            if (m := re.search(rf"\b{re.escape(t[:5])}", sentence, re.I))
        ),
        default=None,
    )
    before = [m for m in names if anchor is not None and m.end() <= anchor]
    chosen = before[-1] if before else names[0]
    return Highlight(chosen.start(), chosen.end(), chosen.group())
