"""What a question asks for: the kind of answer, the names it must mention, its content words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

_WORD = re.compile(r"[\w.'’-]+")
_QUESTION_WORDS = {
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "should",
    "has",
    "have",
    "had",
    "tell",
    "me",
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "to",
    "for",
    "and",
    "or",
    "many",
    "much",
}
_STOPWORDS = _QUESTION_WORDS | {
    "about",
    "at",
    "by",
    "from",
    "with",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "be",
    "been",
    "there",
    "their",
    "they",
    "them",
    "he",
    "she",
    "his",
    "her",
    "as",
    "into",
    "any",
    "some",
    "i",
    "you",
    "we",
    "our",
    "your",
    "not",
    "no",
    "so",
    "if",
    "than",
    "then",
    "over",
}
# "How old", "how long", "what percentage": a measure is asked for, not a count of a thing
# the question names, so any figure may answer it.
MEASURE = re.compile(
    r"^\s*(how (old|long|far|tall|high|large|big|often)"
    r"|what (number|percentage|share|amount|age))\b",
    re.I,
)
# What kind of answer a question asks for; "other" when its first words do not say.
QuestionKind = Literal["quantity", "time", "person", "place", "other"]
QUESTION_KINDS: tuple[QuestionKind, ...] = get_args(QuestionKind)
_KINDS: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = (
    ("quantity", re.compile(rf"^\s*how (many|much)\b|{MEASURE.pattern}", re.I)),
    ("time", re.compile(r"^\s*(when|what (year|date|day|time|month))\b", re.I)),
    ("person", re.compile(r"^\s*(who|whom|whose)\b", re.I)),
    ("place", re.compile(r"^\s*(where|what (country|city|place))\b", re.I)),
)


@dataclass(frozen=True)
class Entity:
    """A name the question uses, with the other ways an article may write it."""

    asked: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    text: str
    kind: QuestionKind
    entities: tuple[Entity, ...]
    terms: tuple[str, ...]


@cache
def place_names() -> dict[str, tuple[str, ...]]:
    """Lower-cased name -> the forms a passage may use for it.

    A country or its people may be written as the country, a demonym or its capital ("Beijing
    said"); a city asked about must be named itself.
    """
    table: dict[str, tuple[str, ...]] = {}
    text = resources.files("bot.core.data").joinpath("places.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, others, cities = ([*line.split("\t"), "", ""])[:3]
        country = (name, *_split(others))
        for form in country:
            table.setdefault(form.lower(), (*country, *_split(cities)))
        for city in _split(cities):
            table.setdefault(city.lower(), (city,))
    return table


def _split(names: str) -> list[str]:
    return [name.strip() for name in names.split(",") if name.strip()]


# Chat mentions a question may start with: "@everyone", "<@U123>", "<!here>".
_LEADING_MENTIONS = re.compile(r"^(?:\s*(?:<[@#!][^>]*>|@\w+)[,:]?)+\s*")


def analyse(text: str) -> Question:
    text = _LEADING_MENTIONS.sub("", text)
    kind = next((name for name, pattern in _KINDS if pattern.search(text)), "other")
    words = [w.strip(".'’-") for w in _WORD.findall(text)]
    words = [w for w in words if w]
    terms = tuple(dict.fromkeys(w.lower() for w in words if w.lower() not in _STOPWORDS))
    return Question(text, kind, _entities(words), terms)


def _entities(words: list[str]) -> tuple[Entity, ...]:
    """Places from the gazetteer (in any case) and other capitalised names after the first word."""
    places = place_names()
    found: list[Entity] = []
    used: set[int] = set()
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            if used & set(range(i, i + size)):
                continue
            phrase = " ".join(words[i : i + size])
            forms = places.get(phrase.lower())
            if forms:
                found.append(Entity(phrase, forms))
                used.update(range(i, i + size))
    name: list[str] = []
    for i, word in enumerate([*words, ""]):
        if i in used or i == 0 or not word[:1].isupper() or word.lower() in _QUESTION_WORDS:
            if name:  # a run of capitalised words is one name; its last word alone also counts
                phrase = " ".join(name)
                found.append(Entity(phrase, tuple(dict.fromkeys([phrase, name[-1]]))))
                name = []
            continue
        name.append(word)
    return tuple(found)


def mentions(text: str, entity: Entity) -> bool:
    """Whether `text` names the entity in any of its forms (whole words, any case)."""
    return any(_form_pattern(form).search(text) for form in entity.forms)


@cache
def _form_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(form)}(?![\w])", re.I)
