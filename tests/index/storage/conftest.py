"""Fixtures of the storage tests: PostgreSQL storages on a new database of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.storage.postgres import PostgresSettings, open_postgres_storage
from index.storage.protocols import Storage
from tests.index.storage.contract import OpenStorage

# Small pools: every storage a test opens stands for a process with its own connections.
POSTGRES_SETTINGS = PostgresSettings(pool_min_size=1, pool_max_size=3)


@pytest.fixture
def open_postgres(postgres_url: str) -> Iterator[OpenStorage]:
    """Opens a `Storage` on this test's database, as another process would; each is closed at
    teardown."""
    opened: list[Storage] = []

    def open_() -> Storage:
        opened.append(open_postgres_storage(postgres_url, POSTGRES_SETTINGS, wait_seconds=5))
        return opened[-1]

    yield open_
    for storage in opened:
        storage.articles.close()
