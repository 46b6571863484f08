"""A name in an answer span as its words, so that "Pence" and "Mike Pence" may be one person."""

from __future__ import annotations

import re

from bot.core.questions import place_names

_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "lady",
        "lord",
        "president",
        "prime",
        "minister",
        "general",
        "gen",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "senator",
        "sen",
        "rep",
        "governor",
        "gov",
        "mayor",
        "judge",
        "the",
    ]
)


def name_words(name: str) -> frozenset[str]:
    """A name's own words, without titles, in one case: "President Mike Pence" → mike, pence."""
    words = re.findall(r"[\w’'-]+", name.casefold())
    return frozenset(w.strip("’'") for w in words if w not in _TITLES)


def names_agree(a: str, b: str) -> bool:
    """One name may be the other: the same words, one a part of the other ("Pence", "Mike
    Pence"), or one a place's other name ("Beijing" for "China")."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb or wa <= wb or wb <= wa:
        return True
    places = place_names()
    forms_a = {f.casefold() for f in places.get(a.casefold(), ())}
    forms_b = {f.casefold() for f in places.get(b.casefold(), ())}
    return b.casefold() in forms_a or a.casefold() in forms_b
