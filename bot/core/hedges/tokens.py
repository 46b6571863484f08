"""Tokens with offsets, and the features the cue model reads around each candidate word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lower: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group(), m.group().lower()) for m in _TOKEN.finditer(text)]


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1 << 16)  # a few words are stemmed many times; bounded for long runs
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


# Words that report someone's claim, and those that set a condition, anywhere in the sentence.
_REPORTING = frozenset(
    {"said", "says", "say", "told", "tells", "according", "reported", "reports", "claimed"}
    | {"claims", "added", "wrote", "tweeted"}
)
# Verbs that pass on someone's forecast or fear rather than a plain statement ("the toll may
# rise, the mayor warned").
_FORECASTING = frozenset(
    {"warned", "warns", "warning", "cautioned", "cautions", "expects", "expected", "predicted"}
    | {"predicts", "forecast", "forecasts", "fears", "feared", "estimated", "estimates"}
    | {"projected", "believes", "believe", "thinks", "suggested", "suggests"}
)
# Words that set a sentence in the future, where modals mostly tell possibilities.
_FUTURE = frozenset({"next", "soon", "future", "coming", "upcoming", "tomorrow", "later"})
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_CONDITIONS = frozenset({"if", "unless"})
_QUOTES = frozenset({'"', "“", "”"})


def sentence_marks(tokens: list[Token]) -> frozenset[str]:
    """What the model sees of the whole sentence, computed once for all its words.

    A modal in reported speech or beside "if" ("many would flee if ...") hedges more often
    than one in a plain narrative ("he would later become mayor"); a headline's capitals
    say nothing about a word, unlike a capital inside a sentence.
    """
    words = {t.lower for t in tokens}
    marks = set()
    if words & _REPORTING:
        marks.add("reported")
    if words & _FORECASTING:
        marks.add("forecasting")
    if words & _FUTURE:
        marks.add("future")
    if any(len(t.text) == 4 and _YEAR.fullmatch(t.text) for t in tokens):
        marks.add("dated")
    if words & _CONDITIONS:
        marks.add("conditional")
    if tokens and tokens[-1].text == "?":
        marks.add("question")
    if any(t.text in _QUOTES for t in tokens):
        marks.add("quoted")
    long_words = [t for t in tokens if len(t.text) > 3 and t.text[:1].isalpha()]
    if long_words and sum(t.text[:1].isupper() for t in long_words) >= 0.8 * len(long_words):
        marks.add("headline")
    return frozenset(marks)


def features(tokens: list[Token], i: int, marks: frozenset[str] = frozenset()) -> list[str]:
    """What the model sees of token i: the word, its stem, two words either side, and the
    sentence's marks crossed with the word.

    Context is what tells "may" the modal from "May" the month and "if" the condition from
    "as if"; the stem lets "suggested" learn from "suggests".
    """
    word = tokens[i].lower
    before = [tokens[j].lower if j >= 0 else "<s>" for j in (i - 2, i - 1)]
    after = [tokens[j].lower if j < len(tokens) else "</s>" for j in (i + 1, i + 2)]
    found = [
        "bias",
        f"w={word}",
        f"stem={stem(word)}",
        f"p1={before[1]}",
        f"p2={before[0]}",
        f"n1={after[0]}",
        f"n2={after[1]}",
        f"p1w={before[1]}|{word}",
        f"p1sw={stem(before[1])}|{word}",
        f"p2p1w={before[0]}|{before[1]}|{word}",
        f"wn1={word}|{after[0]}",
        f"wn2={word}|{after[0]}|{after[1]}",
        f"wn1s={word}|{stem(after[0])}",
    ]
    found += [
        f"{mark}|{word}"
        for mark in marks
        if mark != "headline" and not (mark == "conditional" and word in _CONDITIONS)
    ]
    if "headline" in marks:
        found.append("headline")
    elif i > 0 and tokens[i].text[:1].isupper():
        found.append("capitalised")
    if tokens[i].text.isupper() and len(word) > 1:
        found.append("all_caps")
    return found
