"""The one place the storage implementations are chosen and opened; the library only ever sees
the protocols."""

from __future__ import annotations

import os
from pathlib import Path

from index.storage.faiss import VectorIndexSettings
from index.storage.file_leases import FileLeases
from index.storage.protocols import Storage, StoreError
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_database import Database
from index.storage.sqlite_feeds import SqliteFeedStore
from index.storage.sqlite_indexes import SqliteIndexes
from index.storage.sqlite_log import PassageLog


def open_storage(data_dir: Path, vectors: VectorIndexSettings, wait_seconds: float) -> Storage:
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
    return Storage(
        articles=articles,
        feeds=SqliteFeedStore(database),
        indexes=SqliteIndexes(data_dir, articles, log, vectors, wait_seconds, writable),
        leases=FileLeases(data_dir / "leases"),
    )
