"""Writes are atomic and the indexes follow them: a crash inside a write or after its commit,
and damaged index files, never leave a question answered from the wrong passages."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index.library import Library
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_indexes import LEXICAL_FOLDER, VECTORS_FOLDER
from index.storage.tantivy import TantivyIndex
from tests.support.corpus import (
    BRIDGE_TITLE,
    TROOPS_QUESTION,
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    snapshot,
)

OpenLibrary = Callable[..., Library]
WriteArticle = Callable[..., Path]


def crash(*_: object, **__: object) -> None:
    raise OSError("disk full")


def test_a_crash_mid_ingest_keeps_the_previous_state(
    library: Library, write_article: WriteArticle, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(library)
    write_article("bridge.txt", BRIDGE_TITLE, "A completely rewritten story about bearings.")
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    monkeypatch.setattr(SqliteArticleStore, "set_fingerprints", crash)  # after the passages
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([library.data_dir.parent / "articles"])
    monkeypatch.undo()

    assert snapshot(library) == before
    assert_derived_indexes_match_the_database(library)
    assert_answers_troops_question(library)
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"

    library.close()
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        assert snapshot(reopened) == before
        assert_answers_troops_question(reopened)
        report = reopened.ingest_paths([library.data_dir.parent / "articles"])
        assert report.updated == [BRIDGE_TITLE]
        assert report.added == ["Volcano Erupts"]
        assert reopened.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    finally:
        reopened.close()


def test_a_crash_on_the_first_ingest_leaves_an_empty_library(
    open_library: OpenLibrary, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_library()
    monkeypatch.setattr(SqliteArticleStore, "set_fingerprints", crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([corpus])
    monkeypatch.undo()
    assert library.is_empty()
    assert library.articles() == []
    assert library.search(TROOPS_QUESTION) == []
    assert library.ingest_paths([corpus]).passages > 0
    assert_answers_troops_question(library)


def test_a_lexical_index_that_cannot_be_written_is_caught_up_by_the_next_question(
    library: Library,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    monkeypatch.setattr(TantivyIndex, "apply", crash)
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite_indexes"):
        report = library.ingest_paths([library.data_dir.parent / "articles"])
    assert report.added == ["Volcano Erupts"]  # committed: the database holds it
    assert "could not update the lexical index: disk full" in caplog.text
    monkeypatch.undo()
    library.indexes.refresh()
    hits = library.search("Lava volcano sea", k=1)
    assert hits[0].article.title == "Volcano Erupts"
    assert hits[0].lexical > 0  # found by its words, not by meaning alone
    assert_derived_indexes_match_the_database(library)


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_a_damaged_lexical_folder_is_rebuilt_on_open(
    library: Library, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    folder = library.data_dir / LEXICAL_FOLDER
    library.close()
    if damage == "delete":
        shutil.rmtree(folder)
    else:
        for file in folder.glob("*.json"):
            file.write_bytes(b"\xff\xfe garbage")
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        assert_answers_troops_question(reopened)
        assert_derived_indexes_match_the_database(reopened)
        assert reopened.indexes.lexical.search("troop", 50)[0].size > 0
    finally:
        reopened.close()


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_a_damaged_vector_snapshot_is_rebuilt_from_the_database(
    library: Library,
    damage: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import index.storage.sqlite_indexes as module

    monkeypatch.setattr(module, "_SNAPSHOT_MIN_CHANGES", 1)
    library.reindex(embed=True)  # a write with many changes: it leaves a snapshot
    (saved,) = (library.data_dir / VECTORS_FOLDER).glob("*.faiss")
    library.close()
    if damage == "delete":
        saved.unlink()
    else:
        saved.write_bytes(b"\x00\x01garbage, not a FAISS index" * 50)
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        with caplog.at_level(logging.WARNING, logger="index.storage.sqlite_indexes"):
            assert_answers_troops_question(reopened)
        assert_derived_indexes_match_the_database(reopened)
        dense_ids, _ = reopened.indexes.vectors.search(
            reopened.embedder.encode([TROOPS_QUESTION])[0], 1
        )
        assert "150,000" in reopened.store.passages(dense_ids.tolist())[int(dense_ids[0])].text
    finally:
        reopened.close()


def test_a_data_folder_of_the_old_layout_is_indexed_afresh(
    library: Library, open_library: OpenLibrary
) -> None:
    data_dir = library.data_dir
    library.close()
    shutil.rmtree(data_dir / LEXICAL_FOLDER)
    shutil.rmtree(data_dir / VECTORS_FOLDER, ignore_errors=True)
    (data_dir / "generations" / "3" / "bm25").mkdir(parents=True)
    reopened = open_library()
    assert_answers_troops_question(reopened)
    reopened.remove(reopened.article("harbour bridge").id)
    assert not (data_dir / "generations").exists()  # the first write clears it away
    assert_answers_troops_question(reopened)
