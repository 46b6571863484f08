"""The article store in one SQLite file: articles, passages, sentence vectors, fingerprints,
links and named settings. The file, its migrations and its locking are `sqlite_database`'s; the
feed tables live in the same file (see `sqlite_feeds`), so a poll's record commits with the
articles it found.
"""

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
from index.storage.minhash_bands import band_keys, signature_bytes, stored_signature
from index.storage.rows import (
    ARTICLE_COLUMNS,
    PASSAGE_COLUMNS,
    article_of,
    by_article,
    passage_of,
    version_of,
)
from index.storage.sqlite_database import Database

# Articles a question asked in scope ? may see: the shared corpus and that scope's own.
_VISIBLE = "(a.scope IS NULL OR a.scope = ?)"


class SqliteArticleStore:
    """The `ArticleStore` in a SQLite `Database`; every write happens inside `transaction()`."""

    def __init__(self, database: Database):
        self._db = database

    def transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def close(self) -> None:
        self._db.close()

    def get_meta(self, key: str) -> str | None:
        row = self._db.row("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def content_hash(self, key: str) -> tuple[int, str] | None:
        row = self._db.row("SELECT id, content_hash FROM articles WHERE key = ?", (key,))
        return (row[0], row[1]) if row else None

    def upsert_article(self, doc: Document, content_hash: str) -> int:
        # An update keeps the article's scope: keys are unique across scopes, so an update only
        # ever comes from the scope the article was added in.
        self._db.run(
            """INSERT INTO articles (key, title, source, url, published, author, path, content_hash,
                 scope, added_by, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET title = excluded.title, source = excluded.source,
                 url = excluded.url, published = excluded.published, author = excluded.author,
                 path = excluded.path, content_hash = excluded.content_hash,
                 added_by = excluded.added_by, updated = excluded.updated""",
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
        row = self._db.row("SELECT id FROM articles WHERE key = ?", (doc.key,))
        return int(row[0])  # type: ignore[index]

    def delete_passages(self, article_id: int) -> list[int]:
        ids = self.passage_ids(article_id)
        self._db.run("DELETE FROM passages WHERE article_id = ?", (article_id,))
        return ids

    def delete_article(self, article_id: int) -> list[int]:
        ids = self.delete_passages(article_id)
        stored = self._db.row("SELECT minhash FROM articles WHERE id = ?", (article_id,))
        if stored is not None:
            self._forget_bands(article_id, stored[0])
        self._db.run("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def insert_passages(
        self,
        article_id: int,
        chunks: list[Chunk],
        sentence_vectors: list[np.ndarray],
        notes: Notes | None = None,
    ) -> list[int]:
        ids = []
        for position, (chunk, vectors) in enumerate(zip(chunks, sentence_vectors, strict=True)):
            version, per_sentence = notes[position] if notes else (None, None)
            ids.append(
                self._db.run(
                    """INSERT INTO passages (article_id, position, paragraph, text, sentences,
                       sentence_vectors, sentence_notes, notes_version)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        article_id,
                        position,
                        chunk.paragraph,
                        chunk.text,
                        json.dumps([[s.start, s.end] for s in chunk.sentences]),
                        vectors.astype(np.float16).tobytes(),
                        None if per_sentence is None else json.dumps(per_sentence),
                        version,
                    ),
                )
            )
        return ids

    def set_notes(self, passage_id: int, version: str, per_sentence: list[object]) -> None:
        self._db.run(
            "UPDATE passages SET sentence_notes = ?, notes_version = ? WHERE id = ?",
            (json.dumps(per_sentence), version, passage_id),
        )

    def passage_ids(self, article_id: int) -> list[int]:
        rows = self._db.rows(
            "SELECT id FROM passages WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return [row[0] for row in rows]

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        rows = self._db.rows(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE id IN ({marks})", ids)
        return {row[0]: passage_of(row) for row in rows}

    def article_passages(self, article_id: int) -> list[Passage]:
        rows = self._db.rows(
            f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [passage_of(row) for row in rows]

    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]:
        ids = list(dict.fromkeys(article_ids))
        marks = ",".join("?" * len(ids))
        rows = self._db.rows(
            f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id IN ({marks}) "
            "ORDER BY article_id, position",
            ids,
        )
        return by_article(passage_of(row) for row in rows)

    def sentence_vectors(self, ids: Iterable[int], dimension: int) -> dict[int, np.ndarray]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        rows = self._db.rows(
            f"SELECT id, sentence_vectors FROM passages WHERE id IN ({marks})", ids
        )
        return {
            pid: np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dimension)
            for pid, blob in rows
        }

    def all_passage_texts(self) -> tuple[list[int], list[str]]:
        rows = self._db.rows("SELECT id, text FROM passages ORDER BY id")
        return [row[0] for row in rows], [row[1] for row in rows]

    def passage_count(self) -> int:
        return int(self._db.row("SELECT count(*) FROM passages")[0])  # type: ignore[index]

    def articles(self) -> list[Article]:
        rows = self._db.rows(
            f"""SELECT {ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id ORDER BY a.id"""
        )
        return [article_of(row) for row in rows]

    def visible_articles(self, scope: Scope) -> list[Article]:
        rows = self._db.rows(
            f"""SELECT {ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE {_VISIBLE}
                GROUP BY a.id ORDER BY a.id""",
            (scope,),
        )
        return [article_of(row) for row in rows]

    def visible_passages(
        self, ids: Iterable[int], scope: Scope, filters: Filters | None = None
    ) -> set[int]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        where, values = _filtered(filters or Filters())
        rows = self._db.rows(
            # CROSS JOIN keeps passages the outer loop: left to itself, SQLite walks every
            # visible article's passages (the scope index) to find these few, 20x slower.
            f"""SELECT p.id FROM passages p CROSS JOIN articles a ON a.id = p.article_id
                WHERE p.id IN ({marks}) AND {_VISIBLE}{where}""",
            [*ids, scope, *values],
        )
        return {row[0] for row in rows}

    def any_visible_article(self, scope: Scope, filters: Filters) -> bool:
        where, values = _filtered(filters)
        query = f"SELECT EXISTS (SELECT 1 FROM articles a WHERE {_VISIBLE}{where})"
        return bool(self._db.row(query, [scope, *values])[0])

    def article(self, article_id: int) -> Article | None:
        row = self._db.row(
            f"""SELECT {ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE a.id = ? GROUP BY a.id""",
            (article_id,),
        )
        return article_of(row) if row else None

    def articles_by_id(self, article_ids: Iterable[int]) -> dict[int, Article]:
        ids = list(dict.fromkeys(article_ids))
        marks = ",".join("?" * len(ids))
        rows = self._db.rows(
            f"""SELECT {ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE a.id IN ({marks})
                GROUP BY a.id""",
            ids,
        )
        return {article.id: article for article in map(article_of, rows)}

    def candidates(self, ids: Iterable[int], dimension: int) -> Candidates:
        ids = list(ids)
        passages = self.passages(ids)
        articles = self.articles_by_id(p.article_id for p in passages.values())
        return Candidates(passages, self.sentence_vectors(passages, dimension), articles)

    # -- versions --------------------------------------------------------------------------

    def record_version(
        self,
        article_id: int,
        published: str | None,
        updated: str | None,
        sentences: list[str],
    ) -> int:
        self._db.run(
            """INSERT INTO article_versions (article_id, version, published, updated, sentences)
               SELECT ?, coalesce(max(version), 0) + 1, ?, ?, ? FROM article_versions
               WHERE article_id = ?""",
            (article_id, published, updated, json.dumps(sentences), article_id),
        )
        row = self._db.row(
            "SELECT max(version) FROM article_versions WHERE article_id = ?", (article_id,)
        )
        return int(row[0])  # type: ignore[index]

    def versions(self, article_id: int) -> list[ArticleVersion]:
        rows = self._db.rows(
            """SELECT version, seen_at, published, updated, sentences FROM article_versions
               WHERE article_id = ? ORDER BY version""",
            (article_id,),
        )
        return [version_of(row) for row in rows]

    # -- duplicates ------------------------------------------------------------------------

    def set_fingerprints(
        self, article_id: int, canonical_url: str | None, text_hash: str, minhash: np.ndarray
    ) -> None:
        blob = signature_bytes(minhash)
        stored = self._db.row("SELECT minhash FROM articles WHERE id = ?", (article_id,))
        if stored is None:
            return
        self._db.run(
            "UPDATE articles SET canonical_url = ?, text_hash = ?, minhash = ? WHERE id = ?",
            (canonical_url, text_hash, blob, article_id),
        )
        if stored[0] != blob:
            self._forget_bands(article_id, stored[0])
            self._db.run_many(
                "INSERT INTO minhash_bands (band, article_id) VALUES (?, ?)",
                [(band, article_id) for band in band_keys(minhash)],
            )

    def _forget_bands(self, article_id: int, stored: bytes | None) -> None:
        """Delete the bands of the article's stored signature, by their keys."""
        if stored is not None:
            self._db.run_many(
                "DELETE FROM minhash_bands WHERE band = ? AND article_id = ?",
                [(band, article_id) for band in band_keys(stored_signature(stored))],
            )

    def unfingerprinted(self) -> list[int]:
        rows = self._db.rows("SELECT id FROM articles WHERE text_hash IS NULL ORDER BY id")
        return [row[0] for row in rows]

    def key_by_canonical_url(self, url: str, scope: Scope) -> str | None:
        row = self._db.row(
            "SELECT key FROM articles WHERE canonical_url = ? AND scope IS ? ORDER BY id LIMIT 1",
            (url, scope),
        )
        return row[0] if row else None

    def has_key(self, key: str, scope: Scope) -> bool:
        row = self._db.row(
            "SELECT 1 FROM articles WHERE (key = ? OR canonical_url = ?) AND scope IS ? LIMIT 1",
            (key, key, scope),
        )
        return row is not None

    def article_by_text_hash(
        self, text_hash: str, scope: Scope, other_than: int | None = None
    ) -> Article | None:
        row = self._db.row(
            f"""SELECT a.id FROM articles a WHERE a.text_hash = ? AND a.id IS NOT ?
                AND {_VISIBLE} ORDER BY a.id LIMIT 1""",
            (text_hash, other_than, scope),
        )
        return self.article(row[0]) if row else None

    def minhash_matches(self, signature: np.ndarray, at_least: int) -> dict[int, int]:
        bands = band_keys(signature)
        rows = self._db.rows(
            f"""SELECT article_id, count(*) FROM minhash_bands
                WHERE band IN ({", ".join("?" * len(bands))})
                GROUP BY article_id HAVING count(*) >= ?""",
            (*bands, max(at_least, 1)),
        )
        return {article_id: shared for article_id, shared in rows}

    def replace_links(self, article_id: int, similar: list[tuple[int, float]]) -> None:
        self._db.run(
            "DELETE FROM article_links WHERE article_id = ? OR other_id = ?",
            (article_id, article_id),
        )
        self._db.run_many(
            "INSERT OR REPLACE INTO article_links (article_id, other_id, similarity) "
            "VALUES (?, ?, ?)",
            [
                pair
                for other, score in similar
                for pair in ((article_id, other, score), (other, article_id, score))
            ],
        )

    def linked_articles(self, article_id: int, scope: Scope) -> list[Article]:
        rows = self._db.rows(
            f"""SELECT {ARTICLE_COLUMNS}, (SELECT count(*) FROM passages p
                  WHERE p.article_id = a.id)
                FROM article_links l JOIN articles a ON a.id = l.other_id
                WHERE l.article_id = ? AND {_VISIBLE} ORDER BY l.similarity DESC, a.id""",
            (article_id, scope),
        )
        return [article_of(row) for row in rows]


def _filtered(filters: Filters) -> tuple[str, list[str]]:
    """The SQL conditions (each led by AND) and values that keep what `filters` lets through.
    Dates are compared by their ISO day, so a stored time of day does not matter."""
    day = "substr(COALESCE(a.updated, a.published), 1, 10)"
    where, values = "", []
    if filters.since:
        where += f" AND {day} >= ?"
        values.append(filters.since)
    if filters.until:
        where += f" AND {day} <= ?"
        values.append(filters.until)
    if filters.source:
        where += " AND a.source = ? COLLATE NOCASE"
        values.append(filters.source)
    return where, values
