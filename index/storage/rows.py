"""Rows as both SQL backends read them back: the columns they select and the objects they make.

Both store an article, a passage and a version in the same columns, so one reading serves both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from index.models import Article, ArticleVersion, Passage, Span

# An article's own columns (table alias `a`); a query adds its passage count after them.
ARTICLE_COLUMNS = (
    "a.id, a.key, a.title, a.source, a.url, a.published, a.author, a.path, "
    "a.scope, a.added_by, a.added_at, a.updated"
)
PASSAGE_COLUMNS = (
    "id, article_id, position, paragraph, text, sentences, sentence_notes, notes_version"
)


def article_of(row: tuple) -> Article:
    """An article from a row of `ARTICLE_COLUMNS` followed by its passage count."""
    *fields, scope, added_by, added_at, updated, passage_count = row
    return Article(
        *fields, passage_count, scope=scope, added_by=added_by, added_at=added_at, updated=updated
    )


def version_of(row: tuple) -> ArticleVersion:
    """A version from its columns, the last being its sentences as a JSON list."""
    *fields, sentences = row
    return ArticleVersion(*fields, sentences=tuple(json.loads(sentences)))


def by_article(passages: Iterable[Passage]) -> dict[int, list[Passage]]:
    """Passages grouped by article, each group in the order given."""
    grouped: dict[int, list[Passage]] = {}
    for passage in passages:
        grouped.setdefault(passage.article_id, []).append(passage)
    return grouped


def passage_of(row: tuple) -> Passage:
    """A passage from a row of `PASSAGE_COLUMNS`."""
    spans = tuple(Span(start, end) for start, end in json.loads(row[5]))
    return Passage(
        id=row[0],
        article_id=row[1],
        position=row[2],
        paragraph=row[3],
        text=row[4],
        sentences=spans,
        notes=None if row[6] is None else tuple(json.loads(row[6])),
        notes_version=row[7],
    )
