"""Channel posts on loopback: what one poll of a feed with 100 new articles posts, and how long
posting takes.

Run with `.venv/bin/python -m bench.channel_posts`. A loopback news site publishes the articles
(each of its own words, so none is a near-duplicate of another) in one RSS feed; a channel
follows the feed; one poll indexes them with the real model; then one courier round posts
them through the real clients to the loopback stand-ins (tests.support.slack for Slack's Web
API, tests.support.discord for Discord's REST API and gateway).

- `poll_s`: fetching and indexing the articles (not part of posting);
- `posts`: messages posted in the round (articles, plus one line counting those over the cap);
- `post_s`: the round, from the first article composed to the last message acknowledged.

Scenarios: the defaults (at most 10 posts an hour from a feed, 1 s between two posts in a
channel), then a cap of 100 with no pacing, which measures newsbot's own cost per post.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.channels.delivery import Poster
from bot.channels.models import Place
from bot.discord.channel_posts import DiscordPoster
from bot.discord.client import build_client
from bot.discord.settings import DiscordSettings
from bot.service import NewsService
from bot.slack.channel_posts import SlackPoster
from index.embedding import Embedder, EmbeddingSettings
from tests.support.channels import feed_service
from tests.support.discord import BotThread, DiscordStandIn
from tests.support.discord_payloads import CHANNEL_ID, GUILD_ID
from tests.support.newssite import NewsSite
from tests.support.slack import SlackStandIn
from tests.support.wire import Outlet, made_up_story


def scenario(
    embedder: Embedder,
    articles: int,
    cap: int,
    interval: float,
    place: Place,
    poster: Callable[[NewsService], tuple[Poster, Callable[[], None]]],
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, NewsSite() as site:
        channels = {"post_interval_seconds": interval}
        service: NewsService = feed_service(
            Path(folder), embedder, channels=channels, feed_entries_per_poll=articles
        )
        try:
            outlet = Outlet(site, "Island Times", "island")
            service.channels.follow(place, outlet.feed_url, per_hour=cap)
            for number in range(articles):
                outlet.publish(made_up_story(number))
            start = time.perf_counter()
            report = service.poll_feeds()
            poll_s = time.perf_counter() - start
            assert len(report.ingest.added) == articles, report.ingest.failed
            chosen, stop = poster(service)
            try:
                start = time.perf_counter()
                done = service.channels.courier(chosen).run_once()
                post_s = time.perf_counter() - start
            finally:
                stop()
        finally:
            service.close()
    return {
        "platform": place.platform,
        "articles": articles,
        "cap_per_hour": cap,
        "post_interval_s": interval,
        "poll_s": round(poll_s, 2),
        "posts": done.posts,
        "held_back": done.held_back,
        "post_s": round(post_s, 2),
        "ms_per_post": round(1000 * post_s / max(done.posts, 1), 1),
    }


def slack_poster(service: NewsService) -> tuple[Poster, Callable[[], None]]:
    stand_in = SlackStandIn()
    client = WebClient(token="xoxb-bench", base_url=stand_in.base_url)
    return SlackPoster(client), stand_in.close


def discord_poster(service: NewsService) -> tuple[Poster, Callable[[], None]]:
    """A real discord.py client connected to the stand-in; `stop` disconnects it."""
    stand_in = DiscordStandIn().start()
    installed = stand_in.install()
    installed.__enter__()
    client = build_client(service, DiscordSettings(sync="none"), guild_ready_timeout=0.05)
    bot = BotThread(client).start()

    def stop() -> None:
        bot.stop()
        installed.__exit__(None, None, None)
        stand_in.close()

    return DiscordPoster(bot.client), stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="new articles in the feed")
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)  # loopback only
    embedder = Embedder(EmbeddingSettings())
    slack = Place("slack", "T0BENCH", "C0BENCH")
    discord = Place("discord", str(GUILD_ID), str(CHANNEL_ID))
    n = args.articles
    figures = [
        scenario(embedder, n, 10, 1.0, slack, slack_poster),
        scenario(embedder, n, 100, 0.0, slack, slack_poster),
        scenario(embedder, n, 10, 1.0, discord, discord_poster),
        scenario(embedder, n, 100, 0.0, discord, discord_poster),
    ]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
