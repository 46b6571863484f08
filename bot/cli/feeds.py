"""`newsbot feeds …`: follow RSS and Atom feeds and index their new articles."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from bot.cli.session import allow_private_networks, echo_report, interactive, opened, widened
from bot.config import Config

NO_FEEDS = "No feeds are followed. Add one with `newsbot feeds add URL`."


@click.group()
def feeds() -> None:
    """Follow RSS and Atom feeds; `feeds poll` indexes their new articles."""


@feeds.command(name="add")
@click.argument("url")
@allow_private_networks
@click.pass_obj
def feeds_add(config: Config, url: str, allow_private_networks: bool) -> None:
    """Follow the feed at URL (checked now; its entries are indexed by the next poll)."""
    with opened(widened(config, allow_private_networks), seed=False) as service:
        followed = service.add_feed(url)
    title = followed.feed.title or "untitled feed"
    verb = "following" if followed.new else "already following"
    click.echo(f"{verb}: {title} · {followed.feed.url} · {followed.entries} entries")


@feeds.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def feeds_list(config: Config, as_json: bool) -> None:
    """List the followed feeds and when each was last polled."""
    with opened(config, seed=False) as service:
        followed = service.feeds()
    if as_json:
        click.echo(json.dumps([asdict(f) for f in followed], ensure_ascii=False))
        return
    if not followed:
        click.echo(NO_FEEDS)
    for feed in followed:
        polled = f"last polled {feed.last_polled}" if feed.last_polled else "never polled"
        click.echo(f"{feed.id:>4}  {feed.title or 'untitled feed'}\n      {feed.url}")
        click.echo(f"      {polled} · {feed.entries} entries indexed")
        if feed.last_error:
            click.echo(f"      last error: {feed.last_error}")


@feeds.command(name="remove")
@click.argument("feed")
@click.pass_obj
def feeds_remove(config: Config, feed: str) -> None:
    """Stop following a feed, named by URL or id; its articles stay indexed."""
    with opened(config, seed=False) as service:
        removed = service.remove_feed(feed)
    click.echo(f"removed feed: {removed.title or removed.url}")


@feeds.command(name="poll")
@allow_private_networks
@click.pass_obj
def feeds_poll(config: Config, allow_private_networks: bool) -> None:
    """Poll every followed feed once now and index its new articles."""
    with opened(widened(config, allow_private_networks), seed=False) as service:
        report = service.poll_feeds(progress=interactive())
    if not report.feeds:
        click.echo(NO_FEEDS)
        return
    for url, status in report.feeds:
        click.echo(f"feed {url}: {status}")
    echo_report(report.ingest)
    if report.ingest.failed or any(s.startswith("failed") for _, s in report.feeds):
        sys.exit(1)
