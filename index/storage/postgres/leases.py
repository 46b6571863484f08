"""Leases among the processes on one PostgreSQL database, as session advisory locks: the
server frees a lock when the connection holding it ends, so a crashed holder frees its leases."""

from __future__ import annotations

import threading

import psycopg

from index.storage.postgres.database import LOCK_CLASS, PostgresDatabase

# The advisory-lock class of leases, next to the database's own locks (`LOCK_CLASS`).
_LEASE_CLASS = LOCK_CLASS + 1


class PostgresLeases:
    """The `Leases` of one process, held on a connection of their own (not the pool's, whose
    connections come and go), opened at the first `try_hold`."""

    def __init__(self, database: PostgresDatabase):
        self._db = database
        self._lock = threading.Lock()
        self._connection: psycopg.Connection | None = None
        self._held: set[str] = set()

    def try_hold(self, name: str) -> bool:
        with self._lock:
            if self._connection is None or self._connection.closed:
                # A connection lost took its locks with it.
                self._connection = self._db.dedicated_connection()
                self._held.clear()
            if name in self._held:
                return True
            with self._db.errors():
                (taken,) = self._connection.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (_LEASE_CLASS, name)
                ).fetchone()  # type: ignore[misc]
            if taken:
                self._held.add(name)
            return bool(taken)

    def release(self, name: str) -> None:
        with self._lock:
            if name not in self._held or self._connection is None:
                return
            self._held.discard(name)
            with self._db.errors():
                self._connection.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", (_LEASE_CLASS, name)
                )
