"""The Slack front end running for real on loopback: bolt over HTTP, a stand-in for Slack.

Requests are signed and shaped exactly as Slack sends them; the stand-in records what the bot
posts to the Web API and to response_url. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.config import load_config
from bot.service import NewsService
from bot.slack.app import build_app
from bot.slack.server import HttpServer
from bot.slack.settings import SlackSettings
from index.embedding import Embedder
from index.library import Library
from tests.support.slack import SlackStandIn, command_body, mention_body, send

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
_keys = itertools.count(1)


def seeded_service(data_dir: Path, embedder: Embedder) -> NewsService:
    """A NewsService on its own data folder holding the seed article, with the shared model."""
    config = replace(load_config(environ={}), data_dir=data_dir)
    library = Library(config.data_dir, config.index, embedder)
    report = library.ingest_paths([config.seeds_dir])
    assert report.added and not report.failed
    return NewsService(config, library)


@pytest.fixture(scope="module")
def news_service(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> NewsService:
    """Shared by tests that only read; tests that ingest build their own."""
    service = seeded_service(tmp_path_factory.mktemp("slack") / "data", embedder)
    yield service
    service.close()


@pytest.fixture
def fresh_service(tmp_path: Path, embedder: Embedder) -> Iterator[NewsService]:
    service = seeded_service(tmp_path / "data", embedder)
    yield service
    service.close()


@dataclass
class Slack:
    """One running app and its stand-in, with helpers that act like Slack."""

    stand_in: SlackStandIn
    server: HttpServer
    settings: SlackSettings

    @property
    def url(self) -> str:
        return self.server.url

    def command(
        self,
        command: str,
        text: str,
        user: str = "U0ASKER",
        team: tuple[str, str] = ("T0NEWS", "newsroom"),
        **signing: object,
    ) -> tuple[int, bytes, float, str]:
        """Post a slash command from `team` (workspace id and domain); status, ack body, ack
        seconds, and its response_url prefix."""
        key = f"/response/{next(_keys)}"
        body = command_body(command, text, self.stand_in.root + key, user_id=user, team=team)
        status, reply, seconds = send(self.url, body, SECRET, **signing)  # type: ignore[arg-type]
        return status, reply, seconds, key

    def mention(self, text: str, ts: str, **event: str) -> tuple[int, bytes, float]:
        return self.send(mention_body(text, ts, **event))

    def send(self, body: bytes) -> tuple[int, bytes, float]:
        """Any request body, signed with the app's signing secret."""
        return send(self.url, body, SECRET)


@pytest.fixture
def make_slack(news_service: NewsService) -> Iterator:
    """Start the app (on `service`, with these [slack] settings) and its stand-in."""
    running: list[tuple[HttpServer, SlackStandIn, ThreadPoolExecutor]] = []

    def start(service: NewsService | None = None, **settings: object) -> Slack:
        stand_in = SlackStandIn()
        # Rate limiting is off unless a test turns it on: most tests ask several times.
        chosen = replace(SlackSettings(rate_limit=0), base_url=stand_in.base_url, **settings)
        client = WebClient(token=BOT_TOKEN, base_url=chosen.base_url)
        executor = ThreadPoolExecutor(8)
        app = build_app(service or news_service, chosen, client, SECRET, executor=executor)
        server = HttpServer(app, SECRET, chosen, port=0).start()
        running.append((server, stand_in, executor))
        return Slack(stand_in, server, chosen)

    yield start
    for server, stand_in, executor in running:
        server.close()
        executor.shutdown(wait=True)  # answers still being posted finish first
        stand_in.close()


@pytest.fixture
def slack(make_slack) -> Slack:  # type: ignore[no-untyped-def]
    return make_slack()
