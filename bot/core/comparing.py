"""Compare mode: one answering sentence from each article, the newest article first."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.conflicts.detect import best_per_article
from bot.core.reader.features import Candidate, Pool
from bot.core.reader.model import Reading


def answering(
    found: Pool,
    reading: Reading,
    read: Callable[[Pool], Reading],
    same_story: Callable[[Candidate, Candidate], bool],
    min_probability: float,
) -> list[tuple[int, float]]:
    """One sentence of each article that answers (linked near-duplicates count once), the
    reader's best first, with how likely each is to answer."""
    first = reading.order[0]
    first_article = found.candidates[first].hit.article.id
    others = [
        (i, p)
        for i, p in best_per_article(found, read, same_story)
        if p >= min_probability
        and found.candidates[i].hit.article.id != first_article
        and not same_story(found.candidates[i], found.candidates[first])
    ]
    return [(first, reading.probability), *others]


def newest_first(found: Pool, answering: list[tuple[int, float]]) -> list[int]:
    """The answering sentences, the most recently dated article first and undated ones last."""
    return sorted(
        (i for i, _ in answering), key=lambda i: _dated(found.candidates[i]), reverse=True
    )


def _dated(candidate: Candidate) -> tuple[bool, str]:
    article = candidate.hit.article
    when = article.updated or article.published or ""
    return (bool(when), when)
