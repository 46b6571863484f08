"""Generations of the derived indexes: atomic writes, crashes, repair of damaged files."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index.library import Library
from index.storage.bm25 import Bm25Index
from index.storage.faiss import FaissIndex, VectorIndexSettings
from tests.support.corpus import (
    BRIDGE_TITLE,
    TROOPS_QUESTION,
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    generation_folders,
    snapshot,
)

OpenLibrary = Callable[..., Library]
WriteArticle = Callable[..., Path]


@pytest.mark.parametrize("failing", [Bm25Index, FaissIndex], ids=["bm25", "faiss"])
def test_crash_mid_ingest_keeps_the_previous_state(
    library: Library,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
    failing: type,
) -> None:
    before = snapshot(library)
    generation = library.store.get_meta("generation")
    data_dir = library.data_dir
    assert generation_folders(data_dir) == [generation]

    def crash(self: object, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_name(path.name + ".partial").write_bytes(b"half written")
        raise OSError("disk full")

    monkeypatch.setattr(failing, "save", crash)
    write_article("bridge.txt", BRIDGE_TITLE, "A completely rewritten story about bearings.")
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([library.data_dir.parent / "articles"])
    monkeypatch.undo()

    # Same object: the database rolled back, the failed write removed its folder, and the old
    # indexes still answer.
    assert snapshot(library) == before
    assert generation_folders(data_dir) == [generation]
    assert library.store.get_meta("generation") == generation
    assert_derived_indexes_match_the_database(library)
    assert_answers_troops_question(library)
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"

    # A fresh open sees the same previous state.
    library.close()
    reopened = Library(data_dir, library.settings, library.embedder)
    try:
        assert generation_folders(data_dir) == [generation]
        assert snapshot(reopened) == before
        assert_answers_troops_question(reopened)
        # The crash left nothing in the way of the next write.
        report = reopened.ingest_paths([data_dir.parent / "articles"])
        assert report.updated == [BRIDGE_TITLE]
        assert report.added == ["Volcano Erupts"]
        assert reopened.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    finally:
        reopened.close()


def test_crash_on_the_first_ingest_leaves_an_empty_library(
    open_library: OpenLibrary, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_library()

    def crash(self: object, folder: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Bm25Index, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([corpus])
    monkeypatch.undo()
    assert library.is_empty()
    assert library.articles() == []
    assert library.search(TROOPS_QUESTION) == []
    assert library.ingest_paths([corpus]).passages > 0
    assert_answers_troops_question(library)


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_damaged_vector_file_is_rebuilt_on_open(
    library: Library, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = library.data_dir
    current = data_dir / "generations" / library.store.get_meta("generation")  # type: ignore[operator]
    library.close()
    vectors_file = current / "vectors.faiss"
    assert vectors_file.is_file()
    if damage == "delete":
        vectors_file.unlink()
    else:
        vectors_file.write_bytes(b"\x00\x01garbage, not a FAISS index" * 50)

    reopened = Library(data_dir, library.settings, library.embedder)
    try:
        with caplog.at_level(logging.WARNING, logger="index.generations"):
            assert_answers_troops_question(reopened)
        assert "rebuilding" in caplog.text
        assert_derived_indexes_match_the_database(reopened)
        dense_ids, _ = reopened.indexes.vectors.search(
            reopened.embedder.encode([TROOPS_QUESTION])[0], 1
        )
        assert "150,000" in reopened.store.passages(dense_ids.tolist())[int(dense_ids[0])].text
    finally:
        reopened.close()


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_damaged_bm25_folder_is_rebuilt_on_open(library: Library, damage: str) -> None:
    data_dir = library.data_dir
    current = data_dir / "generations" / library.store.get_meta("generation")  # type: ignore[operator]
    library.close()
    bm25 = current / "bm25"
    if damage == "delete":
        shutil.rmtree(bm25)
    else:
        for file in bm25.iterdir():
            file.write_bytes(b"\xff\xfe garbage")

    reopened = Library(data_dir, library.settings, library.embedder)
    try:
        assert_answers_troops_question(reopened)
        assert_derived_indexes_match_the_database(reopened)
        ids, _ = reopened.indexes.lexical.search("troop", 50)
        assert len(ids) > 0
    finally:
        reopened.close()


def test_stale_generation_folders_are_removed_by_the_next_write(library: Library) -> None:
    data_dir = library.data_dir
    current = library.store.get_meta("generation")
    library.close()
    stale = ["0", "99", str(int(current) + 1)]  # type: ignore[arg-type]
    for name in stale:
        (data_dir / "generations" / name).mkdir()
        (data_dir / "generations" / name / "vectors.faiss").write_bytes(b"leftover")

    reopened = Library(data_dir, library.settings, library.embedder)
    try:
        # Opening writes nothing: a folder may be another process's write under way.
        assert generation_folders(data_dir) == sorted([current, *stale])
        assert_answers_troops_question(reopened)
        reopened.remove(reopened.article("harbour bridge").id)
        assert generation_folders(data_dir) == [reopened.store.get_meta("generation")]
        assert_answers_troops_question(reopened)
    finally:
        reopened.close()


def test_each_write_keeps_only_the_new_generation(library: Library) -> None:
    data_dir = library.data_dir
    first = library.store.get_meta("generation")
    library.remove(library.article("harbour bridge").id)
    second = library.store.get_meta("generation")
    assert int(second) == int(first) + 1  # type: ignore[arg-type]
    assert generation_folders(data_dir) == [second]


def test_remove_on_a_fresh_open_does_not_rebuild_the_vector_index(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    library.close()
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        with caplog.at_level(logging.WARNING, logger="index.generations"):
            reopened.remove(reopened.article("harbour bridge").id)
        assert "out of step" not in caplog.text
    finally:
        reopened.close()


def test_a_rebuilt_vector_index_is_saved_for_the_next_open(
    library: Library, data_dir: Path, open_library: OpenLibrary
) -> None:
    (faiss_file,) = data_dir.glob("generations/*/vectors.faiss")
    faiss_file.write_bytes(b"garbage")
    assert len(open_library().indexes.vectors) == library.store.passage_count()
    assert len(FaissIndex.load(faiss_file, VectorIndexSettings())) == library.store.passage_count()
