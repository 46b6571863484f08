"""Two processes on one data folder: a write under way in one survives the other opening the
folder, a reader whose generation is replaced as it loads loads the new one, and a second
writer waits for the first instead of failing."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index.library import Library
from index.storage.faiss import FaissBuilder, FaissIndex
from tests.support.corpus import (
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    generation_folders,
)
from tests.support.processes import start

OpenLibrary = Callable[..., Library]
WriteArticle = Callable[..., Path]

VOLCANO = ("volcano.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
FLOOD = ("flood.txt", "River Floods", "The river burst its banks at dawn, flooding the town.")


@contextmanager
def running(*arguments: str) -> Iterator[subprocess.Popen[str]]:
    process = start(*arguments)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def finish(process: subprocess.Popen[str], stdin: str = "") -> str:
    """What the process prints once it has ended, which it must do cleanly."""
    out, err = process.communicate(stdin, timeout=120)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return out


def test_opening_the_folder_keeps_the_generation_another_process_is_writing(
    library: Library,
    open_library: OpenLibrary,
    write_article: WriteArticle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data_dir = library.data_dir
    in_progress = data_dir / "generations" / str(int(library.store.get_meta("generation")) + 1)  # type: ignore[arg-type]
    with running("ingest", str(data_dir), str(write_article(*VOLCANO)), "--pause") as writer:
        assert writer.stdout.readline() == "paused\n"  # type: ignore[union-attr]
        assert (in_progress / "vectors.faiss").is_file()

        reader = open_library()
        assert_answers_troops_question(reader)  # questions are answered meanwhile
        assert (in_progress / "vectors.faiss").is_file()

        assert "Volcano Erupts" in finish(writer, "\n")
    assert generation_folders(data_dir) == [in_progress.name]
    with caplog.at_level(logging.WARNING, logger="index.generations"):
        assert reader.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    assert "rebuilding" not in caplog.text  # the committed generation is whole
    assert_derived_indexes_match_the_database(reader)


def test_a_second_writer_waits_for_the_first_and_both_land(
    library: Library, write_article: WriteArticle
) -> None:
    data_dir = str(library.data_dir)
    flood = str(write_article(*FLOOD))
    with running("ingest", data_dir, str(write_article(*VOLCANO)), "--pause") as first:
        assert first.stdout.readline() == "paused\n"  # type: ignore[union-attr]
        with running("ingest", data_dir, flood) as second:
            waiting = second.stderr.readline()  # type: ignore[union-attr]
            assert f"another process is writing to {data_dir}; waiting" in waiting
            assert "Volcano Erupts" in finish(first, "\n")
            assert "River Floods" in finish(second)

    assert library.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    assert library.search("river burst its banks", k=1)[0].article.title == "River Floods"
    assert_answers_troops_question(library)
    assert_derived_indexes_match_the_database(library)
    assert generation_folders(library.data_dir) == [library.store.get_meta("generation")]


def test_a_reader_whose_generation_is_replaced_as_it_loads_loads_the_new_one(
    library: Library,
    open_library: OpenLibrary,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data_dir = library.data_dir
    found = library.store.get_meta("generation")
    reader = open_library()  # its indexes load at its first search
    with running("ingest", str(data_dir), str(write_article(*VOLCANO)), "--pause") as writer:
        assert writer.stdout.readline() == "paused\n"  # type: ignore[union-attr]
        load = FaissBuilder.load

        def load_once_replaced(self: FaissBuilder, path: Path) -> FaissIndex:
            if path.parent.name == found:
                # The writer commits, and removes the folder the reader found current.
                assert "Volcano Erupts" in finish(writer, "\n")
            return load(self, path)

        monkeypatch.setattr(FaissBuilder, "load", load_once_replaced)
        with caplog.at_level(logging.WARNING, logger="index.generations"):
            assert reader.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    assert "rebuilding" not in caplog.text
    assert generation_folders(data_dir) == [str(int(found) + 1)]  # type: ignore[arg-type]
    assert_derived_indexes_match_the_database(reader)
