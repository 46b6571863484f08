"""The passage indexes of a PostgreSQL corpus: pgvector and BM25 tables in the same database
as the passages, written by the store's own writes, so they commit or roll back together and
every process searches what is committed.

The passages a write inserts are held back and indexed together, just before it commits (or
every `FLUSH_PASSAGES`): a write of many articles then updates each stem's postings, and the
indexes' counts, once rather than once an article.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager

import numpy as np

from index.storage.passages import passage_vectors
from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.lexical import PostgresLexicalIndex
from index.storage.postgres.settings import PostgresSettings
from index.storage.postgres.state import IndexState, StateCache
from index.storage.postgres.vectors import PgVectorIndex

# A write indexes what it holds back once it holds this many passages (bounding its memory).
FLUSH_PASSAGES = 5000


class _Held(threading.local):
    """What this thread's open write has inserted and not yet indexed."""

    def __init__(self) -> None:
        self.in_write = False
        self.ids: list[int] = []
        self.texts: list[str] = []
        self.vectors: list[np.ndarray] = []

    def clear(self) -> None:
        self.ids, self.texts, self.vectors = [], [], []


class PostgresPassageIndexes:
    """The `PassageIndexes` in PostgreSQL. The article store calls `passages_inserted` and
    `passages_deleted` in its writes; searches read the tables as committed, so `refresh()`
    only has the indexes' sizes read again when next asked for."""

    def __init__(self, database: PostgresDatabase, settings: PostgresSettings):
        self._db = database
        self._state = StateCache(database)
        self._vectors = PgVectorIndex(database, settings, self._state)
        self._lexical = PostgresLexicalIndex(database, self._state)
        self._held = _Held()

    @property
    def vectors(self) -> PgVectorIndex:
        return self._vectors

    @property
    def lexical(self) -> PostgresLexicalIndex:
        return self._lexical

    def writing(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def restart_vectors(self, dimension: int) -> None:
        self._join_write()  # so what it holds is indexed before the new graph is built
        self._vectors.restart(dimension)

    def refresh(self) -> None:
        self._state.mark_stale()  # read when next needed: a search reads no state

    def is_empty(self) -> bool:
        # Read afresh while it looks empty: a process that found the corpus empty must notice
        # the first passages another process stores. Once it holds some, a search finds what
        # is committed whatever the sizes last read, so asking costs no extra read.
        known = self._state.last()
        if known is not None and not _empty(known):
            return False
        self._state.read()
        return _empty(self._state.get())

    def passages_inserted(
        self, ids: list[int], texts: list[str], sentence_vectors: list[np.ndarray]
    ) -> None:
        """In the store's open write: index passages it just inserted, each searched by the
        mean of its sentence vectors as stored (half precision), by the time it commits."""
        self._join_write()
        stored = [vectors.astype(np.float16).astype(np.float32) for vectors in sentence_vectors]
        held = self._held
        held.ids += ids
        held.texts += texts
        held.vectors.append(passage_vectors(stored))
        if len(held.ids) >= FLUSH_PASSAGES:
            self._index_held()

    def passages_deleted(self, ids: list[int]) -> None:
        """In the store's open write: forget passages it just deleted."""
        if not ids:
            return
        self._join_write()
        held, gone = self._held, set(ids)
        if gone.intersection(held.ids):
            kept = [at for at, passage_id in enumerate(held.ids) if passage_id not in gone]
            matrix = np.concatenate(held.vectors)[kept]
            held.ids = [held.ids[at] for at in kept]
            held.texts = [held.texts[at] for at in kept]
            held.vectors = [matrix]
        self._vectors.remove(ids)
        self._lexical.remove(ids)

    def _join_write(self) -> None:
        """The first time this thread's open write changes the indexes: read their state as
        the last writer left it (the write lock is held), and index what the write holds back
        before it commits."""
        if self._held.in_write:
            return
        self._state.read()
        self._held.in_write = True
        self._db.before_commit(self._finish_write)
        self._db.after_rollback(self._leave_write)

    def _index_held(self) -> None:
        held = self._held
        if held.ids:
            self._vectors.add(held.ids, np.concatenate(held.vectors))
            self._lexical.add(held.ids, held.texts)
        held.clear()

    def _finish_write(self) -> None:
        self._index_held()
        self._held.in_write = False

    def _leave_write(self) -> None:
        self._held.clear()
        self._held.in_write = False


def _empty(state: IndexState) -> bool:
    return state.vectors == 0 and state.lexical_passages == 0
