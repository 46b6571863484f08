"""What every command shares: the service it opens for one run, and how an ingest is reported."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import click

from bot.config import Config
from bot.service import NewsService, open_library
from index.models import IngestReport

allow_private_networks = click.option(
    "--allow-private-networks",
    is_flag=True,
    help="Fetch from loopback and private addresses too (overrides [web]).",
)


def widened(config: Config, allow_private_networks: bool) -> Config:
    """The config with `--allow-private-networks` applied: the flag can only widen [web]."""
    if not allow_private_networks:
        return config
    return replace(config, web=replace(config.web, allow_private_networks=True))


@contextmanager
def opened(config: Config, seed: bool = True) -> Iterator[NewsService]:
    """The service for one command, closed after it; an empty index gets the seeds first."""
    library, seeded = open_library(config, seed=seed, progress=interactive())
    service = NewsService(config, library)
    try:
        if seeded is not None:
            click.echo(
                f"The index was empty; indexed the seed articles in {config.seeds_dir}", err=True
            )
            echo_report(seeded, err=True)
        yield service
    finally:
        service.close()


def interactive() -> bool:
    """Progress bars only for a person watching."""
    return sys.stderr.isatty()


def echo_report(report: IngestReport, err: bool = False) -> None:
    """What an ingest or a poll did: each article, then one line of counts.

    On stderr (`err`) when it happens on the way to another command's output.
    """
    done = (("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged))
    for label, titles in done:
        for title in titles:
            click.echo(f"{label}: {title}", err=err)
    for _, why in report.skipped:
        click.echo(f"skipped: {why}", err=err)
    for title, other in report.linked:
        click.echo(f"linked: {title} — also reported as “{other}”", err=err)
    for _, error in report.failed:
        click.echo(f"failed: {error}", err=err)
    click.echo(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped as duplicates, "
        f"{len(report.failed)} failed; {report.passages} passages indexed",
        err=err,
    )
