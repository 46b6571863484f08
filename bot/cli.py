"""The `newsbot` command: index articles and ask about them from a terminal."""

from __future__ import annotations

import importlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import ClassVar

import click

from bot.answer import QuestionError, ask
from bot.config import Config, ConfigError, load_config
from bot.hedges_cli import hedges_command
from bot.reader.model import ReaderError
from bot.render_text import answer_text, sources_text, summary_text
from bot.service import open_library
from bot.summary import summarize
from index.embedding import EmbeddingError
from index.library import Library
from index.models import IngestReport
from index.sources.feeds import FeedLookupError, follow, poll, unfollow
from index.sources.fetching import Fetcher, WebError
from index.sources.files import DocumentError
from index.storage.protocols import StoreError
from index.titles import ArticleLookupError

# Errors that reach the user as one line and a non-zero exit, never as a traceback.
USER_ERRORS = (
    ConfigError,
    StoreError,
    ArticleLookupError,
    EmbeddingError,
    DocumentError,
    QuestionError,
    ReaderError,
)


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file (default: $NEWSBOT_CONFIG, then ./config.toml).",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the index lives (overrides the config and $NEWSBOT_DATA_DIR).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what newsbot is doing to stderr.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, data_dir: Path | None, verbose: bool) -> None:
    """Answer questions about news articles with verbatim quotes and honest caveats."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="newsbot: %(message)s"
    )
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    with _user_errors():
        config = load_config(config_path)
    if data_dir is not None:
        config = _with_data_dir(config, data_dir)
    ctx.obj = config


def _with_data_dir(config: Config, data_dir: Path) -> Config:
    from dataclasses import replace

    return replace(config, data_dir=data_dir)


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except USER_ERRORS as error:
        raise click.ClickException(str(error)) from error


@contextmanager
def _library(config: Config, seed: bool = True) -> Iterator[Library]:
    """The index, with the seed corpus loaded first when it is empty."""
    with _user_errors():
        library, seeded = open_library(config, seed=seed, progress=_interactive())
    try:
        if seeded is not None:
            click.echo(
                f"The index was empty; indexed the seed articles in {config.seeds_dir}", err=True
            )
            _report(seeded, err=True)
        with _user_errors():
            yield library
    finally:
        library.close()


def _interactive() -> bool:
    return sys.stderr.isatty()


def _report(report: IngestReport, err: bool = False) -> None:
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


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

_allow_private_networks = click.option(
    "--allow-private-networks",
    is_flag=True,
    help="Fetch from loopback and private addresses too (overrides [web]).",
)


def _fetcher(config: Config, allow_private_networks: bool) -> Fetcher:
    """A fetcher with the [web] settings; the flag can only widen them."""
    settings = config.web
    if allow_private_networks:
        settings = replace(settings, allow_private_networks=True)
    return Fetcher(settings)


@contextmanager
def _web_errors() -> Iterator[None]:
    try:
        yield
    except (WebError, FeedLookupError) as error:
        raise click.ClickException(str(error)) from error


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@_allow_private_networks
@click.pass_obj
def ingest(config: Config, sources: tuple[str, ...], allow_private_networks: bool) -> None:
    """Index .txt, .md and .html files, folders and web page URLs; unchanged articles are skipped.

    The same article found twice (one canonical URL, or the same text) is indexed once.
    """
    urls = [s for s in sources if _URL.match(s)]
    paths = [Path(s) for s in sources if not _URL.match(s)]
    with _library(config, seed=False) as library, _user_errors():
        report = library.ingest_sources(
            paths, urls, _fetcher(config, allow_private_networks), progress=_interactive()
        )
    _report(report)
    if report.failed:
        sys.exit(1)


@cli.group()
def feeds() -> None:
    """Follow RSS and Atom feeds; `feeds poll` indexes their new articles."""


@feeds.command(name="add")
@click.argument("url")
@_allow_private_networks
@click.pass_obj
def feeds_add(config: Config, url: str, allow_private_networks: bool) -> None:
    """Follow the feed at URL (checked now; its entries are indexed by the next poll)."""
    with _library(config, seed=False) as library, _web_errors():
        followed = follow(library.feed_store, url, _fetcher(config, allow_private_networks))
    title = followed.feed.title or "untitled feed"
    verb = "following" if followed.new else "already following"
    click.echo(f"{verb}: {title} · {followed.feed.url} · {followed.entries} entries")


@feeds.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def feeds_list(config: Config, as_json: bool) -> None:
    """List the followed feeds and when each was last polled."""
    with _library(config, seed=False) as library:
        followed = library.feed_store.feeds()
    if as_json:
        click.echo(json.dumps([asdict(f) for f in followed], ensure_ascii=False))
        return
    if not followed:
        click.echo("No feeds are followed. Add one with `newsbot feeds add URL`.")
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
    with _library(config, seed=False) as library, _web_errors():
        removed = unfollow(library.feed_store, feed)
    click.echo(f"removed feed: {removed.title or removed.url}")


@feeds.command(name="poll")
@_allow_private_networks
@click.pass_obj
def feeds_poll(config: Config, allow_private_networks: bool) -> None:
    """Poll every followed feed once now and index its new articles."""
    with _library(config, seed=False) as library, _user_errors(), _web_errors():
        fetcher = _fetcher(config, allow_private_networks)
        report = poll(library, library.feed_store, fetcher, progress=_interactive())
    if not report.feeds:
        click.echo("No feeds are followed. Add one with `newsbot feeds add URL`.")
        return
    for url, status in report.feeds:
        click.echo(f"feed {url}: {status}")
    _report(report.ingest)
    if report.ingest.failed or any(s.startswith("failed") for _, s in report.feeds):
        sys.exit(1)


@cli.command(name="ask")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a question.")
@click.pass_obj
def ask_command(config: Config, words: tuple[str, ...], as_json: bool) -> None:
    """Ask a question (its words, quoted or not), or `-` to read one question a line from stdin."""
    questions = sys.stdin if words == ("-",) else [" ".join(words)]
    failed = False
    with _library(config) as library:
        for line in questions:
            if words == ("-",) and not line.strip():
                continue
            try:
                answer = ask(library, line, config.answer)
            except QuestionError as error:
                failed = True
                _echo_error(line, str(error), as_json)
                continue
            if as_json:
                click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
            else:
                click.echo(answer_text(answer, lambda s: click.style(s, bold=True)) + "\n")
    if failed:
        sys.exit(1)


def _echo_error(question: str, message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"question": question.strip()[:200], "error": message}))
    click.echo(f"Error: {message}", err=True)


@cli.command(name="summarize")
@click.argument("article", nargs=-1, required=True)
@click.option(
    "-n",
    "--sentences",
    type=click.IntRange(1, 20),
    default=None,
    help="How many sentences (default from config).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def summarize_command(
    config: Config, article: tuple[str, ...], sentences: int | None, as_json: bool
) -> None:
    """Summarise one article, named by id or part of its title, in its own words."""
    with _library(config) as library, _user_errors():
        found = library.article(" ".join(article))
        summary = summarize(
            library,
            found,
            sentences or config.summary_sentences,
            dict(config.answer.source_ratings),
        )
    click.echo(
        json.dumps(summary.to_dict(), ensure_ascii=False) if as_json else summary_text(summary)
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def sources(config: Config, as_json: bool) -> None:
    """List the indexed articles."""
    with _library(config) as library:
        articles = library.articles()
    if as_json:
        click.echo(json.dumps([a.__dict__ for a in articles], ensure_ascii=False))
    else:
        click.echo(sources_text(articles))


@cli.command()
@click.argument("article", nargs=-1, required=True)
@click.pass_obj
def remove(config: Config, article: tuple[str, ...]) -> None:
    """Remove an article, named by id or part of its title, and its passages."""
    with _library(config, seed=False) as library, _user_errors():
        found = library.article(" ".join(article))
        library.remove(found.id)
    click.echo(f"removed: {found.title}")


@cli.command()
@click.option("--embed", is_flag=True, help="Re-embed even when the model has not changed.")
@click.pass_obj
def reindex(config: Config, embed: bool) -> None:
    """Refresh stored hedge cues, and re-embed every passage when the model changed."""
    with _library(config, seed=False) as library, _user_errors():
        embedding = embed or library.needs_embedding()
        count = library.reindex(progress=_interactive(), embed=embedding)
    done = f"re-embedded with {config.embedding.model} and " if embedding else ""
    click.echo(f"reindexed {count} passages: {done}refreshed their hedge cues")


class _ChatFrontEnds(click.Group):
    """`newsbot serve` subcommands, imported only when chosen: each pulls in its chat library."""

    front_ends: ClassVar[dict[str, tuple[str, str]]] = {
        "discord": ("bot.discord_app.cli", "discord_command"),
        "slack": ("bot.slack_app.cli", "slack_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.front_ends)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.front_ends:
            return None
        module, attribute = self.front_ends[name]
        return getattr(importlib.import_module(module), attribute)


@cli.group(cls=_ChatFrontEnds)
def serve() -> None:
    """Run newsbot as a chat bot (Slack or Discord) until stopped."""


cli.add_command(hedges_command)


def main() -> None:
    cli(prog_name="newsbot")
