"""Fixtures shared by every test: the real embedding model, loaded once a session."""

from __future__ import annotations

import pytest

from index.embedding import Embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2; loading it here keeps the first test's timing honest."""
    model = Embedder()
    assert model.dimension == 384
    return model
