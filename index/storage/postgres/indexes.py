"""The passage indexes of a PostgreSQL corpus: pgvector and SQL BM25 in the same database as
the passages, so a write to them commits or rolls back with the articles it indexes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.lexical import PostgresLexicalIndex
from index.storage.postgres.settings import PostgresSettings
from index.storage.postgres.state import StateCache
from index.storage.postgres.vectors import PgVectorIndex


class PostgresPassageIndexes:
    """The `PassageIndexes` in PostgreSQL. Searches read the tables as committed, so another
    process's writes need no catching up; `refresh()` only reads the indexes' sizes again."""

    def __init__(self, database: PostgresDatabase, settings: PostgresSettings):
        self._db = database
        self._state = StateCache(database)
        self._vectors = PgVectorIndex(database, settings, self._state)
        self._lexical = PostgresLexicalIndex(database, self._state)

    @property
    def vectors(self) -> PgVectorIndex:
        return self._vectors

    @property
    def lexical(self) -> PostgresLexicalIndex:
        return self._lexical

    @contextmanager
    def writing(self) -> Iterator[None]:
        try:
            with self._db.transaction():
                # Under the write lock: what the indexes hold now, whoever wrote it last.
                self._state.read()
                yield
                self._vectors.finish_write()
        except BaseException:
            self._state.forget()
            self._vectors.abandon_write()
            raise

    def restart_vectors(self, dimension: int) -> None:
        self._vectors.restart(dimension)

    def refresh(self) -> None:
        self._state.read()

    def is_empty(self) -> bool:
        state = self._state.get()
        return state.vectors == 0 and state.lexical_passages == 0
