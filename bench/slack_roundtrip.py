"""Slack round trip on loopback: how fast newsbot acks a signed /ask, and how soon it answers.

Run with `.venv/bin/python -m bench.slack_roundtrip`. The real Slack front end (bolt in HTTP
mode, under newsbot's threaded WSGI server) runs on 127.0.0.1 with the real model and the seed
article; a stand-in for Slack (tests.support.slack) receives the response_url POSTs. Each
/ask is form-encoded and signed exactly as Slack sends it.

- ack: request sent -> HTTP 200 back at the sender (Slack allows 3 s);
- answer: request sent -> the stand-in has received the answer POSTed to response_url.

Both are time.perf_counter() in this one process. "sequential" sends a request only after the
previous answer arrived; "burst" sends all requests back to back, answers queueing behind the
model. Rate limiting is off, as one user sends everything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from slack_sdk import WebClient

from bot.config import load_config
from bot.service import NewsService
from bot.slack.app import build_app
from bot.slack.server import HttpServer
from bot.slack.settings import SlackSettings
from index.embedding import Embedder
from index.library import Library
from tests.support.slack import SlackStandIn, command_body, send

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "bot" / "core" / "seed_questions.toml"
SECRET = "bench-signing-secret"


def questions() -> list[str]:
    if not QUESTIONS.exists():
        return ["How many Chinese troops?", "What is the population of Tokyo?"]
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    return [q["question"] for q in data["answerable"] + data["unanswerable"]]


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1000 for s in seconds)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(url: str, stand_in: SlackStandIn, asked: list[str], burst: bool) -> dict[str, object]:
    acks: list[float] = []
    sent: list[tuple[float, str]] = []

    def one(i: int, question: str) -> None:
        key = f"/response/{'burst' if burst else 'seq'}-{i}"
        body = command_body("/ask", question, stand_in.root + key)
        start = time.perf_counter()
        status, _, seconds = send(url, body, SECRET)
        assert status == 200, status
        acks.append(seconds)
        sent.append((start, key))
        if not burst:
            stand_in.wait_for(key, timeout=30)

    if burst:
        with ThreadPoolExecutor(len(asked)) as pool:
            list(pool.map(one, range(len(asked)), asked))
    else:
        for i, question in enumerate(asked):
            one(i, question)
    answers = [stand_in.wait_for(key, timeout=60)[0].received - start for start, key in sent]
    return {"requests": len(asked), "ack": summary(acks), "answer": summary(answers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="signed /ask requests per run")
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)  # loopback only
    pool = questions()
    asked = [pool[i % len(pool)] for i in range(args.requests)]
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(environ={"NEWSBOT_DATA_DIR": folder})
        library = Library(config.data_dir, config.index, Embedder(config.embedding))
        library.ingest_paths([config.seeds_dir])
        service = NewsService(config, library)
        service.warm_up()
        stand_in = SlackStandIn()
        settings = SlackSettings(rate_limit=0, base_url=stand_in.base_url)
        client = WebClient(token="xoxb-bench", base_url=settings.base_url)
        app = build_app(service, settings, client, SECRET)
        server = HttpServer(app, SECRET, settings, port=0).start()
        try:
            send(server.url, command_body("/ask", asked[0], stand_in.response_url("warm")), SECRET)
            stand_in.wait_for("/response/warm", timeout=30)
            figures = {
                "sequential": run(server.url, stand_in, asked, burst=False),
                "burst": run(server.url, stand_in, asked, burst=True),
            }
        finally:
            server.close()
            stand_in.close()
            service.close()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
