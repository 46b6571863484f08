"""The one place the storage implementations are chosen and opened; the library only ever sees
the protocols."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Protocol

from index.storage.faiss import VectorIndexSettings
from index.storage.file_leases import FileLeases
from index.storage.postgres.settings import PostgresSettings
from index.storage.protocols import Storage, StoreError
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_database import Database
from index.storage.sqlite_feeds import SqliteFeedStore
from index.storage.sqlite_indexes import SqliteIndexes
from index.storage.sqlite_log import PassageLog


class IndexSettingsLike(Protocol):
    """What the factory reads of `index.settings.IndexSettings` (which storage cannot import)."""

    backend: Literal["sqlite", "postgres"]
    vectors: VectorIndexSettings
    postgres: PostgresSettings
    wait_for_writer_seconds: float


def open_storage(
    data_dir: Path, settings: IndexSettingsLike, database_url: str | None = None
) -> Storage:
    """The backend `settings.backend` names: the data folder's SQLite (`open_sqlite`) or the
    PostgreSQL database at `database_url`.

    :raises StoreError: when the backend cannot be opened, or PostgreSQL has no URL.
    """
    if settings.backend == "postgres":
        if not database_url:
            raise StoreError(
                '[index] backend = "postgres" needs the database\'s address in '
                "NEWSBOT_DATABASE_URL (postgresql://user:password@host:port/database)"
            )
        from index.storage.postgres import open_postgres_storage

        return open_postgres_storage(
            database_url, settings.postgres, settings.wait_for_writer_seconds
        )
    return open_sqlite(data_dir, settings.vectors, settings.wait_for_writer_seconds)


def open_sqlite(data_dir: Path, vectors: VectorIndexSettings, wait_seconds: float) -> Storage:
    """The default: `newsbot.sqlite3` in the data folder (articles and feeds in one database),
    FAISS and tantivy following it (`index.storage.sqlite_indexes`). A folder or database this
    process may not write to is opened read-only; `wait_seconds` bounds a wait for another
    process's write.

    :raises StoreError: when the folder or the database cannot be used.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot use {data_dir} as the data folder: {error}") from error
    path = data_dir / "newsbot.sqlite3"
    writable = os.access(data_dir, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    database = Database(path, wait_seconds, read_only=not writable)
    articles = SqliteArticleStore(database)
    log = PassageLog(database)
    leases = FileLeases(data_dir / "leases")
    return Storage(
        articles=articles,
        feeds=SqliteFeedStore(database),
        indexes=SqliteIndexes(data_dir, articles, log, vectors, wait_seconds, writable, leases),
        leases=leases,
    )
