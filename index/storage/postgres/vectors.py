"""The vector index in pgvector: one row a passage in `passage_vectors`, searched by inner
product through an HNSW graph.

The table's column is `halfvec(D)` or `vector(D)`, so it is made when the dimension is known:
by the first passages stored, or by `restart` when every passage is embedded again. A table
made in a write gets its graph just before that write commits, built once over every row it
added rather than grown a row at a time.
"""

from __future__ import annotations

import numpy as np
import psycopg

from index.storage.postgres.database import PostgresDatabase
from index.storage.postgres.settings import PostgresSettings
from index.storage.postgres.state import COLUMNS, StateCache
from index.storage.protocols import StoreError

_SEARCH = (
    "SELECT passage_id, embedding <#> %s AS distance FROM passage_vectors "
    "ORDER BY distance LIMIT %s"
)
# pgvector weighs at most this many candidates in one HNSW search.
_MAX_EF_SEARCH = 1000


class PgVectorIndex:
    """The `VectorIndex` in PostgreSQL. The store's writes add and remove its rows (through
    `index.storage.postgres.indexes`); `len` is the count they keep."""

    def __init__(self, database: PostgresDatabase, settings: PostgresSettings, state: StateCache):
        self._db = database
        self._settings = settings
        self._state = state

    def __len__(self) -> int:
        return self._state.get().vectors

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0 or not self._has_table():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        parameters = (_literal(np.asarray(query, dtype=np.float32).ravel()), k)
        if k <= self._settings.hnsw_ef_search:
            rows = self._db.rows(_SEARCH, parameters)
        else:
            # The graph search finds no more than ef_search neighbours: weigh at least k.
            with self._db.connection() as connection, connection.transaction():
                connection.execute(
                    "SELECT set_config('hnsw.ef_search', %s, true)",
                    (str(min(k, _MAX_EF_SEARCH)),),
                )
                rows = connection.execute(_SEARCH, parameters).fetchall()
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        return ids, -np.array([row[1] for row in rows], dtype=np.float32)

    def _has_table(self) -> bool:
        """Whether the vectors' table exists, read only until it does: once made, it is only
        ever replaced inside a write, so it never goes missing."""
        known = self._state.last()
        if known is not None and known.vector_dimension is not None:
            return True
        return self._state.get().vector_dimension is not None

    # -- writes, inside the store's open write, with the state read in it -----------------

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        """Index one vector (a row of `vectors`) for each passage id."""
        if not ids:
            return
        state = self._state.get()
        dimension = vectors.shape[1]
        if state.vector_dimension != dimension:
            if state.vectors:
                raise StoreError(
                    f"vectors of dimension {dimension} do not fit the index's "
                    f"{state.vector_dimension}: embed every passage again to change models"
                )
            self.restart(dimension)  # none stored yet: the first ones set the dimension
        connection = self._db.writer()
        with connection.cursor().copy(
            "COPY passage_vectors (passage_id, embedding) FROM STDIN"
        ) as copy:
            for passage_id, vector in zip(ids, vectors, strict=True):
                copy.write_row((passage_id, _literal(vector)))
        self._count(connection, len(ids))

    def remove(self, ids: list[int]) -> None:
        """Forget the vectors of these passage ids, ignoring ids it does not hold."""
        if not ids or self._state.get().vector_dimension is None:
            return
        connection = self._db.writer()
        removed = connection.execute(
            "DELETE FROM passage_vectors WHERE passage_id = ANY(%s::bigint[])", (ids,)
        ).rowcount
        if removed:
            self._count(connection, -removed)

    def restart(self, dimension: int) -> None:
        """Drop every vector and make the table anew for `dimension`; its graph is built just
        before the write commits."""
        kind = self._settings.vector_type
        connection = self._db.writer()
        connection.execute("DROP TABLE IF EXISTS passage_vectors")
        connection.execute(
            f"CREATE TABLE passage_vectors (passage_id bigint PRIMARY KEY, "
            f"embedding {kind}({int(dimension)}) NOT NULL)"
        )
        row = connection.execute(
            f"UPDATE index_state SET vector_dimension = %s, vector_type = %s, vectors = 0 "
            f"RETURNING {COLUMNS}",
            (dimension, kind),
        ).fetchone()
        self._state.keep(row)  # type: ignore[arg-type]
        self._db.before_commit(self._build_graph)

    def _build_graph(self) -> None:
        kind = self._state.get().vector_type
        self._db.writer().execute(
            f"CREATE INDEX passage_vectors_graph ON passage_vectors "
            f"USING hnsw (embedding {kind}_ip_ops) "
            f"WITH (m = {int(self._settings.hnsw_m)}, "
            f"ef_construction = {int(self._settings.hnsw_ef_construction)})"
        )

    def _count(self, connection: psycopg.Connection, change: int) -> None:
        row = connection.execute(
            f"UPDATE index_state SET vectors = vectors + %s RETURNING {COLUMNS}", (change,)
        ).fetchone()
        self._state.keep(row)  # type: ignore[arg-type]


def _literal(vector: np.ndarray) -> str:
    """A vector as pgvector reads it, "[x,y,...]"; as untyped text it takes the column's type
    (halfvec or vector) wherever it is compared with one."""
    return "[" + ",".join(map(repr, vector.tolist())) + "]"
