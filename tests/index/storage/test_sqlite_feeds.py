"""The SQLite feed store, on the article store's database: the contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.storage.article_store import ArticleStore
from index.storage.protocols import FeedStore
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_database import Database
from index.storage.sqlite_feeds import SqliteFeedStore
from tests.index.storage.contract import FeedStoreContract, OpenStores


@pytest.fixture
def open_stores(tmp_path: Path) -> Iterator[OpenStores]:
    opened: list[Database] = []

    def open_() -> tuple[ArticleStore, FeedStore]:
        opened.append(Database(tmp_path / "newsbot.sqlite3"))
        return SqliteArticleStore(opened[-1]), SqliteFeedStore(opened[-1])

    yield open_
    for database in opened:
        database.close()


class TestSqliteFeedStore(FeedStoreContract):
    pass
