"""newsbot's corpus in PostgreSQL with pgvector: articles, feeds, the passage indexes and the
leases, all in one database that several bot processes and `newsbot ingest` share.

psycopg is imported only when a database is opened: the settings, which every process reads,
must not cost a SQLite user its import time.
"""

from __future__ import annotations

from index.storage.postgres.settings import PostgresSettings
from index.storage.protocols import Storage

__all__ = ["PostgresSettings", "open_postgres_storage"]


def open_postgres_storage(url: str, settings: PostgresSettings, wait_seconds: float) -> Storage:
    """Connect to the database at `url`, migrating it if needed, and return its four parts;
    closing the article store closes them all. `wait_seconds` bounds a wait for another
    process's write (or for a free connection of the pool).

    :raises StoreError: when the server cannot be reached or the schema is newer than this
        newsbot's.
    """
    from index.storage.postgres.articles import PostgresArticleStore
    from index.storage.postgres.database import PostgresDatabase
    from index.storage.postgres.feeds import PostgresFeedStore
    from index.storage.postgres.indexes import PostgresPassageIndexes
    from index.storage.postgres.leases import PostgresLeases

    database = PostgresDatabase(url, settings, wait_seconds)
    indexes = PostgresPassageIndexes(database, settings)
    return Storage(
        articles=PostgresArticleStore(database, indexes),
        feeds=PostgresFeedStore(database),
        indexes=indexes,
        leases=PostgresLeases(database),
    )
