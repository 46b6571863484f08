"""A NewsService set up to follow feeds on loopback and post to chats at once, for the channel
posting tests of both front ends and bench/channel_posts.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import load_config
from bot.service import NewsService
from index.embedding import Encoder
from index.library import Library
from index.sources.fetching import WebSettings


def feed_service(
    data_dir: Path,
    embedder: Encoder,
    now: datetime | None = None,
    channels: dict[str, Any] | None = None,
    timezone: str = "UTC",
    **web: Any,
) -> NewsService:
    """An empty corpus that fetches from 127.0.0.1 without delay and posts without pacing;
    `now` is given as NEWSBOT_NOW, and `timezone` is `[answer] timezone`."""
    config = load_config(environ={"NEWSBOT_NOW": now.isoformat()} if now else {})
    settings = WebSettings(
        allow_private_networks=True, host_delay_seconds=0, timeout_seconds=5, **web
    )
    config = replace(
        config,
        data_dir=data_dir,
        web=settings,
        channels={"post_interval_seconds": 0, **(channels or {})},
        answer=replace(config.answer, timezone=timezone),
    )
    return NewsService(config, Library(data_dir, config.index, embedder))
