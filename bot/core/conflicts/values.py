"""What an answer span's figure says, as a value that can be compared: the range it allows.

Two figures disagree only when they cannot both be true: "150,000", "150 000", "150k" and
"150 thousand" are one figure; "about 150,000" and "more than 120,000" overlap. Names and dates
are compared in `names` and `days`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# How far "about", "around", "nearly" stretch a figure either way.
APPROXIMATE = 0.1
# A bare figure stands for what rounds to it ("1.5 million" for 1.52 million), by half its last
# written digit, but never by more than this share of it ("100" is not 50 to 150).
ROUNDING = 0.05
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "trillion": 1e12,
}
_NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a hundred": 100,
    "dozen": 12,
    "a dozen": 12,
}
_AMOUNT = (
    r"(?:\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
)
_MULTIPLIER = r"(?:\s?(?:k|thousand|million|mn|m|bn|billion|trillion)\b)?"
_LOWER = r"more than|over|at least|upwards of|in excess of"
_UPPER = r"up to|fewer than|less than|under|as many as|no more than|at most"
_ABOUT = r"about|around|roughly|nearly|almost|approximately|some|an estimated|estimated|close to"
_FIGURE = re.compile(
    rf"(?:(?P<bound>{_LOWER}|{_UPPER}|{_ABOUT})\s+)?(?:between\s+)?"
    r"(?P<currency>[$€£¥]\s?)?"
    rf"(?P<low>{_AMOUNT})(?P<low_mult>{_MULTIPLIER})"
    rf"(?:\s?(?:-|–|—|to|and)\s?[$€£¥]?(?P<high>{_AMOUNT})(?P<high_mult>{_MULTIPLIER}))?"
    r"(?P<percent>\s?(?:%|per ?cent\b|percent\b))?"
    r"(?:\s+(?P<unit>[a-z]+))?",
    re.I,
)
_CURRENCY_WORDS = {
    "pounds": "£",
    "pound": "£",
    "dollars": "$",
    "dollar": "$",
    "euros": "€",
    "euro": "€",
    "yuan": "¥",
    "yen": "¥",
}
_MEASURES = frozenset(
    [
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "mile",
        "metres",
        "meters",
        "metre",
        "meter",
        "feet",
        "foot",
        "kg",
        "kilograms",
        "tonnes",
        "tons",
        "pounds",
        "lbs",
        "litres",
        "liters",
        "gallons",
        "hours",
        "hour",
        "minutes",
        "days",
        "day",
        "weeks",
        "months",
        "years",
        "year",
        "acres",
        "hectares",
        "square",
        "mph",
        "degrees",
    ]
)


_YEAR = re.compile(r"(?:1[89]|20)\d{2}")
_YEAR_LEAD = re.compile(
    r"\b(?:in|since|by|from|until|till|during|before|after|early|late|mid)\s+$", re.I
)


# Words after a number that say nothing of what it counts.
_NOT_COUNTED = frozenset(
    [
        "to",
        "of",
        "in",
        "at",
        "on",
        "for",
        "from",
        "and",
        "or",
        "by",
        "with",
        "more",
        "than",
        "as",
        "is",
        "are",
        "was",
        "were",
        "had",
        "have",
        "has",
        "who",
        "that",
        "which",
        "the",
        "a",
        "an",
        "this",
        "these",
        "so",
        "per",
        "each",
        "new",
        "other",
        "extra",
        "additional",
    ]
)


@dataclass(frozen=True)
class Figure:
    """The range a figure allows, and what it counts: a currency, "%", a measure, or a count."""

    low: float
    high: float
    unit: str
    rounding: float = 0.0  # how far either way a figure that rounds to it may lie
    noun: str = ""  # for a count, the word it counts when one follows it ("troop")


def figure_at(sentence: str, start: int) -> Figure | None:
    """The figure written at `start` in the sentence (with what it counts, and "about", "more
    than" or a range around it), or None when none starts there."""
    match = _written(sentence, start)
    if match is None:
        return None
    low = _amount(match["low"], match["low_mult"])
    high = _amount(match["high"], match["high_mult"]) if match["high"] else low
    if match["high"] and not match["low_mult"] and match["high_mult"]:
        low = _amount(match["low"], match["high_mult"])  # "2 to 3 million"
    if low is None or high is None:
        return None
    low, high = min(low, high), max(low, high)
    bound = (match["bound"] or "").lower()
    if re.fullmatch(_LOWER, bound):
        high = math.inf
    elif re.fullmatch(_UPPER, bound):
        low = 0.0
    elif bound:
        low, high = low * (1 - APPROXIMATE), high * (1 + APPROXIMATE)
    # A bound says itself how far the figure may lie; a bare figure stands for its rounding.
    rounding = (
        0.0 if bound else _rounding(match["low"], match["low_mult"] or match["high_mult"] or "")
    )
    unit = _unit(match)
    noun = counted(match["unit"] or "") if unit == "count" else ""
    return Figure(low, high, unit, min(rounding, ROUNDING * low), noun)


def figure_words(sentence: str, start: int) -> str | None:
    """The figure at `start` as the sentence writes it, with its "about" or "more than":
    what an article says is "more than 500,000", not "500,000"."""
    match = _written(sentence, start)
    if match is None:
        return None
    ends = ("percent", "high_mult", "high", "low_mult", "low")
    end = next(match.end(group) for group in ends if match[group])
    words = sentence[match.start() : end].strip()
    # Any letter it starts with is a word of ours ("More than", "Some"), capitalised only
    # because the sentence starts there.
    if words[1:2].islower():
        words = words[0].lower() + words[1:]
    return words


def _written(sentence: str, start: int) -> re.Match[str] | None:
    """The figure's match from its own bound on; None when no figure starts at `start`, or
    the number there is a year ("in 2015", "2015 China")."""
    match = _FIGURE.match(sentence, _bound_before(sentence, start))
    if match is None or match.start("low") > start + 2 or _is_year(sentence, match):
        return None
    return match


def _is_year(sentence: str, match: re.Match[str]) -> bool:
    """A bare four-digit number from 1800 to 2099 that a preposition leads ("in 2015") or
    that no lowercase word follows ("2015 China", "2015,"): a year, not a count."""
    bare = not any(match[g] for g in ("bound", "currency", "low_mult", "high", "percent"))
    if not (bare and _YEAR.fullmatch(match["low"])):
        return False
    led = _YEAR_LEAD.search(sentence[: match.start("low")])
    unit = match["unit"] or ""
    return led is not None or not unit.islower()


def _bound_before(sentence: str, start: int) -> int:
    """Where a figure's own "about", "more than" or currency sign starts, just before its
    number."""
    before = sentence[max(start - 30, 0) : start]
    bound = rf"(?<!\w)(?:{_LOWER}|{_UPPER}|{_ABOUT}|between)\s+"
    found = re.search(rf"(?:{bound})?(?:[$€£¥]\s?)?$", before, re.I)
    return start - (len(before) - found.start()) if found else start


def _rounding(digits: str, multiplier: str) -> float:
    """Half the last written digit's worth: 0.05 million for "1.5 million", 5,000 for
    "150,000", half a unit for a number word."""
    scale = _MULTIPLIERS.get(multiplier.strip().lower(), 1.0)
    written = re.sub(r"[ ,\u00a0\u202f]", "", digits)
    if digits.lower() in _NUMBER_WORDS or not written[:1].isdigit():
        return 0.5 * scale
    whole, _, decimals = written.partition(".")
    if decimals:
        return 0.5 * scale * 10.0 ** -len(decimals)
    return 0.5 * scale * 10.0 ** (len(whole) - len(whole.rstrip("0")))


def _amount(digits: str, multiplier: str) -> float | None:
    word = digits.lower()
    if word in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS[word])
    else:
        value = float(re.sub(r"[ ,\u00a0\u202f]", "", digits))
    return value * _MULTIPLIERS.get(multiplier.strip().lower(), 1.0)


def _unit(match: re.Match[str]) -> str:
    if match["percent"]:
        return "%"
    word = (match["unit"] or "").lower()
    if match["currency"]:
        return match["currency"].strip()
    if word in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word]
    return word if word in _MEASURES else "count"


def figures_agree(a: Figure, b: Figure) -> bool:
    """Both can be true: their ranges, with what rounds to each, overlap; "1.5 million" and
    "1.52 million" do, "1.5 million" and "1.6 million" only touch."""
    return a.low - a.rounding < b.high + b.rounding and b.low - b.rounding < a.high + a.rounding


def comparable_figures(a: Figure, b: Figure, asked: frozenset[str] = frozenset()) -> bool:
    """They count the same kind of thing: the same currency, measure or "%"; for counts, the
    same word or one the question (`asked`, as `counted` gives its words) names, so "troops"
    and "soldiers" asked about troops are compared, "troops" and "tanks" asked how many "has
    China sent" are not."""
    if a.unit != b.unit:
        return False
    if a.unit != "count" or not (a.noun and b.noun) or a.noun == b.noun:
        return True
    return a.noun in asked or b.noun in asked


def counted(word: str) -> str:
    """A word as the thing a count counts, one form for singular and plural ("troops" →
    "troop"); "" for a word that counts nothing ("to", "more", a capitalised name)."""
    if not word.isalpha() or not word.islower() or word in _NOT_COUNTED:
        return ""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
