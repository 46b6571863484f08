"""How newsbot uses its PostgreSQL server: the `[index.postgres]` table of the config."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostgresSettings:
    """Connections per process and the pgvector HNSW graph that holds the passage vectors."""

    # Connections each process keeps open (min) and may open (max). Every bot process and
    # `newsbot ingest` has its own pool: the server's max_connections must cover their sum.
    pool_min_size: int = 1
    pool_max_size: int = 5
    # Seconds to wait for the server to accept a connection before saying it cannot be reached.
    connect_timeout_seconds: int = 10
    # HNSW graph: neighbours a node keeps (m) and candidates weighed while inserting one
    # (ef_construction). More of either: better recall, slower writes, a bigger index.
    hnsw_m: int = 16
    hnsw_ef_construction: int = 64
    # Candidates weighed by a search; raised to the number of results asked for when fewer.
    hnsw_ef_search: int = 100
    # Passage vectors in half precision (pgvector's halfvec): half the size, and inner products
    # that differ from full precision's in the fourth decimal.
    half_precision: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.pool_min_size <= self.pool_max_size:
            raise ValueError("the pool sizes must be positive, pool_min_size <= pool_max_size")
        if self.connect_timeout_seconds < 2:
            # libpq counts anything shorter as 2 s
            raise ValueError("connect_timeout_seconds must be at least 2")
        if not 2 <= self.hnsw_m <= 100:
            raise ValueError("hnsw_m must be between 2 and 100")
        if not 2 * self.hnsw_m <= self.hnsw_ef_construction <= 1000:
            raise ValueError("hnsw_ef_construction must be between 2 * hnsw_m and 1000")
        if not 1 <= self.hnsw_ef_search <= 1000:
            raise ValueError("hnsw_ef_search must be between 1 and 1000")

    @property
    def vector_type(self) -> str:
        """The pgvector column type new vector tables are made with."""
        return "halfvec" if self.half_precision else "vector"
