"""A real index of the seed article, built once, shared by the answer-core tests; fresh ones of
other articles, and of one story as it is updated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.embedding import Embedder
from index.library import Library
from index.settings import IndexSettings
from tests.support import updates

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
# Ingests version n of the updated story (`tests.support.updates`) and returns the library.
Ingest = Callable[[int], Library]


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


@pytest.fixture
def story(tmp_path: Path, embedder: Embedder) -> Iterator[Ingest]:
    """A library holding the updated story; `story(n)` ingests its version n."""
    library = Library(tmp_path / "data", IndexSettings(), embedder)
    path = tmp_path / "articles" / "bridge.md"

    def update(number: int) -> Library:
        assert not library.ingest_paths([updates.write_version(path, number)]).failed
        return library

    yield update
    library.close()
