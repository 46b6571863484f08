"""Fixtures shared by every test: the real embedding model, loaded once, loopback only, and a
real PostgreSQL with pgvector for the tests that ask for one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.embedding import Embedder, EmbeddingSettings
from tests.support.postgres import PostgresServer, PostgresServerError


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2 on torch, the backend the others are checked against;
    loading it here keeps the first test's timing honest."""
    model = Embedder(EmbeddingSettings(backend="torch"))
    assert model.dimension == 384
    return model


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[None]:
    """Tests talk to servers on 127.0.0.1 only; a proxy in the environment could capture that."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(name, raising=False)
            patch.delenv(name.lower(), raising=False)
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """PostgreSQL 18 with pgvector on 127.0.0.1, started by the first test that needs it and
    stopped after the last. A server that cannot start fails those tests; it never skips them."""
    try:
        server = PostgresServer()
    except (PostgresServerError, OSError) as error:
        message = f"the test PostgreSQL server did not start: {error}"
        raise pytest.fail.Exception(message, pytrace=False) from None
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database with pgvector, for this test alone; dropped after it."""
    with postgres_server.database() as url:
        yield url
