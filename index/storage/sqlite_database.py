"""One SQLite file shared by the stores kept in it: opened once, migrated by numbered steps,
and used safely from threads and by other processes (see `Database`)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.storage.minhash_bands import band_keys, stored_signature
from index.storage.protocols import StoreError

log = logging.getLogger(__name__)

# A migration is a script of statements, or a step that needs Python (run on the connection,
# inside the migrating transaction).
Migration = str | Callable[[sqlite3.Connection], None]
_BAND_PAGE = 5000  # articles whose bands one step of migration 8 files


def _file_minhash_bands(db: sqlite3.Connection) -> None:
    """Migration 8: each signature's LSH bands (`index.storage.minhash_bands`), in a table
    whose key finds the articles sharing a band. No foreign key: a cascade would scan the
    table for the article's rows, which the store instead deletes by their keys."""
    db.execute(
        """CREATE TABLE minhash_bands (
            band INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (band, article_id)
        ) WITHOUT ROWID"""
    )
    last = 0
    while page := db.execute(
        "SELECT id, minhash FROM articles WHERE minhash IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
        (last, _BAND_PAGE),
    ).fetchall():
        rows = [(band, i) for i, blob in page for band in band_keys(stored_signature(blob))]
        rows.sort()  # in key order, each insert lands beside the last one
        db.executemany("INSERT INTO minhash_bands (band, article_id) VALUES (?, ?)", rows)
        last = page[-1][0]


MIGRATIONS: tuple[Migration, ...] = (
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
    # 6: every passage inserted or deleted, in commit order, written by triggers so no write
    # can forget it: the indexes kept outside the database catch up by reading what changed.
    """
    CREATE TABLE passage_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        passage_id INTEGER NOT NULL,
        added INTEGER NOT NULL
    );
    CREATE TRIGGER passage_inserted AFTER INSERT ON passages BEGIN
        INSERT INTO passage_log (passage_id, added) VALUES (new.id, 1);
    END;
    CREATE TRIGGER passage_deleted AFTER DELETE ON passages BEGIN
        INSERT INTO passage_log (passage_id, added) VALUES (old.id, 0);
    END;
    INSERT INTO passage_log (passage_id, added) SELECT id, 1 FROM passages ORDER BY id;
    """,
    # 7: updated stories. Each text an article has had, as its sentences (a JSON list); an
    # article stored before has one version, its sentences now, seen when it was added. A feed
    # entry remembers what the feed said of it, to notice when it is updated in place.
    """
    CREATE TABLE article_versions (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        seen_at TEXT NOT NULL DEFAULT (datetime('now')),
        published TEXT,
        updated TEXT,
        sentences TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );
    INSERT INTO article_versions (article_id, version, seen_at, published, updated, sentences)
    SELECT a.id, 1, a.added_at, a.published, a.updated, (
        SELECT json_group_array(sentence) FROM (
            SELECT substr(p.text, json_extract(s.value, '$[0]') + 1,
                json_extract(s.value, '$[1]') - json_extract(s.value, '$[0]')) AS sentence
            FROM passages p, json_each(p.sentences) s
            WHERE p.article_id = a.id ORDER BY p.position, s.key
        )
    ) FROM articles a;
    ALTER TABLE feed_entries ADD COLUMN revision TEXT;
    """,
    # 8: near-duplicates found through an index of signature bands, not by reading them all.
    _file_minhash_bands,
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

    def __init__(
        self,
        path: Path,
        wait_seconds: float = 120.0,
        read_only: bool = False,
        migrations: tuple[Migration, ...] = MIGRATIONS,
        name: str = "article database",
    ):
        """`migrations` and `name` are another file's, for a database of other things kept the
        same way (the chat bots' channel subscriptions)."""
        self.path = path
        self.read_only = read_only
        self.name = name
        self._migrations = migrations
        self._wait_ms = int(wait_seconds * 1000)
        self._lock = threading.RLock()
        if read_only and not path.exists():
            raise StoreError(f"{path.parent} is read-only and holds no {name}")
        try:
            self._db = self._connect()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the {name} {path}: {error}") from error
        try:
            with self._statement() as db:
                db.execute("PRAGMA foreign_keys = ON")
                if not read_only:
                    db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StoreError(f"cannot open the {name} {path}: {error}") from error
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
        migrations = self._migrations
        version = self._version()
        if version > len(migrations):
            raise StoreError(f"{self.path} was written by a newer newsbot (schema {version})")
        if version == len(migrations):
            return
        if self.read_only:
            raise StoreError(
                f"{self.path} needs upgrading from schema {version} to {len(migrations)}, and "
                f"{self.path.parent} is read-only; open it once where newsbot may write"
            )
        with self.transaction():
            # Under the write lock: another process opening the same new file may have migrated
            # it while this one waited.
            for number in range(self._version(), len(migrations)):
                migration = migrations[number]
                if callable(migration):
                    migration(self._db)
                else:
                    for statement in self._split(migration):
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
