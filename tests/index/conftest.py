"""Shared fixtures for the index tests: one real embedding model per session, tiny corpora."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.embedding import Embedder
from index.library import IndexSettings, Library

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_fe66f4055116d4c5.txt"

WriteArticle = Callable[..., Path]
OpenLibrary = Callable[..., Library]


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def write_article(tmp_path: Path) -> WriteArticle:
    """Writes a .txt article (title line, blank line, paragraphs) under tmp_path/articles."""

    def write(name: str, title: str, *paragraphs: str, folder: Path | None = None) -> Path:
        folder = folder or tmp_path / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_library(data_dir: Path, embedder: Embedder) -> Iterator[OpenLibrary]:
    """Opens a Library on tmp_path/data with the session model; closes all of them afterwards."""
    opened: list[Library] = []

    def open_(settings: IndexSettings | None = None) -> Library:
        library = Library(data_dir, settings, embedder=embedder)
        opened.append(library)
        return library

    yield open_
    for library in opened:
        library.close()
