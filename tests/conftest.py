"""Fixtures shared by every test: the real embedding model, loaded once, and loopback only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.embedding import Embedder, EmbeddingSettings


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
