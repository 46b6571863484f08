"""The part of a sentence each cue governs, so a caveat can say whether it touches the answer.

An approximation from punctuation and conjunctions, not a parse:

- dashes, semicolons, colons and brackets end every scope ("150,000 troops – Beijing fears
  that many would flee": "would" stays right of the dash);
- within that part, a cue governs its clause: a comma before "and", "but", "which", "while"
  and the like, or a bare "but", "while", "although", "because", starts a new clause, and
  "that" starts one for the cues after it, so "fearful that many would flee" gives "would"
  the words after "that";
- attribution and unconfirmed cues govern their whole part ("..., according to officials");
- "whether" governs from itself to its clause's end, the question it opens;
- an adjective cue before a noun ("a potential influx of refugees", "a suspected compound")
  governs only that noun phrase.
"""

from __future__ import annotations

import re

_STRONG = re.compile(r"\s+[-–—]+\s+|[–—;:()\[\]]")
_CLAUSE = re.compile(
    r",\s+(?:and|but|or|while|whereas|although|though|because|since|so|yet|which|who|"
    r"whom|whose|when|where|before|after)\b"
    r"|\s(?:but|while|whereas|although|though|because)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:which|who|whom|whose)$", re.IGNORECASE)
# "that" opens a clause for what follows it, not for the verb before it ("believe that ...").
_OPENS = re.compile(r"\bthat\s", re.IGNORECASE)
_WHOLE_PART = frozenset({"attribution", "unconfirmed"})
_FROM_CUE = frozenset({"investigation"})

_ADJECTIVES = frozenset(
    {
        "potential",
        "possible",
        "probable",
        "alleged",
        "suspected",
        "purported",
        "apparent",
        "likely",
        "rumoured",
        "rumored",
        "unconfirmed",
        "unverified",
        "expected",
        "so-called",
    }
)
# A word after an adjective cue that shows it is not before a noun ("possible that", "likely
# to", "suspected the driver").
_NOT_NOUN = frozenset(
    {
        "to",
        "that",
        "for",
        "in",
        "of",
        "by",
        "and",
        "or",
        "is",
        "was",
        "are",
        "were",
        "be",
        "it",
        "if",
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "this",
        "these",
        "those",
    }
)
# A word before an adjective cue that makes it a verb ("had expected", "was suspected").
_AUXILIARY = re.compile(
    r"\b(?:had|has|have|was|were|is|are|be|been|being|police|officials)\s+$", re.IGNORECASE
)
# Words that end a noun phrase: a verb, a conjunction or a relative word.
_PHRASE_END = re.compile(
    r"[,.;:!?()\[\]\"“”–—]|\s-+\s|\b(?:that|which|who|whom|whose|when|where|while|and|but|or|"
    r"because|as|after|before|if|unless|is|are|was|were|be|been|has|have|had|will|would|"
    r"could|can|may|might|should|must|did|does|do|said|says|told)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w’'-]+")
_EDGES = " \t\n,.;:!?\"“”'‘’"


def scope(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """Offsets of the span the cue at text[start:end] governs; it always contains the cue."""
    lo, hi = _part(text, start, end)
    if kind in _WHOLE_PART:
        return _trimmed(text, lo, hi, start, end)
    phrase = _noun_phrase(text, start, end, hi)
    if phrase is not None:
        return _trimmed(text, start, phrase, start, end)
    ends = [m.start() for m in _CLAUSE.finditer(text, end, hi)]
    clause_end = ends[0] if ends else hi
    if kind in _FROM_CUE:
        return _trimmed(text, start, clause_end, start, end)
    opened = [m for m in _CLAUSE.finditer(text, lo, start)]
    opened += [m for m in _OPENS.finditer(text, lo, start)]
    if not opened:
        return _trimmed(text, lo, clause_end, start, end)
    last = max(opened, key=lambda m: m.end())
    if _RELATIVE.search(last.group()):  # ", which ..., " ends at its closing comma
        comma = text.find(",", end, clause_end)
        clause_end = comma if comma >= 0 else clause_end
    return _trimmed(text, last.end(), clause_end, start, end)


def _part(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch between the strong breaks either side of the cue."""
    lo = max((m.end() for m in _STRONG.finditer(text, 0, start)), default=0)
    after = _STRONG.search(text, end)
    return lo, after.start() if after else len(text)


def _noun_phrase(text: str, start: int, end: int, hi: int) -> int | None:
    """Where the noun phrase an adjective cue modifies ends, or None if it modifies none."""
    if text[start:end].lower() not in _ADJECTIVES or _AUXILIARY.search(text, 0, start):
        return None
    following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    if following is None or following.end() > hi or following.group().lower() in _NOT_NOUN:
        return None
    stop = _PHRASE_END.search(text, following.end(), hi)
    return stop.start() if stop else hi


def _trimmed(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """The span without spaces and punctuation at its edges, never cutting into the cue."""
    while lo < start and text[lo] in _EDGES:
        lo += 1
    while hi > end and text[hi - 1] in _EDGES:
        hi -= 1
    return lo, hi
