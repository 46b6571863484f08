"""The newest answer, for a question that asks for it ("latest", "now", "so far").

Among the candidates the reader says answer, the newest article's comes first and undated ones
come last. The reader only weighs the leading few candidates, so a newer article whose sentence
ranks lower would be missed: while the first answer is dated, the question is read again among
the articles newer than it (among the dated ones, when it is undated), and a newer answer found
there replaces it. Each probability is the reader's own on the pool it was read from, never
raised for being new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from bot.core.reader.features import Candidate, Pool
from bot.core.reader.model import Reading
from index.models import Filters

# Readings among ever newer articles after the first: each skips past at least one day of
# articles, and four bound a question's cost at five searches.
NEWER_READS = 4
# The bound that keeps every dated article and leaves out the undated ones.
ANY_DATE = date.min.isoformat()

Read = Callable[[Filters], tuple[Pool, Reading]]


def dated(candidate: Candidate) -> str | None:
    """The candidate's article's day (its last update, else its publication), as filters see it."""
    article = candidate.hit.article
    return (article.updated or article.published or "")[:10] or None


def newest_first(found: Pool, reading: Reading, min_probability: float) -> Reading:
    """`reading` with the candidates that answer (at least `min_probability` likely) newest
    first and undated ones last; the reader's order breaks ties and follows them."""
    probabilities = reading.probabilities
    answering = [i for i in reading.order if probabilities.get(i, 0.0) >= min_probability]
    ranked = sorted(answering, key=lambda i: dated(found.candidates[i]) or "", reverse=True)
    rest = [i for i in reading.order if i not in answering]
    return replace(reading, order=tuple(ranked + rest))


def newest_answer(
    read: Read, limits: Filters, found: Pool, reading: Reading, min_probability: float
) -> tuple[Pool, Reading]:
    """The newest answer to be had: `read` reads the question among the articles `limits`
    (narrowed to newer ones) let through; the first reading is `found`, `reading`."""
    reading = newest_first(found, reading, min_probability)
    for _ in range(NEWER_READS):
        if not reading.order or reading.probability < min_probability:
            break
        day = dated(found.candidates[reading.order[0]])
        since = (date.fromisoformat(day) + timedelta(days=1)).isoformat() if day else ANY_DATE
        since = max(since, limits.since or since)
        if limits.until and since > limits.until:
            break
        newer, newer_reading = read(replace(limits, since=since))
        newer_reading = newest_first(newer, newer_reading, min_probability)
        if not newer_reading.order or newer_reading.probability < min_probability:
            break
        found, reading = newer, newer_reading
    return found, reading
