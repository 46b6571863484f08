"""The one place the storage implementations are chosen and opened.

Another backend (PostgreSQL with pgvector, say) is a second `Storage` made here; the library
only ever sees the protocols.
"""

from __future__ import annotations

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
from index.storage.sqlite import Database, SqliteArticleStore
from index.storage.sqlite_feeds import SqliteFeedStore


@dataclass(frozen=True)
class Storage:
    """Where one corpus is kept: its articles and feeds, and how its derived indexes are made."""

    articles: ArticleStore
    feeds: FeedStore
    vectors: VectorIndexBuilder
    lexical: LexicalIndexBuilder


def open_storage(data_dir: Path, vectors: VectorIndexSettings) -> Storage:
    """The default: `newsbot.sqlite3` in the data folder (articles and feeds in one database),
    FAISS and BM25 for the derived indexes.

    :raises StoreError: when the folder or the database cannot be used.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot use {data_dir} as the data folder: {error}") from error
    database = Database(data_dir / "newsbot.sqlite3")
    return Storage(
        articles=SqliteArticleStore(database),
        feeds=SqliteFeedStore(database),
        vectors=FaissBuilder(vectors),
        lexical=Bm25Index,  # its classmethods build and load: BM25 has no settings to hold
    )
