"""Who a sentence says is making its claim: "U.S. officials" in "U.S. officials said ...".

Only words of the sentence itself are returned, so the caveat that names them stays verbatim.
"""

from __future__ import annotations

import re

from bot.core.hedges.lexicon import Cue

_SPEECH = re.compile(
    r"\b(said|says|say|told|tells|claimed|claims|claim|reported|reports|stated|states|announced|"
    r"warned|added|insisted|alleged|alleges|confirmed|denied|according to)\b",
    re.I,
)
# A subject runs back from its verb to the nearest clause boundary.
_BOUNDARY = re.compile(r"[,;:–—(“”\"]|\bthat\b|\bwhile\b|\bbut\b|\bwhich\b", re.I)
_AFTER_END = re.compile(r"[,.;:–—()“”\"]|\bthat\b|\bon\b|\bin\b|\bwho\b", re.I)
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "there", "who", "which"}
MAX_WORDS = 8


def attributed_to(sentence: str, cues: tuple[Cue, ...] | list[Cue]) -> str | None:
    """The source an attribution cue names, or None when it is only a pronoun or unclear."""
    for cue in cues:
        if cue.kind != "attribution":
            continue
        match = _SPEECH.search(sentence, cue.start, cue.end)
        if match is None:
            continue
        if match.group(1).lower() == "according to":
            source = _phrase(_after(sentence, match.end()))
        else:
            subject = _subject(sentence, match.start())
            # "..., said Maria Lopez": no subject before the verb, so it follows it.
            source = _phrase(subject or _after(sentence, match.end()))
        if source:
            return source
    return None


def _subject(sentence: str, end: int) -> str:
    head = sentence[:end]
    cut = max((m.end() for m in _BOUNDARY.finditer(head)), default=0)
    return head[cut:].strip()


def _after(sentence: str, start: int) -> str:
    tail = sentence[start:]
    stop = _AFTER_END.search(tail)
    return tail[: stop.start()] if stop else tail


def _phrase(words: str) -> str | None:
    """A short noun phrase that names someone, not a pronoun or a whole clause."""
    phrase = words.strip().rstrip(".")
    count = len(phrase.split())
    if not phrase or count > MAX_WORDS or phrase.lower() in _PRONOUNS:
        return None
    return phrase
