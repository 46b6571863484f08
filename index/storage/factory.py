"""The one place the storage implementations are chosen and opened.

Another backend (PostgreSQL with pgvector, say) is a second `Storage` made here; the library
only ever sees the protocols.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from index.storage.bm25 import Bm25Index
from index.storage.faiss import FaissBuilder, VectorIndexSettings
from index.storage.protocols import (
    ArticleStore,
    FeedStore,
    LexicalIndexBuilder,
    StoreError,
    VectorIndexBuilder,
)
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_database import Database
from index.storage.sqlite_feeds import SqliteFeedStore


@dataclass(frozen=True)
class Storage:
    """Where one corpus is kept: its articles and feeds, and how its derived indexes are made."""

    articles: ArticleStore
    feeds: FeedStore
    vectors: VectorIndexBuilder
    lexical: LexicalIndexBuilder


def open_storage(data_dir: Path, vectors: VectorIndexSettings, wait_seconds: float) -> Storage:
    """The default: `newsbot.sqlite3` in the data folder (articles and feeds in one database),
    FAISS and BM25 for the derived indexes. A folder or database this process may not write to
    is opened read-only; `wait_seconds` bounds a wait for another process's write.

    :raises StoreError: when the folder or the database cannot be used.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot use {data_dir} as the data folder: {error}") from error
    path = data_dir / "newsbot.sqlite3"
    writable = os.access(data_dir, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    database = Database(path, wait_seconds, read_only=not writable)
    return Storage(
        articles=SqliteArticleStore(database),
        feeds=SqliteFeedStore(database),
        vectors=FaissBuilder(vectors),
        lexical=Bm25Index,  # its classmethods build and load: BM25 has no settings to hold
    )
