"""The library on each storage backend: ingest, update, remove, search, reindex and a crash
mid-ingest, as a user's commands drive them, with the same results on both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from index.library import Library
from index.settings import IndexSettings
from tests.support.corpus import (
    BRIDGE_TITLE,
    SEED_TITLE,
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    snapshot,
)
from tests.support.encoder import HashingEncoder
from tests.support.updates import TITLE, write_version

OpenLibrary = Callable[[], Library]
WriteArticle = Callable[..., Path]


@pytest.fixture(params=["sqlite", "postgres"])
def open_backend(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[OpenLibrary]:
    """Opens a library on one corpus of the backend (each call as another process would)."""
    backend = request.param
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    settings = replace(IndexSettings(), backend=backend)
    opened: list[Library] = []

    def open_() -> Library:
        opened.append(Library(data_dir, settings, HashingEncoder(), database_url=url))
        return opened[-1]

    yield open_
    for library in opened:
        library.close()


def test_ingest_update_remove_and_search(
    open_backend: OpenLibrary, corpus: Path, write_article: WriteArticle
) -> None:
    library = open_backend()
    assert library.is_empty()
    report = library.ingest_paths([corpus])
    assert sorted(report.added) == sorted([SEED_TITLE, BRIDGE_TITLE])
    assert_answers_troops_question(library)
    assert_derived_indexes_match_the_database(library)

    write_article("bridge.txt", BRIDGE_TITLE, "Bearings, not cables, were replaced in the end.")
    report = library.ingest_paths([library.data_dir.parent / "articles"])
    assert report.updated == [BRIDGE_TITLE]
    hit = library.search("which bearings were replaced", k=1)[0]
    assert hit.article.title == BRIDGE_TITLE
    assert "Bearings" in hit.passage.text
    assert all("corroded" not in p.text for p in library.article_passages(hit.article.id))

    library.remove(hit.article.id)
    assert [a.title for a in library.articles()] == [SEED_TITLE]
    assert all(h.article.title == SEED_TITLE for h in library.search("bearings cables", k=5))
    assert_derived_indexes_match_the_database(library)


def test_another_process_answers_from_a_new_article_without_reopening(
    open_backend: OpenLibrary, corpus: Path, write_article: WriteArticle
) -> None:
    reader, writer = open_backend(), open_backend()
    writer.ingest_paths([corpus])
    assert_answers_troops_question(reader)
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    writer.ingest_paths([writer.data_dir.parent / "articles"])
    hit = reader.search("Lava sea volcano", k=1)[0]
    assert hit.article.title == "Volcano Erupts"
    assert hit.lexical > 0


def test_reindex_re_embeds_every_passage(open_backend: OpenLibrary, corpus: Path) -> None:
    library = open_backend()
    library.ingest_paths([corpus])
    before = {
        title: [text for _, text in passages] for title, passages in snapshot(library).items()
    }
    assert library.reindex(embed=True) == library.store.passage_count()
    after = {title: [text for _, text in passages] for title, passages in snapshot(library).items()}
    assert after == before
    assert_answers_troops_question(library)
    assert_derived_indexes_match_the_database(library)


def test_a_crash_mid_ingest_keeps_the_previous_state(
    open_backend: OpenLibrary,
    corpus: Path,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_backend()
    library.ingest_paths([corpus])
    before = snapshot(library)
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(type(library.store), "set_fingerprints", crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([library.data_dir.parent / "articles"])
    monkeypatch.undo()
    assert snapshot(library) == before
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"
    assert_derived_indexes_match_the_database(library)
    assert library.ingest_paths([library.data_dir.parent / "articles"]).added == ["Volcano Erupts"]


def test_a_changed_article_keeps_its_versions_and_a_new_date_alone_makes_none(
    open_backend: OpenLibrary, tmp_path: Path
) -> None:
    library = open_backend()
    path = tmp_path / "articles" / "bridge.md"
    library.ingest_paths([write_version(path, 1)])
    library.ingest_paths([write_version(path, 2)])
    (article,) = library.articles()
    ids = library.store.passage_ids(article.id)
    assert library.ingest_paths([write_version(path, 2, updated="2017-05-04")]).updated == [TITLE]
    assert library.store.passage_ids(article.id) == ids
    versions = library.versions(article.id)
    assert [(v.number, v.updated, len(v.sentences)) for v in versions] == [
        (1, None, 4),
        (2, "2017-05-03", 5),
    ]
    assert open_backend().versions(article.id) == versions  # as another process reads them
    library.remove(article.id)
    assert library.versions(article.id) == []
