"""SQLite storage of articles, passages and sentence vectors, with numbered migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.models import Article, Chunk, Document, Feed, FeedEntryState, Passage, Span

# Per chunk: the annotator's version and its note on each sentence.
Notes = list[tuple[str, list[object]]]


class StoreError(Exception):
    """The database is missing, corrupt or from a newer newsbot."""


MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        source TEXT,
        url TEXT,
        published TEXT,
        author TEXT,
        path TEXT,
        content_hash TEXT NOT NULL,
        added_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        paragraph INTEGER NOT NULL,
        text TEXT NOT NULL,
        sentences TEXT NOT NULL,
        sentence_vectors BLOB NOT NULL
    );
    CREATE INDEX passages_by_article ON passages(article_id, position);
    """,
    # 2: web ingestion. Fingerprints find the same article under two keys; links join
    # near-duplicates (one wire story, two outlets); feeds remember their HTTP validators.
    """
    ALTER TABLE articles ADD COLUMN canonical_url TEXT;
    ALTER TABLE articles ADD COLUMN text_hash TEXT;
    ALTER TABLE articles ADD COLUMN minhash BLOB;
    CREATE INDEX articles_by_canonical_url ON articles(canonical_url);
    CREATE INDEX articles_by_text_hash ON articles(text_hash);
    CREATE TABLE article_links (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        similarity REAL NOT NULL,
        PRIMARY KEY (article_id, other_id)
    );
    CREATE INDEX article_links_by_other ON article_links(other_id);
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        last_polled TEXT,
        last_error TEXT,
        added_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE feed_entries (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        entry TEXT NOT NULL,
        url TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        seen_at TEXT NOT NULL DEFAULT (datetime('now')),
        PRIMARY KEY (feed_id, entry)
    );
    """,
    """
    ALTER TABLE passages ADD COLUMN sentence_notes TEXT;
    ALTER TABLE passages ADD COLUMN notes_version TEXT;
    """,
)

_ARTICLE_COLUMNS = "a.id, a.key, a.title, a.source, a.url, a.published, a.author, a.path"
_FEED_COLUMNS = "f.id, f.url, f.title, f.etag, f.last_modified, f.last_polled, f.last_error"
_PASSAGE_COLUMNS = (
    "id, article_id, position, paragraph, text, sentences, sentence_notes, notes_version"
)


class Store:
    """One SQLite file; every write happens inside `transaction()`."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the article database {path}: {error}") from error
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StoreError(f"cannot open the article database {path}: {error}") from error

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            self._db.close()
            raise StoreError(f"{self.path} was written by a newer newsbot (schema {version})")
        for number in range(version, len(MIGRATIONS)):
            # executescript commits any open transaction first, so the script carries its own.
            script = f"BEGIN; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
            try:
                self._db.executescript(script)
            except sqlite3.DatabaseError:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def content_hash(self, key: str) -> tuple[int, str] | None:
        """Id and content hash of the article stored under `key`, if any."""
        row = self._db.execute(
            "SELECT id, content_hash FROM articles WHERE key = ?", (key,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def upsert_article(self, doc: Document, content_hash: str) -> int:
        """Insert or update the article's metadata; its id survives an update."""
        self._db.execute(
            """INSERT INTO articles (key, title, source, url, published, author, path, content_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET title = excluded.title, source = excluded.source,
                 url = excluded.url, published = excluded.published, author = excluded.author,
                 path = excluded.path, content_hash = excluded.content_hash""",
            (
                doc.key,
                doc.title,
                doc.source,
                doc.url,
                doc.published,
                doc.author,
                doc.path,
                content_hash,
            ),
        )
        return int(
            self._db.execute("SELECT id FROM articles WHERE key = ?", (doc.key,)).fetchone()[0]
        )

    def delete_passages(self, article_id: int) -> list[int]:
        ids = self.passage_ids(article_id)
        self._db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        return ids

    def delete_article(self, article_id: int) -> list[int]:
        ids = self.delete_passages(article_id)
        self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def insert_passages(
        self,
        article_id: int,
        chunks: list[Chunk],
        sentence_vectors: list[np.ndarray],
        notes: Notes | None = None,
    ) -> list[int]:
        """Store chunks in order; `notes` holds (version, one note a sentence) for each chunk."""
        ids = []
        for position, (chunk, vectors) in enumerate(zip(chunks, sentence_vectors, strict=True)):
            version, per_sentence = notes[position] if notes else (None, None)
            cursor = self._db.execute(
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
            ids.append(int(cursor.lastrowid or 0))
        return ids

    def set_notes(self, passage_id: int, version: str, per_sentence: list[object]) -> None:
        self._db.execute(
            "UPDATE passages SET sentence_notes = ?, notes_version = ? WHERE id = ?",
            (json.dumps(per_sentence), version, passage_id),
        )

    def passage_ids(self, article_id: int) -> list[int]:
        rows = self._db.execute(
            "SELECT id FROM passages WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return [row[0] for row in rows]

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT {_PASSAGE_COLUMNS} FROM passages WHERE id IN ({marks})", ids
        )
        return {row[0]: _passage(row) for row in rows}

    def article_passages(self, article_id: int) -> list[Passage]:
        rows = self._db.execute(
            f"SELECT {_PASSAGE_COLUMNS} FROM passages WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [_passage(row) for row in rows]

    def sentence_vectors(self, ids: Iterable[int], dimension: int) -> dict[int, np.ndarray]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT id, sentence_vectors FROM passages WHERE id IN ({marks})", ids
        )
        return {
            pid: np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dimension)
            for pid, blob in rows
        }

    def all_passage_texts(self) -> tuple[list[int], list[str]]:
        rows = self._db.execute("SELECT id, text FROM passages ORDER BY id").fetchall()
        return [row[0] for row in rows], [row[1] for row in rows]

    def passage_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def articles(self) -> list[Article]:
        rows = self._db.execute(
            f"""SELECT {_ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id ORDER BY a.id"""
        )
        return [Article(*row) for row in rows]

    def article(self, article_id: int) -> Article | None:
        row = self._db.execute(
            f"""SELECT {_ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE a.id = ? GROUP BY a.id""",
            (article_id,),
        ).fetchone()
        return Article(*row) if row else None

    # -- duplicates ------------------------------------------------------------------------

    def set_fingerprints(
        self, article_id: int, canonical_url: str | None, text_hash: str, minhash: np.ndarray
    ) -> None:
        self._db.execute(
            "UPDATE articles SET canonical_url = ?, text_hash = ?, minhash = ? WHERE id = ?",
            (canonical_url, text_hash, minhash.astype(np.uint32).tobytes(), article_id),
        )

    def unfingerprinted(self) -> list[int]:
        """Articles stored before fingerprints existed (schema 1)."""
        rows = self._db.execute("SELECT id FROM articles WHERE text_hash IS NULL ORDER BY id")
        return [row[0] for row in rows]

    def key_by_canonical_url(self, url: str) -> str | None:
        row = self._db.execute(
            "SELECT key FROM articles WHERE canonical_url = ? ORDER BY id LIMIT 1", (url,)
        ).fetchone()
        return row[0] if row else None

    def has_key(self, key: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE key = ? OR canonical_url = ? LIMIT 1", (key, key)
        ).fetchone()
        return row is not None

    def article_by_text_hash(self, text_hash: str, other_than: int | None = None) -> Article | None:
        row = self._db.execute(
            "SELECT id FROM articles WHERE text_hash = ? AND id IS NOT ? ORDER BY id LIMIT 1",
            (text_hash, other_than),
        ).fetchone()
        return self.article(row[0]) if row else None

    def minhashes(self) -> dict[int, np.ndarray]:
        rows = self._db.execute("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL")
        return {row[0]: np.frombuffer(row[1], dtype=np.uint32) for row in rows}

    def replace_links(self, article_id: int, similar: list[tuple[int, float]]) -> None:
        """Link an article both ways to its near-duplicates, dropping its old links."""
        self._db.execute(
            "DELETE FROM article_links WHERE article_id = ? OR other_id = ?",
            (article_id, article_id),
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO article_links (article_id, other_id, similarity) "
            "VALUES (?, ?, ?)",
            [
                pair
                for other, score in similar
                for pair in ((article_id, other, score), (other, article_id, score))
            ],
        )

    def linked_articles(self, article_id: int) -> list[Article]:
        rows = self._db.execute(
            f"""SELECT {_ARTICLE_COLUMNS}, (SELECT count(*) FROM passages p
                  WHERE p.article_id = a.id)
                FROM article_links l JOIN articles a ON a.id = l.other_id
                WHERE l.article_id = ? ORDER BY l.similarity DESC, a.id""",
            (article_id,),
        )
        return [Article(*row) for row in rows]

    # -- feeds -----------------------------------------------------------------------------

    def add_feed(self, url: str, title: str | None) -> Feed:
        self._db.execute(
            "INSERT INTO feeds (url, title) VALUES (?, ?) ON CONFLICT(url) DO NOTHING",
            (url, title),
        )
        feed = self.feed(url)
        assert feed is not None
        return feed

    def feeds(self) -> list[Feed]:
        rows = self._db.execute(
            f"""SELECT {_FEED_COLUMNS}, (SELECT count(*) FROM feed_entries e
                  WHERE e.feed_id = f.id AND e.done) FROM feeds f ORDER BY f.id"""
        )
        return [Feed(*row) for row in rows]

    def feed(self, reference: str) -> Feed | None:
        """The feed with this URL, or this id."""
        return next((f for f in self.feeds() if reference in (f.url, str(f.id))), None)

    def remove_feed(self, feed_id: int) -> None:
        self._db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def update_feed(
        self,
        feed_id: int,
        polled_at: str,
        error: str | None,
        title: str | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> None:
        """Record a poll; validators (ETag, Last-Modified) only change when the feed was read."""
        self._db.execute(
            "UPDATE feeds SET last_polled = ?, last_error = ?, title = coalesce(?, title) "
            "WHERE id = ?",
            (polled_at, error, title, feed_id),
        )
        if validators is not None:
            self._db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?", (*validators, feed_id)
            )

    def feed_entries(self, feed_id: int) -> dict[str, FeedEntryState]:
        rows = self._db.execute(
            "SELECT entry, url, done, attempts FROM feed_entries WHERE feed_id = ?", (feed_id,)
        )
        return {row[0]: FeedEntryState(row[1], bool(row[2]), row[3]) for row in rows}

    def record_entry(
        self, feed_id: int, entry: str, url: str, done: bool, error: str | None = None
    ) -> None:
        self._db.execute(
            """INSERT INTO feed_entries (feed_id, entry, url, done, attempts, last_error)
               VALUES (?, ?, ?, ?, 1, ?)
               ON CONFLICT(feed_id, entry) DO UPDATE SET done = excluded.done,
                 attempts = attempts + 1, last_error = excluded.last_error""",
            (feed_id, entry, url, int(done), error),
        )


def _passage(row: tuple) -> Passage:
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
