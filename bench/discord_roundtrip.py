"""Discord round trip: how fast /ask is acknowledged and answered, on loopback.

Run with `python -m bench.discord_roundtrip`. The real discord.py client (on its own thread and
event loop, as in production) talks to the stand-in in tests/support/discord.py,
which serves Discord's REST API and gateway on 127.0.0.1 from another thread. For each /ask,
the clock starts when the stand-in writes INTERACTION_CREATE to the gateway socket and stops
when its HTTP handler receives the defer callback, then the follow-up message (time.monotonic
on the stand-in's thread). The core runs for real over the seed article, model warm.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
import tomllib
from dataclasses import replace
from pathlib import Path

import discord

from bot.config import load_config
from bot.discord.client import build_client
from bot.discord.settings import DiscordSettings
from bot.service import NewsService
from index.embedding import Embedder
from index.library import Library
from tests.support.discord import BotThread, DiscordStandIn, Sent
from tests.support.discord_payloads import GUILD_ID

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "bot" / "core" / "seed_questions.toml"


def questions(count: int) -> list[str]:
    data = tomllib.loads(QUESTIONS.read_text())
    asked = [q["question"] for q in data["answerable"] + data["unanswerable"]]
    return [asked[i % len(asked)] for i in range(count)]


def timings(standin: DiscordStandIn, sent: list[Sent]) -> dict[str, float]:
    """Median and p95 in ms, INTERACTION_CREATE to defer callback and to follow-up."""
    result: dict[str, float] = {"asks": len(sent)}
    for name, stage in (("defer", standin.callback), ("followup", standin.followup)):
        ms = sorted((stage(s, timeout=60).at - s.at) * 1000 for s in sent)
        result[f"{name}_p50_ms"] = round(statistics.median(ms), 2)
        result[f"{name}_p95_ms"] = round(ms[int(0.95 * (len(ms) - 1))], 2)
    refused = [c.status for s in sent for c in s.callbacks + s.followups if c.status != 200]
    result["refused_requests"] = len(refused)
    return result


def run(asks: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        config = replace(load_config(environ={}), data_dir=Path(folder))
        library = Library(config.data_dir, config.index, Embedder(config.embedding))
        library.ingest_paths([config.seeds_dir])
        service = NewsService(config, library)
        service.warm_up()
        standin = DiscordStandIn().start()
        settings = DiscordSettings(sync="guild", guild_id=GUILD_ID, rate_limit=0)
        try:
            with standin.install():
                bot = BotThread(build_client(service, settings, guild_ready_timeout=0.05))
                bot.start()
                try:
                    standin.followup(standin.slash("ask", {"question": "warm up"}))
                    sequential = []
                    for question in questions(asks):
                        sequential.append(standin.slash("ask", {"question": question}))
                        standin.followup(sequential[-1], timeout=60)
                    burst = [standin.slash("ask", {"question": q}) for q in questions(asks)]
                    figures = {
                        "one_at_a_time": timings(standin, sequential),
                        "all_at_once": timings(standin, burst),
                    }
                finally:
                    bot.stop()
        finally:
            standin.close()
            service.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--asks", type=int, default=20, help="/ask interactions per run")
    args = parser.parse_args()
    start = time.perf_counter()
    figures = run(args.asks)
    print(__doc__.strip().split("\n\n", 1)[1].replace("\n", " "))
    print(
        "one_at_a_time: each /ask is sent after the previous follow-up arrived; "
        "all_at_once: all are dispatched back to back, the answers queue on the core's lock."
    )
    environment = {
        "python": platform.python_version(),
        "discord.py": discord.__version__,
        "machine": platform.machine(),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps({**figures, "environment": environment}, indent=2))


if __name__ == "__main__":
    main()
