"""Processes sharing one corpus: two bots answering while `newsbot ingest` adds an article.

Run with `python -m bench.shared_corpus [--backend sqlite|postgres]`. Two reader processes open
the corpus as `newsbot serve` does (the configured library, with the seed articles) and each
asks, every 50 ms, a question only the new article answers; then `newsbot ingest FILE` runs as
a third process. Reported: for each reader, the seconds from the end of the ingest command to
its first answer quoting the new article (negative: before the command had exited; it commits
first), and every error line any process printed. With
`postgres`, a PostgreSQL server started for the run (tests/support/postgres.py) holds the
corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "How many lighthouse keepers still live on Skerry Mor?"
MARKER = "Skerry Mor"
NEW_ARTICLE = (
    "Last keepers leave the Skerry Mor light\n\n"
    "The two lighthouse keepers who still live on Skerry Mor will leave the island in June, "
    "the lighthouse board said on Tuesday, when the light is switched to remote control.\n\n"
    "The light has been kept by hand since 1851."
)
READERS = 2
TIMEOUT_S = 60.0


def read() -> None:
    """A reader process: open the corpus as a bot does, then ask until the new article answers."""
    from bot.config import load_config
    from bot.core.answer import ask
    from bot.service import open_library

    library, _ = open_library(load_config())
    print("ready", flush=True)
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        answer = ask(library, QUESTION)
        if answer.quotes and MARKER in answer.quotes[0].text:
            print(json.dumps({"seen_at": time.time()}), flush=True)
            return
        time.sleep(0.05)
    print(json.dumps({"seen_at": None}), flush=True)


def run(backend: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsbot-shared-") as work:
        folder = Path(work)
        config = folder / "config.toml"
        config.write_text(f'[index]\nbackend = "{backend}"\n')
        environ = {
            **os.environ,
            "NEWSBOT_CONFIG": str(config),
            "NEWSBOT_DATA_DIR": str(folder / "data"),
            "PYTHONPATH": str(ROOT),
        }
        if backend == "postgres":
            from tests.support.postgres import PostgresServer

            server = PostgresServer()
            environ["NEWSBOT_DATABASE_URL"] = server.url()
        try:
            return _measure(folder, environ)
        finally:
            if backend == "postgres":
                server.stop()


def _measure(folder: Path, environ: dict[str, str]) -> dict:
    newsbot = [sys.executable, "-m", "bot.cli"]
    seeded = subprocess.run([*newsbot, "sources"], env=environ, capture_output=True, text=True)
    errors = _errors(seeded.stderr)
    readers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.shared_corpus", "read"],
            env=environ,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(READERS)
    ]
    for reader in readers:
        assert reader.stdout is not None
        if reader.stdout.readline().strip() != "ready":
            raise RuntimeError(f"a reader did not start: {reader.communicate()[1]}")
    article = folder / "skerry.txt"
    article.write_text(NEW_ARTICLE, "utf-8")
    started = time.time()
    ingest = subprocess.run(
        [*newsbot, "ingest", str(article)], env=environ, capture_output=True, text=True
    )
    ended = time.time()
    errors += _errors(ingest.stderr)
    seen = []
    for reader in readers:
        out, err = reader.communicate(timeout=TIMEOUT_S + 30)
        errors += _errors(err)
        found = json.loads(out.strip().splitlines()[-1])["seen_at"]
        seen.append(None if found is None else round(found - ended, 2))
    return {
        "ingest_s": round(ended - started, 2),
        "seen_after_ingest_s": seen,
        "errors": errors,
    }


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Error" in line or "Traceback" in line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", nargs="?", choices=("measure", "read"), default="measure")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    if args.action == "read":
        read()
    else:
        print(json.dumps(run(args.backend)))


if __name__ == "__main__":
    main()
