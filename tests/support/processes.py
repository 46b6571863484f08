"""Another process using the same data folder, for tests of processes that share one.

`python -m tests.support.processes ingest DATA FILE [--pause]` indexes FILE with the fast fake
encoder; with `--pause` it stops inside its write, once the passages are written and before they
are committed, prints `paused` and waits for a line on stdin.
`python -m tests.support.processes read DATA QUESTION` prints, as JSON, the titles the library
holds, the title of the best hit for QUESTION, and the error a write gets.

Like the `newsbot` command, each turns a `NewsbotError` into one line on stderr and exit status
1; anything else is a traceback, which the tests look for.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import index.library
from index.errors import NewsbotError
from index.library import Library
from index.models import Document
from index.settings import IndexSettings
from tests.support.corpus import ROOT
from tests.support.encoder import HashingEncoder


def start(*arguments: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """This module run as another process (after `prefix`, a command that runs it), with pipes
    for its input and output."""
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "tests.support.processes", *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _pause_before_the_commit() -> None:
    write = index.library.write_documents

    def paused_write(*arguments, **options) -> None:  # type: ignore[no-untyped-def]
        write(*arguments, **options)
        print("paused", flush=True)
        sys.stdin.readline()

    index.library.write_documents = paused_write  # type: ignore[assignment]


def _ingest(library: Library, path: Path, pause: bool) -> None:
    if pause:
        _pause_before_the_commit()
    report = library.ingest_paths([path])
    print(json.dumps({"added": report.added}), flush=True)


def _read(library: Library, question: str) -> None:
    hits = library.search(question, k=1)
    try:
        library.ingest([Document(key="write", title="A Write", text="Nothing lands here.")])
        write_error = None
    except NewsbotError as error:
        write_error = str(error)
    titles = [article.title for article in library.articles()]
    top = hits[0].article.title if hits else None
    print(json.dumps({"titles": titles, "top": top, "write_error": write_error}), flush=True)


def main(command: str, data_dir: str, argument: str, *flags: str) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        library = Library(Path(data_dir), IndexSettings(), HashingEncoder())
        try:
            if command == "ingest":
                _ingest(library, Path(argument), "--pause" in flags)
            else:
                _read(library, argument)
        finally:
            library.close()
    except NewsbotError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
