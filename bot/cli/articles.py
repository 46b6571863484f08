"""`newsbot ingest`, `remove` and `reindex`: what the index holds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from bot.cli.session import allow_private_networks, echo_report, interactive, opened, widened
from bot.cli.text import argument
from bot.config import Config

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@click.command()
@click.argument("sources", nargs=-1, required=True)
@allow_private_networks
@click.pass_obj
def ingest(config: Config, sources: tuple[str, ...], allow_private_networks: bool) -> None:
    """Index .txt, .md and .html files, folders and web page URLs; unchanged articles are skipped.

    The same article found twice (one canonical URL, or the same text) is indexed once.
    """
    urls = [s for s in sources if _URL.match(s)]
    paths = [Path(s) for s in sources if not _URL.match(s)]
    with opened(widened(config, allow_private_networks), seed=False) as service:
        report = service.ingest_sources(paths, urls, progress=interactive())
    echo_report(report)
    if report.failed:
        sys.exit(1)


@click.command()
@click.argument("article", nargs=-1, required=True)
@click.pass_obj
def remove(config: Config, article: tuple[str, ...]) -> None:
    """Remove an article, named by id or part of its title, and its passages."""
    reference = argument(" ".join(article), "the article")
    with opened(config, seed=False) as service:
        removed = service.remove(reference)
    click.echo(f"removed: {removed.title}")


@click.command()
@click.option("--embed", is_flag=True, help="Re-embed even when the model has not changed.")
@click.pass_obj
def reindex(config: Config, embed: bool) -> None:
    """Refresh stored hedge cues, and re-embed every passage when the model changed."""
    with opened(config, seed=False) as service:
        done = service.reindex(embed=embed, progress=interactive())
    embedded = f"re-embedded with {config.embedding.model} and " if done.embedded else ""
    click.echo(f"reindexed {done.passages} passages: {embedded}refreshed their hedge cues")
