"""The article store in one SQLite file: articles, passages, sentence vectors, fingerprints,
links and named settings, with numbered migrations. The feed tables live in the same file
(see `sqlite_feeds`), so a poll's record commits with the articles it found.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from index.models import Article, Chunk, Document, Filters, Notes, Passage, Scope, Span
from index.storage.protocols import StoreError

log = logging.getLogger(__name__)

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
    # 4: scoped corpora. What a chat adds belongs to its server or workspace (NULL: the shared
    # corpus), and text from a chat records who added it, for its citation.
    """
    ALTER TABLE articles ADD COLUMN scope TEXT;
    ALTER TABLE articles ADD COLUMN added_by TEXT;
    CREATE INDEX articles_by_scope ON articles(scope);
    """,
    # 5: an article's own date of last change, beside its publication date.
    """
    ALTER TABLE articles ADD COLUMN updated TEXT;
    """,
)

_ARTICLE_COLUMNS = (
    "a.id, a.key, a.title, a.source, a.url, a.published, a.author, a.path, "
    "a.scope, a.added_by, a.added_at, a.updated"
)
# Articles a question asked in scope ? may see: the shared corpus and that scope's own.
_VISIBLE = "(a.scope IS NULL OR a.scope = ?)"
_PASSAGE_COLUMNS = (
    "id, article_id, position, paragraph, text, sentences, sentence_notes, notes_version"
)


class Database:
    """One SQLite file, opened and migrated once, shared by the stores kept in it.

    Chat handlers and the feed poller use it from several threads: one lock makes each
    statement, and each transaction as a whole, run alone. Other processes may use the file at
    the same time (a bot serving while `newsbot ingest` runs): a transaction takes SQLite's
    write lock at its start, waiting up to `wait_seconds` for another process's write to
    finish, and a wait that runs out is a `StoreError` saying to try again.

    `read_only` opens the file read-only (`mode=ro`), for a folder newsbot may not write to:
    reads work, and a write is a `StoreError` saying so.
    """

    def __init__(self, path: Path, wait_seconds: float = 120.0, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self._wait_ms = int(wait_seconds * 1000)
        self._lock = threading.RLock()
        if read_only and not path.exists():
            raise StoreError(f"{path.parent} is read-only and holds no article database")
        try:
            self._db = self._connect()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the article database {path}: {error}") from error
        try:
            with self._statement() as db:
                db.execute("PRAGMA foreign_keys = ON")
                if not read_only:
                    db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StoreError(f"cannot open the article database {path}: {error}") from error
        except StoreError:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _connect(self) -> sqlite3.Connection:
        def connect(target: str | Path, uri: bool = False) -> sqlite3.Connection:
            timeout = self._wait_ms / 1000
            return sqlite3.connect(
                target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
            )

        if not self.read_only:
            return connect(self.path)
        uri = self.path.absolute().as_uri() + "?mode=ro"
        db = connect(uri, uri=True)
        try:
            db.execute("PRAGMA user_version").fetchone()
            return db
        except sqlite3.OperationalError as error:
            db.close()
            if error.sqlite_errorcode not in (
                sqlite3.SQLITE_CANTOPEN,
                sqlite3.SQLITE_READONLY_DIRECTORY,
            ):
                raise
        # A WAL database is read through its `-shm` file, which only a writable folder can
        # make; with none there, no process has the database open, so read it as it stands.
        return connect(uri + "&immutable=1", uri=True)

    def _version(self) -> int:
        with self._statement() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self._version()
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer newsbot (schema {version})")
        if version == len(MIGRATIONS):
            return
        if self.read_only:
            raise StoreError(
                f"{self.path} needs upgrading from schema {version} to {len(MIGRATIONS)}, and "
                f"{self.path.parent} is read-only; open it once where newsbot may write"
            )
        with self.transaction():
            # Under the write lock: another process opening the same new file may have migrated
            # it while this one waited.
            for number in range(self._version(), len(MIGRATIONS)):
                for statement in self._split(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @staticmethod
    def _split(script: str) -> Iterator[str]:
        """A migration script's statements, to run one by one inside an open transaction
        (`executescript` would commit it first)."""
        statement = ""
        for part in script.split(";"):
            statement += part + ";"
            if sqlite3.complete_statement(statement):
                if statement.strip(" \n;"):
                    yield statement
                statement = ""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._begin()
            try:
                yield
                with self._statement() as db:
                    db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _begin(self) -> None:
        """Take the write lock now, so a write waits for another process's to finish instead of
        failing halfway; say so when it has to wait."""
        if self.read_only:
            raise self._read_only_error()
        with self._statement() as db:
            db.execute("PRAGMA busy_timeout = 0")
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                    raise
            finally:
                db.execute(f"PRAGMA busy_timeout = {self._wait_ms}")
            log.warning(
                "another process is writing to %s; waiting up to %g s for it to finish",
                self.path.parent,
                self._wait_ms / 1000,
            )
            db.execute("BEGIN IMMEDIATE")

    @contextmanager
    def _statement(self) -> Iterator[sqlite3.Connection]:
        """The connection, alone, with SQLite's refusals as one-line errors: the file locked by
        another process's write for longer than the wait, or a read-only file written to."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.OperationalError as error:
                code = error.sqlite_errorcode & 0xFF
                if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise StoreError(
                        f"another process is writing to {self.path.parent}; try again when it "
                        "has finished"
                    ) from error
                if code == sqlite3.SQLITE_READONLY:
                    raise self._read_only_error() from error
                raise

    def _read_only_error(self) -> StoreError:
        return StoreError(
            f"{self.path.parent} is read-only: newsbot can answer from it but not write to it"
        )

    def rows(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple]:
        with self._statement() as db:
            return db.execute(sql, tuple(parameters)).fetchall()

    def row(self, sql: str, parameters: Iterable[Any] = ()) -> tuple | None:
        with self._statement() as db:
            return db.execute(sql, tuple(parameters)).fetchone()

    def run(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Execute one statement; the row id it inserted, if any."""
        with self._statement() as db:
            return int(db.execute(sql, tuple(parameters)).lastrowid or 0)

    def run_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        with self._statement() as db:
            db.executemany(sql, [tuple(row) for row in rows])


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
        rows = self._db.rows(f"SELECT {_PASSAGE_COLUMNS} FROM passages WHERE id IN ({marks})", ids)
        return {row[0]: _passage(row) for row in rows}

    def article_passages(self, article_id: int) -> list[Passage]:
        rows = self._db.rows(
            f"SELECT {_PASSAGE_COLUMNS} FROM passages WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [_passage(row) for row in rows]

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
            f"""SELECT {_ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id ORDER BY a.id"""
        )
        return [_article(row) for row in rows]

    def visible_articles(self, scope: Scope) -> list[Article]:
        rows = self._db.rows(
            f"""SELECT {_ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE {_VISIBLE}
                GROUP BY a.id ORDER BY a.id""",
            (scope,),
        )
        return [_article(row) for row in rows]

    def visible_passages(
        self, ids: Iterable[int], scope: Scope, filters: Filters | None = None
    ) -> set[int]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        where, values = _filtered(filters or Filters())
        rows = self._db.rows(
            f"""SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id
                WHERE p.id IN ({marks}) AND {_VISIBLE}{where}""",
            [*ids, scope, *values],
        )
        return {row[0] for row in rows}

    def article(self, article_id: int) -> Article | None:
        row = self._db.row(
            f"""SELECT {_ARTICLE_COLUMNS}, count(p.id) FROM articles a
                LEFT JOIN passages p ON p.article_id = a.id WHERE a.id = ? GROUP BY a.id""",
            (article_id,),
        )
        return _article(row) if row else None

    # -- duplicates ------------------------------------------------------------------------

    def set_fingerprints(
        self, article_id: int, canonical_url: str | None, text_hash: str, minhash: np.ndarray
    ) -> None:
        self._db.run(
            "UPDATE articles SET canonical_url = ?, text_hash = ?, minhash = ? WHERE id = ?",
            (canonical_url, text_hash, minhash.astype(np.uint32).tobytes(), article_id),
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

    def minhashes(self) -> dict[int, np.ndarray]:
        rows = self._db.rows("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL")
        return {row[0]: np.frombuffer(row[1], dtype=np.uint32) for row in rows}

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
            f"""SELECT {_ARTICLE_COLUMNS}, (SELECT count(*) FROM passages p
                  WHERE p.article_id = a.id)
                FROM article_links l JOIN articles a ON a.id = l.other_id
                WHERE l.article_id = ? AND {_VISIBLE} ORDER BY l.similarity DESC, a.id""",
            (article_id, scope),
        )
        return [_article(row) for row in rows]


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


def _article(row: tuple) -> Article:
    """An article from a row of `_ARTICLE_COLUMNS` and its passage count."""
    *fields, scope, added_by, added_at, updated, passage_count = row
    return Article(
        *fields, passage_count, scope=scope, added_by=added_by, added_at=added_at, updated=updated
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
