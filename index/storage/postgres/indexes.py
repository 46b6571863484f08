"""The passage indexes of a PostgreSQL corpus: pgvector and BM25 tables in the same database
as the passages, written by the store's own writes, so they commit or roll back together and
every process searches what is committed."""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy as np

from index.storage.passages import passage_vectors
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.lexical import PostgresLexicalIndex
from index.storage.postgres.settings import PostgresSettings
from index.storage.postgres.state import StateCache
from index.storage.postgres.vectors import PgVectorIndex


class PostgresPassageIndexes:
    """The `PassageIndexes` in PostgreSQL. The article store calls `passages_inserted` and
    `passages_deleted` in its writes; searches read the tables as committed, so `refresh()`
    only reads the indexes' sizes again."""

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

    def writing(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def restart_vectors(self, dimension: int) -> None:
        self._vectors.restart(dimension)

    def refresh(self) -> None:
        self._state.read()

    def is_empty(self) -> bool:
        # Read afresh, as a refresh would: a process that found the corpus empty must notice
        # the first passages another process stores.
        self.refresh()
        state = self._state.get()
        return state.vectors == 0 and state.lexical_passages == 0

    def passages_inserted(
        self, ids: list[int], texts: list[str], sentence_vectors: list[np.ndarray]
    ) -> None:
        """In the store's open write: index passages it just inserted, each searched by the
        mean of its sentence vectors as stored (half precision)."""
        self._state.read()  # under the write lock: as the last writer left it
        stored = [vectors.astype(np.float16).astype(np.float32) for vectors in sentence_vectors]
        self._vectors.add(ids, passage_vectors(stored))
        self._lexical.add(ids, texts)

    def passages_deleted(self, ids: list[int]) -> None:
        """In the store's open write: forget passages it just deleted."""
        if not ids:
            return
        self._state.read()
        self._vectors.remove(ids)
        self._lexical.remove(ids)
