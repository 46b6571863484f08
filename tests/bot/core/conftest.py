"""A real index of the seed article, built once, shared by the answer-core tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import Embedder
from index.library import Library
from index.settings import IndexSettings

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Library:
    library = Library(tmp_path_factory.mktemp("seeded"), IndexSettings(), embedder)
    report = library.ingest_paths([SEEDS])
    assert report.added and not report.failed
    return library


@pytest.fixture
def make_library(tmp_path: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    """A fresh library holding the articles given as {file name: text}."""

    def build(files: dict[str, str]) -> Library:
        folder = tmp_path / "articles"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        library = Library(tmp_path / "data", IndexSettings(), embedder)
        report = library.ingest_paths([folder])
        assert not report.failed, report.failed
        return library

    return build
