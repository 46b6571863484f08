"""Processes on one data folder: a write under way in one is not seen by another, whose next
question sees it once committed, without reopening; a writer killed mid-write leaves the folder
as it was; and a second writer waits for the first instead of failing."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from index.library import Library
from tests.support.corpus import (
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
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


def test_a_running_reader_answers_from_another_process_write_once_committed(
    library: Library, write_article: WriteArticle
) -> None:
    assert_answers_troops_question(library)  # its indexes are loaded and in use
    with running(
        "ingest", str(library.data_dir), str(write_article(*VOLCANO)), "--pause"
    ) as writer:
        assert writer.stdout.readline() == "paused\n"  # type: ignore[union-attr]
        assert_answers_troops_question(library)  # questions are answered meanwhile
        assert all(a.title != "Volcano Erupts" for a in library.articles())
        assert "Volcano Erupts" in finish(writer, "\n")
    hit = library.search("Lava sea volcano", k=1)[0]
    assert hit.article.title == "Volcano Erupts"
    assert hit.lexical > 0  # its words are indexed too, not only its meaning
    assert_derived_indexes_match_the_database(library)


def test_a_writer_killed_mid_write_leaves_the_folder_as_it_was(
    library: Library, write_article: WriteArticle
) -> None:
    before = [a.title for a in library.articles()]
    with running(
        "ingest", str(library.data_dir), str(write_article(*VOLCANO)), "--pause"
    ) as writer:
        assert writer.stdout.readline() == "paused\n"  # type: ignore[union-attr]
        writer.kill()
        writer.communicate()
    assert [a.title for a in library.articles()] == before
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"
    assert_derived_indexes_match_the_database(library)
    assert library.ingest_paths([library.data_dir.parent / "articles"]).added == ["Volcano Erupts"]
    assert library.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"


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
