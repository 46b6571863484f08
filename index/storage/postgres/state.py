"""What the passage indexes hold, as the one row of `index_state` says: read by every write
(under the write lock) and kept from this process's own writes, so that sizes are known without
a query; after `refresh()`, read again only when a size is asked for. A search needs none of
it: the tables hold what is committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from index.storage.postgres.database import PostgresDatabase

VectorType = Literal["halfvec", "vector"]
COLUMNS = "vector_dimension, vector_type, vectors, lexical_passages, lexical_length"


@dataclass(frozen=True)
class IndexState:
    """The vectors' table (dimension and pgvector type, None before the first vector) and how
    many vectors it holds; how many passages the lexical index holds and their total length."""

    vector_dimension: int | None
    vector_type: VectorType | None
    vectors: int
    lexical_passages: int
    lexical_length: int


class StateCache:
    """The last `IndexState` read or written by this process: read again when next needed
    after `refresh` marks it stale, and forgotten when a write rolls back."""

    def __init__(self, database: PostgresDatabase):
        self._db = database
        self._state: IndexState | None = None
        self._stale = False

    def get(self) -> IndexState:
        """The state, read afresh if it is stale or unknown."""
        if self._state is None or self._stale:
            self.read()
        assert self._state is not None
        return self._state

    def last(self) -> IndexState | None:
        """The state as last read or written, however old; None before the first read."""
        return self._state

    def read(self) -> None:
        self.keep(self._db.row(f"SELECT {COLUMNS} FROM index_state"))  # type: ignore[arg-type]

    def mark_stale(self) -> None:
        """Other processes may have written since: read the state again before it is used."""
        self._stale = True

    def keep(self, row: tuple) -> None:
        """Remember a row of `COLUMNS`, as an update's RETURNING gives it; what a write kept
        is forgotten if the write rolls back."""
        self._state, self._stale = IndexState(*row), False
        if self._db.in_write():
            self._db.after_rollback(self.forget)

    def forget(self) -> None:
        self._state = None
