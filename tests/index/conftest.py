"""Shared fixtures for the index tests: tiny corpora, a fast stand-in encoder, a loopback site.

Libraries here embed with `HashingEncoder`, not the real model: these tests check storage,
de-duplication, crash safety and fetching, where any deterministic vectors do. The real model
is kept for the tests of the embedder itself and for answer quality (tests/bot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.embedding import Encoder
from index.library import Library
from index.settings import IndexSettings
from index.sources.fetching import Fetcher, WebSettings
from tests.support.corpus import BRIDGE_PARAGRAPHS, BRIDGE_TITLE, SEED, SEED_TITLE
from tests.support.encoder import HashingEncoder
from tests.support.newssite import NewsSite

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
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture
def open_library(data_dir: Path, encoder: HashingEncoder) -> Iterator[OpenLibrary]:
    """Opens a Library on tmp_path/data with the stand-in encoder (or the one given); closes
    all of them afterwards."""
    opened: list[Library] = []

    def open_(settings: IndexSettings | None = None, embedder: Encoder | None = None) -> Library:
        library = Library(data_dir, settings or IndexSettings(), embedder or encoder)
        opened.append(library)
        return library

    yield open_
    for library in opened:
        library.close()


@pytest.fixture
def corpus(tmp_path: Path, seed_text: str, write_article: WriteArticle) -> Path:
    """A folder with a writable copy of the seed article and a short article about a bridge."""
    folder = tmp_path / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seed.txt").write_text(seed_text, encoding="utf-8")
    write_article("bridge.txt", BRIDGE_TITLE, *BRIDGE_PARAGRAPHS)
    return folder


@pytest.fixture
def library(open_library: OpenLibrary, corpus: Path) -> Library:
    """A library holding the corpus, freshly ingested."""
    library = open_library()
    report = library.ingest_paths([corpus])
    assert sorted(report.added) == sorted([BRIDGE_TITLE, SEED_TITLE])
    return library


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture
def fetcher() -> Fetcher:
    """Loopback allowed (the site is on 127.0.0.1), no politeness delay, short timeouts."""
    return Fetcher(
        WebSettings(allow_private_networks=True, host_delay_seconds=0, timeout_seconds=3)
    )
