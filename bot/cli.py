"""The `newsbot` command: index articles and ask about them from a terminal."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from bot.answer import QuestionError, ask
from bot.config import Config, ConfigError, load_config
from bot.render_text import answer_text, sources_text, summary_text
from bot.service import open_library
from bot.summary import summarize
from index.documents import DocumentError
from index.embedding import EmbeddingError
from index.library import ArticleLookupError, IngestReport, Library, StoreError

# Errors that reach the user as one line and a non-zero exit, never as a traceback.
USER_ERRORS = (
    ConfigError,
    StoreError,
    ArticleLookupError,
    EmbeddingError,
    DocumentError,
    QuestionError,
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
            _report(seeded)
        with _user_errors():
            yield library
    finally:
        library.close()


def _interactive() -> bool:
    return sys.stderr.isatty()


def _report(report: IngestReport, err: bool = True) -> None:
    """What an ingest did; on stderr when it happens on the way to another command's output."""
    done = (("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged))
    for label, titles in done:
        for title in titles:
            click.echo(f"{label}: {title}", err=err)
    for _, error in report.failed:
        click.echo(f"failed: {error}", err=err)
    click.echo(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed; "
        f"{report.passages} passages indexed",
        err=err,
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def ingest(config: Config, paths: tuple[Path, ...]) -> None:
    """Index .txt, .md and .html files and folders; unchanged articles are skipped."""
    with _library(config, seed=False) as library, _user_errors():
        report = library.ingest_paths(paths, progress=_interactive())
    _report(report, err=False)
    if report.failed:
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
@click.pass_obj
def reindex(config: Config) -> None:
    """Re-embed every passage with the configured model and rebuild the indexes."""
    with _library(config, seed=False) as library, _user_errors():
        count = library.reindex(progress=_interactive())
    click.echo(f"reindexed {count} passages with {config.index.model}")


def main() -> None:
    cli(prog_name="newsbot")
