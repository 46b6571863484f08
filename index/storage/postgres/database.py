"""One PostgreSQL database shared by the stores and indexes kept in it: a pool of connections,
migrated once, with one writer at a time among every process that uses it (see
`PostgresDatabase`)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import psycopg
import psycopg_pool
from psycopg import conninfo, errors

from index.storage.postgres.migrations import MIGRATIONS
from index.storage.postgres.settings import PostgresSettings
from index.storage.protocols import StoreError

log = logging.getLogger(__name__)

# Advisory locks are keyed by (class, object) pairs; newsbot's class keeps its keys apart from
# any other application's on the same database.
LOCK_CLASS = 0x6E657773  # "news"
_WRITE_LOCK = 1
_MIGRATE_LOCK = 2


@dataclass
class _Write:
    """A write under way on one thread: its connection, and what to do when it ends (each
    step once, in the order first asked; a step may ask for another, which runs after it)."""

    connection: psycopg.Connection
    before_commit: dict[Callable[[], None], None] = field(default_factory=dict)
    after_rollback: dict[Callable[[], None], None] = field(default_factory=dict)


class PostgresDatabase:
    """A pool of connections to one database, migrated when opened.

    Outside a write each call takes a pooled connection in autocommit. `transaction()` binds
    one connection to the calling thread for the block, so that thread's calls inside it see
    its writes while others see only what is committed. Bot processes and `newsbot ingest`
    write to the same database: every transaction first takes one advisory lock, so writes
    happen one at a time as in SQLite (no deadlocks on the rows they share, such as the
    lexical index's term statistics). A write waits up to `wait_seconds` for another
    process's to finish, then fails saying to try again.
    """

    def __init__(self, url: str, settings: PostgresSettings, wait_seconds: float):
        self.where = describe(url)
        self._url = url
        self._settings = settings
        self._wait_seconds = wait_seconds
        self._bound = threading.local()
        self._dedicated: list[psycopg.Connection] = []
        with self._connect_alone() as connection:
            self._migrate(connection)
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            kwargs=self._connection_options(),
            configure=self._configure,
            timeout=wait_seconds,
            open=False,
            name="newsbot",
        )
        try:
            self._pool.open(wait=True, timeout=settings.connect_timeout_seconds)
        except psycopg_pool.PoolTimeout as error:
            self._pool.close()
            raise StoreError(f"cannot connect to {self.where}: {error}") from error

    def close(self) -> None:
        """Close the pool and every dedicated connection, whose session locks are free by the
        time this returns (the server would free them a moment after the connection ends)."""
        self._pool.close()
        for connection in self._dedicated:
            if not connection.broken and not connection.closed:
                with suppress(psycopg.Error):
                    connection.execute("SELECT pg_advisory_unlock_all()")
            connection.close()
        self._dedicated.clear()

    # -- connections -----------------------------------------------------------------------

    def _connection_options(self) -> dict[str, Any]:
        return {"autocommit": True, "connect_timeout": self._settings.connect_timeout_seconds}

    def _configure(self, connection: psycopg.Connection) -> None:
        """Search settings every pooled connection starts with: pgvector's HNSW scan weighs
        `hnsw_ef_search` candidates and, when deleted rows leave it short, scans on in order."""
        connection.execute(
            "SELECT set_config('hnsw.ef_search', %s, false), "
            "set_config('hnsw.iterative_scan', 'strict_order', false)",
            (str(self._settings.hnsw_ef_search),),
        )

    def _connect_alone(self) -> psycopg.Connection:
        """A connection of its own, outside the pool; any failure is one clear line."""
        try:
            return psycopg.connect(self._url, **self._connection_options())
        except psycopg.Error as error:
            raise StoreError(f"cannot connect to {self.where}: {self._redact(error)}") from error

    def dedicated_connection(self) -> psycopg.Connection:
        """A connection kept open outside the pool (session locks die with it), closed with
        the database."""
        connection = self._connect_alone()
        self._dedicated.append(connection)
        return connection

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The connection of this thread's open write, else a pooled one in autocommit; a lost
        server or an exhausted pool becomes a `StoreError`."""
        write = self._write()
        if write is not None:
            with self.errors():
                yield write.connection
            return
        with self.errors(), self._pool.connection() as connection:
            yield connection

    def writer(self) -> psycopg.Connection:
        """The connection of this thread's open write, for statements that must be in one."""
        return self._open_write().connection

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Driver failures a caller can act on, as one-line `StoreError`s: the server lost, no
        pooled connection free, another process's write waited out."""
        try:
            yield
        except psycopg_pool.PoolTimeout as error:
            raise StoreError(
                f"no connection to {self.where} came free in {self._wait_seconds:g} s; "
                "try again, or raise pool_max_size"
            ) from error
        except errors.LockNotAvailable as error:
            raise StoreError(
                f"another process is writing to {self.where}; try again when it has finished"
            ) from error
        except psycopg.OperationalError as error:
            # No SQLSTATE: the client lost the server; class 08 and 57P: the server said so.
            if error.sqlstate and not error.sqlstate.startswith(("08", "57P")):
                raise
            raise StoreError(
                f"lost the connection to {self.where}: {self._redact(error)}"
            ) from error

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write: committed at the end of the block, rolled back if it raises. Inside
        another on the same thread it is part of that one, committed or rolled back with it."""
        if self._write() is not None:
            yield
            return
        write: _Write | None = None
        try:
            with self.errors(), self._pool.connection() as connection, connection.transaction():
                self._take_write_lock(connection)
                write = self._bound.write = _Write(connection)
                try:
                    yield
                    while write.before_commit:
                        step = next(iter(write.before_commit))
                        del write.before_commit[step]
                        step()
                finally:
                    self._bound.write = None
        except BaseException:
            for undo in write.after_rollback if write else ():
                undo()
            raise

    def before_commit(self, step: Callable[[], None]) -> None:
        """Run `step` at the end of this thread's open write, just before it commits."""
        self._open_write().before_commit[step] = None

    def after_rollback(self, undo: Callable[[], None]) -> None:
        """Run `undo` if this thread's open write rolls back."""
        self._open_write().after_rollback[undo] = None

    def in_write(self) -> bool:
        """Whether this thread has a write open."""
        return self._write() is not None

    def _write(self) -> _Write | None:
        return getattr(self._bound, "write", None)

    def _open_write(self) -> _Write:
        write = self._write()
        if write is None:
            raise StoreError("the passages and their indexes are written only inside a write")
        return write

    def _take_write_lock(self, connection: psycopg.Connection) -> None:
        """Take the write lock now, so a write waits for another process's to finish instead of
        failing halfway; say so when it has to wait."""
        (taken,) = connection.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_CLASS, _WRITE_LOCK)
        ).fetchone()  # type: ignore[misc]
        if taken:
            return
        log.warning(
            "another process is writing to %s; waiting up to %g s for it to finish",
            self.where,
            self._wait_seconds,
        )
        connection.execute(
            "SELECT set_config('lock_timeout', %s, true)", (f"{int(self._wait_seconds * 1000)}ms",)
        )
        connection.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, _WRITE_LOCK))

    # -- statements ------------------------------------------------------------------------

    def rows(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        with self.connection() as connection:
            return connection.execute(sql, parameters).fetchall()

    def row(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> tuple | None:
        with self.connection() as connection:
            return connection.execute(sql, parameters).fetchone()

    def run(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> None:
        with self.connection() as connection:
            connection.execute(sql, parameters)

    # -- migrations ------------------------------------------------------------------------

    def _migrate(self, connection: psycopg.Connection) -> None:
        """Bring the schema up to date, under a lock so that processes starting together
        migrate it once."""
        try:
            with connection.transaction():
                connection.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_CLASS, _MIGRATE_LOCK)
                )
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"
                )
                row = connection.execute("SELECT version FROM schema_version").fetchone()
                version = row[0] if row else 0
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"{self.where} was written by a newer newsbot (schema {version})"
                    )
                if row is None:
                    connection.execute("INSERT INTO schema_version VALUES (0)")
                for number in range(version, len(MIGRATIONS)):
                    for statement in MIGRATIONS[number]:
                        connection.execute(statement)
                    connection.execute("UPDATE schema_version SET version = %s", (number + 1,))
        except psycopg.Error as error:
            raise StoreError(
                f"cannot prepare the database {self.where}: {self._redact(error)}"
            ) from error

    def _redact(self, error: Exception) -> str:
        """The first line of a driver error, with any password in the URL blanked out."""
        message = (str(error).strip().splitlines() or [type(error).__name__])[0]
        for secret in _passwords(self._url):
            message = message.replace(secret, "***")
        return message


def describe(url: str) -> str:
    """The database a URL names, for messages: its user, host, port and name, no password."""
    try:
        parts = conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "the PostgreSQL database (its URL cannot be read)"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"the PostgreSQL database postgresql://{user}{host}:{port}/{parts.get('dbname', '')}"


def _passwords(url: str) -> list[str]:
    """Whatever in the URL may be a password, as written and as decoded."""
    found = re.findall(r"://[^/@:]*:([^/@]*)@", url) + re.findall(r"password=(\S+)", url)
    try:
        password = conninfo.conninfo_to_dict(url).get("password")
    except psycopg.Error:
        password = None
    if password:
        found.append(str(password))
    return [secret for secret in found if secret]
