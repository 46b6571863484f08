"""Fixtures for the Discord front end: a real NewsService, the loopback stand-in, running bots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from bot.config import load_config
from bot.discord.client import build_client
from bot.discord.settings import DiscordSettings
from bot.service import NewsService
from index.embedding import Embedder
from index.library import Library
from index.models import Document
from tests.support.discord import BotThread, DiscordStandIn
from tests.support.discord_payloads import GUILD_ID

# An article that tries to ping everyone and to format (and break) the reply.
MISCHIEF = Document(
    key="test:mischief",
    title="Harbour **festival** draws `crowds` @everyone",
    text=(
        "The harbour festival drew **12,000** visitors on Saturday, organisers said @everyone.\n\n"
        "The festival, which features `boat races` and <@123456789012345678> "
        "[a parade](https://evil.example), returns next year. _Tickets_ cost ~~£5~~ £7 ||now||."
    ),
    source="Harbour Gazette",
    url="https://example.com/harbour_news?id=1",
    published="2024-05-01",
)


@pytest.fixture(scope="session")
def news_service(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> NewsService:
    """The real core over the seed article plus MISCHIEF, built once for the Discord tests."""
    data = tmp_path_factory.mktemp("discord-data")
    config = replace(load_config(environ={}), data_dir=data)
    library = Library(data, config.index, embedder)
    assert library.ingest_paths([config.seeds_dir]).added
    assert library.ingest([MISCHIEF]).added
    service = NewsService(config, library)
    yield service
    service.close()


@pytest.fixture
def fresh_service(tmp_path, embedder):
    """A service of its own (the seed article only), for tests that add articles."""
    config = replace(load_config(environ={}), data_dir=tmp_path / "data")
    library = Library(config.data_dir, config.index, embedder)
    library.ingest_paths([config.seeds_dir])
    service = NewsService(config, library)
    yield service
    service.close()


@pytest.fixture
def standin() -> Iterator[DiscordStandIn]:
    server = DiscordStandIn().start()
    with server.install():
        yield server
    server.close()


@pytest.fixture
def run_bot(
    standin: DiscordStandIn, news_service: NewsService
) -> Iterator[Callable[..., BotThread]]:
    """Start a bot against the stand-in; every bot started is stopped after the test."""
    started: list[BotThread] = []

    def run(service: NewsService | None = None, **settings: object) -> BotThread:
        configured = DiscordSettings(**{"sync": "guild", "guild_id": GUILD_ID, **settings})  # type: ignore[arg-type]
        client = build_client(service or news_service, configured, guild_ready_timeout=0.05)
        bot = BotThread(client)
        started.append(bot)
        return bot.start()

    yield run
    for bot in started:
        bot.stop()
