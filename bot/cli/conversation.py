"""`newsbot chat`, a conversation at the terminal, and `newsbot feedback`, what chats rated."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from bot.chat_state import FILENAME, ChatState
from bot.cli.session import opened
from bot.cli.text import stdin_lines
from bot.config import Config
from bot.conversations import Exchange, converse
from bot.core.answer import QuestionError
from bot.core.followups import Turn
from bot.feedback import LABELS, Feedback, FeedbackStore, counts, export, exported
from bot.render_text import answer_text
from index.errors import UserError

PROMPT = "? "
WELCOME = (
    "Ask about the indexed articles, one question a line; follow-ups such as “and Russia?” "
    "or “who says so?” are read with the last answer. Ctrl+D ends."
)


@click.command(name="chat")
@click.option("--json", "as_json", is_flag=True, help="One JSON object an answer.")
@click.pass_obj
def chat_command(config: Config, as_json: bool) -> None:
    """A conversation: each line of stdin is a question, read with the answers before it."""
    person = sys.stdin.isatty()
    previous: Turn | None = None
    lines = stdin_lines()
    with opened(config) as service:
        if person:
            click.echo(WELCOME, err=True)
        while True:
            if person:
                click.echo(PROMPT, nl=False, err=True)
            line = next(lines, None)
            if line is None:
                break
            if not line.text.strip():
                continue
            try:
                if line.error is not None:
                    raise QuestionError(line.error)
                exchange = converse(service, line.text, previous)
            except QuestionError as error:
                click.echo(f"Error: {error}", err=True)
                continue
            previous = exchange.turn
            click.echo(_shown(exchange, as_json))


def _shown(exchange: Exchange, as_json: bool) -> str:
    if as_json:
        record = {**exchange.answer.to_dict(), "read_as": exchange.read_as}
        return json.dumps(record, ensure_ascii=False)
    first, _, rest = answer_text(exchange.answer, lambda s: click.style(s, bold=True)).partition(
        "\n"
    )
    read_as = f"\nRead as: {exchange.read_as}" if exchange.read_as else ""
    return f"{first}{read_as}\n{rest}\n"


@click.command(name="feedback")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a rating.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="Only ratings from this day on (YYYY-MM-DD).",
)
@click.option(
    "--export",
    "export_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the rated questions to FILE as a question set (seed_questions.toml's shape).",
)
@click.pass_obj
def feedback_command(
    config: Config, as_json: bool, since: datetime | None, export_to: Path | None
) -> None:
    """List what people rated with the buttons under chat answers, with counts per kind."""
    rated: list[Feedback] = []
    if (config.data_dir / FILENAME).is_file():  # no chat has run here: nothing was rated
        store = FeedbackStore(ChatState(config.data_dir), config.now)
        rated = store.listed(since.date() if since else None)
    if export_to is not None:
        try:
            export_to.write_text(export(rated), encoding="utf-8")
        except OSError as error:  # a full disk too: nothing else was changed
            raise UserError(f"cannot write {export_to}: {error.strerror or error}") from error
        questions = len(exported(rated))
        click.echo(f"wrote {questions} questions to {export_to}", err=True)
        return
    for feedback in rated:
        click.echo(
            json.dumps(feedback.to_dict(), ensure_ascii=False) if as_json else _row(feedback)
        )
    click.echo(_counts(rated), err=as_json)


def _row(feedback: Feedback) -> str:
    ids = ", ".join(str(i) for i in feedback.article_ids) or "none"
    return (
        f"{feedback.at[:16].replace('T', ' ')}  {feedback.platform:<7}  {LABELS[feedback.kind]}\n"
        f"    Q: {feedback.question}\n    articles: {ids} · probability {feedback.probability:.0%}"
    )


def _counts(rated: list[Feedback]) -> str:
    each = " · ".join(f"{LABELS[kind]}: {n}" for kind, n in counts(rated).items())
    return f"{len(rated)} ratings ({each})"
