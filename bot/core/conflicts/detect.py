"""Finding where the articles that answer a question disagree.

Each article's best sentence is found by reading that article's sentences alone, so an
article that disagrees is heard even when another ranks above all of its sentences. Two
articles disagree on a value when their answer spans (figures, names, dates) cannot both be
true and are about the same thing: the same unit, the subject the question names, and the same
time. They disagree on the claim when one calls it false (a hoax, denied, debunked) and the
other reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.core.conflicts.days import day_of, days_agree
from bot.core.conflicts.names import name_words, names_agree
from bot.core.conflicts.stance import SAYS, StanceModel
from bot.core.conflicts.values import (
    comparable_figures,
    counted,
    figure_at,
    figure_words,
    figures_agree,
)
from bot.core.models import ConflictKind
from bot.core.questions import Question, place_names
from bot.core.reader.features import Candidate, Pool
from bot.core.reader.model import Reading

# Articles further apart than this may tell a story that moved on, not disagree about it.
CLOSE_DAYS = 3
# Articles read for a stance: the best few that answer.
STANCE_ARTICLES = 4
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2}")


@dataclass(frozen=True)
class Side:
    """One article's side of a conflict: its sentence (an index into the pool) and what it
    says, in its own words."""

    candidate: int
    said: str


@dataclass(frozen=True)
class Disagreement:
    kind: ConflictKind
    sides: tuple[Side, ...]
    says: str = ""  # for a stance: what the denying article says of the claim


def best_per_article(
    found: Pool,
    read: Callable[[Pool], Reading],
    same_story: Callable[[Candidate, Candidate], bool],
) -> list[tuple[int, float]]:
    """Each article's best sentence (its index in the pool) and how likely it is to answer,
    read among that article's own sentences; best first, one of each linked near-duplicate."""
    by_article: dict[int, list[int]] = {}
    for i, candidate in enumerate(found.candidates):
        by_article.setdefault(candidate.hit.article.id, []).append(i)
    best: list[tuple[int, float]] = []
    for indices in by_article.values():
        own = replace(
            found,
            candidates=tuple(found.candidates[i] for i in indices),
            features=found.features[indices],
        )
        reading = read(own)
        if reading.order:
            best.append((indices[reading.order[0]], reading.probability))
    best.sort(key=lambda pair: -pair[1])
    kept: list[tuple[int, float]] = []
    for i, p in best:
        if not any(same_story(found.candidates[i], found.candidates[k]) for k, _ in kept):
            kept.append((i, p))
    return kept


def value_disagreement(
    question: Question, found: Pool, answering: Sequence[int]
) -> Disagreement | None:
    """Articles whose answers to the question differ, the first of `answering` first: one
    side for each value that disagrees with all the others."""
    kind = _VALUE_KINDS.get(question.kind)
    if kind is None:
        return None
    sides: list[Side] = []
    for i in answering:
        candidate = found.candidates[i]
        said = _said(kind, candidate)
        if said is None or not _about_asked(question, candidate):
            continue
        if not sides:
            sides.append(Side(i, said))
            continue
        first = found.candidates[sides[0].candidate]
        if not _same_time(first, candidate):
            continue
        verdicts = [_agree(question, found.candidates[s.candidate], candidate) for s in sides]
        if all(v is False for v in verdicts):
            sides.append(Side(i, said))
    return Disagreement(kind, tuple(sides)) if len(sides) > 1 else None


def _said(kind: ConflictKind, candidate: Candidate) -> str | None:
    """What the sentence answers, in its own words, when it is a value of the asked kind: a
    figure with its "about" or "more than"; None for a span that is no such value (a year
    given for a count, "yesterday" for a date)."""
    span = candidate.span
    if span is None:
        return None
    if kind == "figure":
        return figure_words(candidate.text, span.start)
    if kind == "date":
        return span.text if day_of(span.text).known else None
    return span.text


def stance_disagreement(
    question: Question, found: Pool, answering: Sequence[int], model: StanceModel
) -> Disagreement | None:
    """An article that reports what the question asks about and one that calls it false."""
    if len(answering) < 2:  # one article cannot disagree with itself
        return None
    reporting: int | None = None
    denying: tuple[int, str, str] | None = None
    for i in list(answering)[:STANCE_ARTICLES]:
        if reporting is not None and denying is not None:
            break
        article = found.candidates[i].hit.article
        sentences = [article.title, *_sentences(found, article.id)]
        denial = model.denial(question.text, sentences)
        if denial is None:
            reporting = i if reporting is None else reporting
        elif denying is None:
            cue, word = denial
            denying = (_sentence_with(found, article.id, word, i), cue, word)
    if reporting is None or denying is None:
        return None
    quote, cue, word = denying
    return Disagreement("stance", (Side(reporting, "reports it"), Side(quote, word)), SAYS[cue])


_VALUE_KINDS: dict[str, ConflictKind] = {
    "quantity": "figure",
    "person": "name",
    "place": "name",
    "time": "date",
}


def _agree(question: Question, a: Candidate, b: Candidate) -> bool | None:
    """Whether two answers can both be true; None when they are not about the same thing
    (another unit) and so neither agree nor disagree."""
    assert a.span is not None and b.span is not None
    kind = _VALUE_KINDS[question.kind]
    if kind == "figure":
        fa, fb = figure_at(a.text, a.span.start), figure_at(b.text, b.span.start)
        asked = frozenset(counted(w) for w in re.findall(r"[a-z]+", question.text.lower()))
        if fa is None or fb is None or not comparable_figures(fa, fb, asked):
            return None
        return figures_agree(fa, fb)
    if kind == "date":
        da, db = day_of(a.span.text), day_of(b.span.text)
        if not (da.known and db.known):
            return None
        return days_agree(da, db)
    if names_agree(a.span.text, b.span.text):
        return True
    # A sentence that names the other's person too ("Peter Grant said Judge Hughes will lead")
    # may give that person as the answer: its span is only the reader's best guess of whom.
    return question.kind == "person" and (_names(b, a.span.text) or _names(a, b.span.text))


def _names(candidate: Candidate, name: str) -> bool:
    """The sentence names, in words of its own, someone who may be `name`."""
    return any(
        name_words(m.group()) and names_agree(m.group(), name)
        for m in _CAPITALISED.finditer(candidate.text)
    )


def _about_asked(question: Question, candidate: Candidate) -> bool:
    """The sentence is about what the question names: its paragraph names them all, and the
    nearest place before the answer, if any, is one of them."""
    if not candidate.names_ok:
        return False
    assert candidate.span is not None
    places = place_names()
    before = [
        m.group()
        for m in _CAPITALISED.finditer(candidate.text[: candidate.span.start])
        if m.group().lower() in places
    ]
    if not before or not question.entities:
        return True
    asked = {form.lower() for entity in question.entities for form in entity.forms}
    return before[-1].lower() in asked


def _same_time(a: Candidate, b: Candidate) -> bool:
    """Both sentences may speak of the same time: the years they speak of match, and their
    articles were written within CLOSE_DAYS of each other. An undated article may be of any
    day, so it is compared (a figure reported weeks apart may have changed, one of unknown
    date is as likely to be the same report's)."""
    ya, yb = _years(a), _years(b)
    if ya and yb and not ya & yb:
        return False
    da, db = _article_day(a), _article_day(b)
    if da is None or db is None:
        return True
    return abs((da - db).days) <= CLOSE_DAYS


def _years(candidate: Candidate) -> set[int]:
    """The years a sentence speaks of: those it names ("in 2015"), else those within
    CLOSE_DAYS of its article's day; none for an undated article's sentence that names none."""
    text = candidate.text
    if candidate.span is not None:  # the answer itself is no year, though "2000 troops" looks it
        text = text[: candidate.span.start] + text[candidate.span.end :]
    named = {int(year) for year in _YEAR.findall(text)}
    day = _article_day(candidate)
    if named or day is None:
        return named
    near = timedelta(days=CLOSE_DAYS)
    return {(day - near).year, (day + near).year}


def _article_day(candidate: Candidate) -> date | None:
    article = candidate.hit.article
    when = article.updated or article.published
    try:
        return date.fromisoformat(when[:10]) if when else None
    except ValueError:
        return None


def _sentences(found: Pool, article_id: int) -> list[str]:
    return [
        passage.sentence_text(i)
        for passage in found.passages.get(article_id, ())
        for i in range(len(passage.sentences))
    ]


def _sentence_with(found: Pool, article_id: int, word: str, fallback: int) -> int:
    """The article's candidate sentence that uses the denying word, else its best one."""
    pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])", re.I)
    return next(
        (
            i
            for i, c in enumerate(found.candidates)
            if c.hit.article.id == article_id and pattern.search(c.text)
        ),
        fallback,
    )
