"""`newsbot ask`, `summarize` and `sources`: what the indexed articles say, in their words."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click

from bot.cli.session import opened
from bot.cli.text import Line, argument, stdin_lines
from bot.config import Config
from bot.core.answer import QuestionError
from bot.core.filters import filters
from bot.render_text import answer_text, sources_text, summary_text


def dated_and_sourced(command: Callable) -> Callable:
    """The options that keep an answer to some articles: --since, --until, --source."""
    for option in (
        click.option("--source", metavar="OUTLET", help="Only articles from this outlet."),
        click.option("--until", metavar="DATE", help="Only articles dated on or before this day."),
        click.option("--since", metavar="DATE", help="Only articles dated on or after this day."),
    ):
        command = option(command)
    return command


@click.command(name="ask")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a question.")
@dated_and_sourced
@click.pass_obj
def ask_command(
    config: Config,
    words: tuple[str, ...],
    as_json: bool,
    since: str | None,
    until: str | None,
    source: str | None,
) -> None:
    """Ask a question (its words, quoted or not), or `-` to read one question a line from stdin.

    An article's date is its last update, else its publication; with --since or --until,
    undated articles are left out.
    """
    limits = filters(since, until, source)
    from_stdin = words == ("-",)
    questions = (
        stdin_lines() if from_stdin else [Line(1, argument(" ".join(words), "the question"))]
    )
    failed = False
    with opened(config) as service:
        for line in questions:
            if from_stdin and not line.text.strip():
                continue
            try:
                if line.error is not None:  # refused like any question that cannot be asked
                    raise QuestionError(line.error)
                answer = service.ask(line.text, filters=limits)
            except QuestionError as error:
                # One bad line of many is reported and the rest still answered.
                failed = True
                _echo_error(line.text, str(error), as_json)
                continue
            if as_json:
                click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
            else:
                click.echo(answer_text(answer, lambda s: click.style(s, bold=True)) + "\n")
    if failed:
        sys.exit(1)


@click.command(name="compare")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@dated_and_sourced
@click.pass_obj
def compare_command(
    config: Config,
    words: tuple[str, ...],
    as_json: bool,
    since: str | None,
    until: str | None,
    source: str | None,
) -> None:
    """What each article says about a question: one quote an article, the newest first, with
    where they disagree on top."""
    limits = filters(since, until, source)
    question = argument(" ".join(words), "the question")
    with opened(config) as service:
        answer = service.compare(question, filters=limits)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        click.echo(answer_text(answer, lambda s: click.style(s, bold=True)))


def _echo_error(question: str, message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"question": question.strip()[:200], "error": message}))
    click.echo(f"Error: {message}", err=True)


@click.command(name="summarize")
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
    reference = argument(" ".join(article), "the article")
    with opened(config) as service:
        summary = service.summarize(reference, sentences)
    click.echo(
        json.dumps(summary.to_dict(), ensure_ascii=False) if as_json else summary_text(summary)
    )


@click.command()
@click.option(
    "--all", "every", is_flag=True, help="Also list what each server or workspace added in chat."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def sources(config: Config, every: bool, as_json: bool) -> None:
    """List the indexed articles (the shared corpus, or with --all every scope's)."""
    with opened(config) as service:
        articles = service.every_source() if every else service.sources()
    if as_json:
        click.echo(json.dumps([a.__dict__ for a in articles], ensure_ascii=False))
    else:
        click.echo(sources_text(articles))
