"""Tokens with offsets, and the features the cue model reads around each candidate word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

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


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def features(tokens: list[Token], i: int) -> list[str]:
    """What the model sees of token i: the word, its stem, and two words either side.

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
        f"wn1={word}|{after[0]}",
        f"wn2={word}|{after[0]}|{after[1]}",
    ]
    if i > 0 and tokens[i].text[:1].isupper():
        found.append("capitalised")
    if tokens[i].text.isupper() and len(word) > 1:
        found.append("all_caps")
    return found
