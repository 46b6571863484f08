"""Input the terminal mangles and a disk that fills: one line on stderr, nothing lost."""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index.embedding import Embedder
from index.storage.tantivy import TantivyIndex

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    """Every command uses the session's model instead of loading its own."""
    monkeypatch.setattr("bot.service.Embedder", lambda *args, **kwargs: embedder)


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, stderr
    return lines[0]


# -- bytes that are not UTF-8 ----------------------------------------------------------------


def test_a_question_argument_with_bytes_that_are_not_utf8_is_one_line(tmp_path):
    # As a shell passes $'\xff\xfe troops?': raw bytes in argv, decoded by Python itself.
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "ask", b"\xff\xfe troops?"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    line = _one_error_line(run.stderr)
    assert line.startswith("Error: the question is not valid UTF-8 (byte 0xFF at position 1)")
    assert run.stdout == ""
    assert not data.exists()  # refused before the index was opened


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["ask", "how many \udcff troops?"], "the question"),
        (["summarize", "putin \udce9"], "the article"),
        (["remove", "putin \udce9"], "the article"),
        (["hedges", "It may \udcff rain."], "the text"),
    ],
)
def test_an_argument_with_bytes_that_are_not_utf8_is_one_line(newsbot, args, what):
    result = newsbot(*args)
    assert result.exit_code == 1
    assert _one_error_line(result.stderr).startswith(f"Error: {what} is not valid UTF-8 (byte 0x")
    assert result.stdout == ""


def test_a_line_of_stdin_that_is_not_utf8_is_reported_and_the_rest_answered(newsbot):
    questions = b"how many Chinese troops?\n\xff\xfe troops?\nWhat is the population of Tokyo?\n"
    result = newsbot("ask", "-", "--json", input=questions)
    first, bad, last = (json.loads(line) for line in result.stdout.splitlines())
    assert first["answered"] is True and "150,000" in first["quotes"][0]["text"]
    assert bad == {
        "question": "\ufffd\ufffd troops?",
        "error": "line 2 is not valid UTF-8 (byte 0xFF at position 1); "
        "check the encoding of the terminal or file",
    }
    assert last["answered"] is False
    assert _one_error_line(result.stderr).startswith("Error: line 2 is not valid UTF-8")
    assert result.exit_code == 1


def test_stdin_is_read_as_utf8_whatever_the_locale(newsbot):
    result = newsbot("ask", "-", "--json", input="How many Chinese troops? “150,000”\n".encode())
    (answer,) = (json.loads(line) for line in result.stdout.splitlines())
    assert answer["question"] == "How many Chinese troops? “150,000”"
    assert result.exit_code == 0


def test_hedges_reports_a_bad_line_and_reads_the_rest(newsbot):
    result = newsbot("hedges", "-", "--json", input=b"It may rain.\n\xe9t\xe9\nThe sun set.\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["It may rain.", "The sun set."]
    assert _one_error_line(result.stderr).startswith("Error: line 2 is not valid UTF-8")
    assert result.exit_code == 1


# -- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def port_article(tmp_path: Path) -> Path:
    """An article of 40 paragraphs: more than the database's partly filled pages can take."""
    path = tmp_path / "port.txt"
    paragraphs = [f"Quay {n} reopened after {n + 2} days of repairs." for n in range(40)]
    path.write_text("Port reopens after repairs\n\n" + "\n\n".join(paragraphs), "utf-8")
    return path


def _fill_the_database_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next write to the database fails as on a full disk: SQLite's own SQLITE_FULL."""
    connect = sqlite3.connect

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        database = connect(*args, **kwargs)
        pages = database.execute("PRAGMA page_count").fetchone()[0]
        database.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        return database

    monkeypatch.setattr(sqlite3, "connect", full)


def test_a_full_disk_during_ingest_is_one_line_and_keeps_the_index(
    newsbot, port_article, monkeypatch
):
    assert newsbot("sources").exit_code == 0  # the seed article, indexed
    with monkeypatch.context() as patch:
        _fill_the_database_disk(patch)
        result = newsbot("ingest", str(port_article))
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert line.startswith(f"Error: no space left on the device holding {newsbot.data}")
    sources = json.loads(newsbot("sources", "--json").stdout)
    assert [s["title"] for s in sources] == [
        "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"
    ]
    answer = json.loads(newsbot("ask", "--json", "How many Chinese troops?").stdout)
    assert "150,000" in answer["quotes"][0]["text"]
    assert newsbot("ingest", str(port_article)).exit_code == 0  # with room again, it goes in


def test_a_full_disk_for_the_lexical_index_keeps_the_article_and_catches_up_later(
    newsbot, port_article, monkeypatch, caplog
):
    def full_disk(self: TantivyIndex, *args: object, **kwargs: object) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.folder))

    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING):
        patch.setattr(TantivyIndex, "apply", full_disk)
        result = newsbot("ingest", str(port_article))
    assert result.exit_code == 0  # the database holds it: nothing is lost
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        f"could not update the lexical index: [Errno 28] No space left on device: "
        f"'{newsbot.data / 'lexical'}'"
    ]
    titles = [s["title"] for s in json.loads(newsbot("sources", "--json").stdout)]
    assert "Port reopens after repairs" in titles
    answer = json.loads(newsbot("ask", "--json", "After how many days did Quay 7 reopen?").stdout)
    assert "Quay 7 reopened" in answer["quotes"][0]["text"]
    assert answer["quotes"][0]["text"] in port_article.read_text()
