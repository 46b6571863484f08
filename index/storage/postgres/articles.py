"""The article store in PostgreSQL: articles, passages, sentence vectors, fingerprints, links
and named settings, with the SQLite store's behaviour (`index.storage.sqlite`). The database,
its migrations and its single writer are `database`'s; the feed tables live in the same
database (see `feeds`), so a poll's record commits with the articles it found."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import AbstractContextManager

import numpy as np

from index.models import (
    Article,
    ArticleVersion,
    Chunk,
    Document,
    Filters,
    Notes,
    Passage,
    Scope,
)
from index.storage.article_store import Candidates
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.duplicates import PostgresDuplicates
from index.storage.postgres.indexes import PostgresPassageIndexes
from index.storage.postgres.sql import COUNTED_COLUMNS, VISIBLE, ids_of
from index.storage.rows import (
    PASSAGE_COLUMNS,
    article_of,
    by_article,
    passage_of,
    version_of,
)


class PostgresArticleStore(PostgresDuplicates):
    """The `ArticleStore` in a `PostgresDatabase`; every write happens inside `transaction()`.
    Passages inserted or deleted are indexed or forgotten by `indexes` in the same write.
    Closing the store closes the database, and with it every store and index kept there."""

    def __init__(self, database: PostgresDatabase, indexes: PostgresPassageIndexes):
        self._db = database
        self._indexes = indexes

    def transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def close(self) -> None:
        self._db.close()

    def get_meta(self, key: str) -> str | None:
        row = self._db.row("SELECT value FROM meta WHERE key = %s", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.run(
            "INSERT INTO meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def content_hash(self, key: str) -> tuple[int, str] | None:
        row = self._db.row("SELECT id, content_hash FROM articles WHERE key = %s", (key,))
        return (row[0], row[1]) if row else None

    def upsert_article(self, doc: Document, content_hash: str) -> int:
        # An update keeps the article's scope: keys are unique across scopes, so an update only
        # ever comes from the scope the article was added in.
        row = self._db.row(
            """INSERT INTO articles (key, title, source, url, published, author, path,
                 content_hash, scope, added_by, updated)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (key) DO UPDATE SET title = excluded.title,
                 source = excluded.source, url = excluded.url, published = excluded.published,
                 author = excluded.author, path = excluded.path,
                 content_hash = excluded.content_hash, added_by = excluded.added_by,
                 updated = excluded.updated
               RETURNING id""",
            (
                doc.key,
                doc.title,
                doc.source,
                doc.url,
                doc.published,
                doc.author,
                doc.path,
                content_hash,
                doc.scope,
                doc.added_by,
                doc.updated,
            ),
        )
        return int(row[0])  # type: ignore[index]

    def delete_passages(self, article_id: int) -> list[int]:
        with self._db.transaction():
            rows = self._db.rows(
                "DELETE FROM passages WHERE article_id = %s RETURNING position, id", (article_id,)
            )
            ids = [pid for _, pid in sorted(rows)]
            self._indexes.passages_deleted(ids)
        return ids

    def delete_article(self, article_id: int) -> list[int]:
        with self._db.transaction():
            ids = self.delete_passages(article_id)
            row = self._db.row(
                "DELETE FROM articles WHERE id = %s RETURNING minhash", (article_id,)
            )
            if row is not None:
                self._forget_bands(article_id, row[0])
        return ids

    def insert_passages(
        self,
        article_id: int,
        chunks: list[Chunk],
        sentence_vectors: list[np.ndarray],
        notes: Notes | None = None,
    ) -> list[int]:
        if not chunks:
            return []
        versions, per_sentence = zip(*notes, strict=True) if notes else ([None] * len(chunks),) * 2
        rows = [
            (
                chunk.paragraph,
                chunk.text,
                json.dumps([[s.start, s.end] for s in chunk.sentences]),
                vectors.astype(np.float16).tobytes(),
                None if note is None else json.dumps(note),
                version,
            )
            for chunk, vectors, version, note in zip(
                chunks, sentence_vectors, versions, per_sentence, strict=True
            )
        ]
        # One statement for every chunk; ids are drawn in the chunks' order.
        with self._db.transaction():
            inserted = self._db.rows(
                """INSERT INTO passages (article_id, position, paragraph, text, sentences,
                     sentence_vectors, sentence_notes, notes_version)
                   SELECT %s::bigint, position - 1, paragraph, text, sentences, vectors, notes,
                     version
                   FROM unnest(%s::integer[], %s::text[], %s::text[], %s::bytea[], %s::text[],
                     %s::text[]) WITH ORDINALITY
                     AS c(paragraph, text, sentences, vectors, notes, version, position)
                   ORDER BY position
                   RETURNING position, id""",
                (article_id, *(list(column) for column in zip(*rows, strict=True))),
            )
            ids = [pid for _, pid in sorted(inserted)]
            self._indexes.passages_inserted(ids, [chunk.text for chunk in chunks], sentence_vectors)
        return ids

    def set_notes(self, passage_id: int, version: str, per_sentence: list[object]) -> None:
        self._db.run(
            "UPDATE passages SET sentence_notes = %s, notes_version = %s WHERE id = %s",
            (json.dumps(per_sentence), version, passage_id),
        )

    def passage_ids(self, article_id: int) -> list[int]:
        rows = self._db.rows(
            "SELECT id FROM passages WHERE article_id = %s ORDER BY position", (article_id,)
        )
        return [row[0] for row in rows]

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        ids = ids_of(ids)
        if not ids:
            return {}
        rows = self._db.rows(
            f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE id = ANY(%s::bigint[])", (ids,)
        )
        return {row[0]: passage_of(row) for row in rows}

    def article_passages(self, article_id: int) -> list[Passage]:
        rows = self._db.rows(
            f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id = %s ORDER BY position",
            (article_id,),
        )
        return [passage_of(row) for row in rows]

    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]:
        rows = self._db.rows(
            f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id = ANY(%s::bigint[]) "
            "ORDER BY article_id, position",
            (ids_of(article_ids),),
        )
        return by_article(passage_of(row) for row in rows)

    def sentence_vectors(self, ids: Iterable[int], dimension: int) -> dict[int, np.ndarray]:
        ids = ids_of(ids)
        if not ids:
            return {}
        with self._db.connection() as connection:
            rows = connection.execute(
                "SELECT id, sentence_vectors FROM passages WHERE id = ANY(%s::bigint[])",
                (ids,),
                binary=True,  # the vectors as bytes, not as hex text to decode
            ).fetchall()
        return {pid: _sentence_vectors(blob, dimension) for pid, blob in rows}

    def all_passage_texts(self) -> tuple[list[int], list[str]]:
        rows = self._db.rows("SELECT id, text FROM passages ORDER BY id")
        return [row[0] for row in rows], [row[1] for row in rows]

    def passage_count(self) -> int:
        return int(self._db.row("SELECT count(*) FROM passages")[0])  # type: ignore[index]

    def articles(self) -> list[Article]:
        rows = self._db.rows(f"SELECT {COUNTED_COLUMNS} FROM articles a ORDER BY a.id")
        return [article_of(row) for row in rows]

    def visible_articles(self, scope: Scope) -> list[Article]:
        rows = self._db.rows(
            f"SELECT {COUNTED_COLUMNS} FROM articles a WHERE {VISIBLE} ORDER BY a.id",
            {"scope": scope},
        )
        return [article_of(row) for row in rows]

    def visible_passages(
        self, ids: Iterable[int], scope: Scope, filters: Filters | None = None
    ) -> set[int]:
        ids = ids_of(ids)
        if not ids:
            return set()
        where, values = _filtered(filters or Filters())
        rows = self._db.rows(
            f"""SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id
                WHERE p.id = ANY(%(ids)s::bigint[]) AND {VISIBLE}{where}""",
            {"ids": ids, "scope": scope, **values},
        )
        return {row[0] for row in rows}

    def any_visible_article(self, scope: Scope, filters: Filters) -> bool:
        where, values = _filtered(filters)
        query = f"SELECT EXISTS (SELECT 1 FROM articles a WHERE {VISIBLE}{where})"
        return bool(self._db.row(query, {"scope": scope, **values})[0])

    def article(self, article_id: int) -> Article | None:
        row = self._db.row(
            f"SELECT {COUNTED_COLUMNS} FROM articles a WHERE a.id = %s", (article_id,)
        )
        return article_of(row) if row else None

    def articles_by_id(self, article_ids: Iterable[int]) -> dict[int, Article]:
        rows = self._db.rows(
            f"SELECT {COUNTED_COLUMNS} FROM articles a WHERE a.id = ANY(%s::bigint[])",
            (ids_of(article_ids),),
        )
        return {article.id: article for article in map(article_of, rows)}

    def candidates(self, ids: Iterable[int], dimension: int) -> Candidates:
        ids = ids_of(ids)
        if not ids:
            return Candidates({}, {}, {})
        passage_columns = ", ".join(f"p.{column}" for column in PASSAGE_COLUMNS.split(", "))
        with self._db.connection() as connection:
            rows = connection.execute(
                f"""SELECT {passage_columns}, p.sentence_vectors, {COUNTED_COLUMNS}
                    FROM passages p JOIN articles a ON a.id = p.article_id
                    WHERE p.id = ANY(%s::bigint[])""",
                (ids,),
                binary=True,  # the vectors as bytes, not as hex text to decode
            ).fetchall()
        width = len(PASSAGE_COLUMNS.split(", "))
        passages, vectors, articles = {}, {}, {}
        for row in rows:
            passage = passages[row[0]] = passage_of(row[:width])
            vectors[row[0]] = _sentence_vectors(row[width], dimension)
            if passage.article_id not in articles:
                articles[passage.article_id] = article_of(row[width + 1 :])
        return Candidates(passages, vectors, articles)

    # -- versions --------------------------------------------------------------------------

    def record_version(
        self,
        article_id: int,
        published: str | None,
        updated: str | None,
        sentences: list[str],
    ) -> int:
        row = self._db.row(
            """INSERT INTO article_versions (article_id, version, published, updated, sentences)
               SELECT %(id)s, coalesce(max(version), 0) + 1, %(published)s, %(updated)s,
                 %(sentences)s
               FROM article_versions WHERE article_id = %(id)s
               RETURNING version""",
            {
                "id": article_id,
                "published": published,
                "updated": updated,
                "sentences": json.dumps(sentences),
            },
        )
        return int(row[0])  # type: ignore[index]

    def versions(self, article_id: int) -> list[ArticleVersion]:
        rows = self._db.rows(
            """SELECT version, seen_at, published, updated, sentences FROM article_versions
               WHERE article_id = %s ORDER BY version""",
            (article_id,),
        )
        return [version_of(row) for row in rows]


def _filtered(filters: Filters) -> tuple[str, dict[str, str]]:
    """The SQL conditions (each led by AND) and named values that keep what `filters` lets
    through. Dates are compared by their ISO day, so a stored time of day does not matter."""
    day = "substr(COALESCE(a.updated, a.published), 1, 10)"
    where, values = "", {}
    if filters.since:
        where += f" AND {day} >= %(since)s"
        values["since"] = filters.since
    if filters.until:
        where += f" AND {day} <= %(until)s"
        values["until"] = filters.until
    if filters.source:
        where += " AND lower(a.source) = lower(%(source)s)"
        values["source"] = filters.source
    return where, values


def _sentence_vectors(blob: bytes, dimension: int) -> np.ndarray:
    """Stored float16 sentence vectors as float32, one row a sentence."""
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dimension)
