"""The `newsbot` command: index articles and ask about them from a terminal.

Each command is a thin translator over `NewsService` (opened by `session`); this group reads
the config once and turns every `NewsbotError` into one line on stderr and exit status 1.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from bot.cli.answers import ask_command, compare_command, sources, summarize_command
from bot.cli.articles import ingest, reindex, remove
from bot.cli.conversation import chat_command, feedback_command
from bot.cli.doctor import doctor
from bot.cli.feeds import feeds
from bot.cli.hedges import hedges_command
from bot.cli.history import history_command
from bot.cli.serve import serve
from bot.config import Config, load_config
from index.errors import NewsbotError


class NewsbotGroup(click.Group):
    """The root group, the one place the terminal catches newsbot's errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsbotError as error:
            raise click.ClickException(str(error)) from error
        except (OSError, sqlite3.Error) as error:
            if not disk_full(error):
                raise
            where = ctx.obj.data_dir if isinstance(ctx.obj, Config) else "the data folder"
            raise click.ClickException(
                f"no space left on the device holding {where}: that change was not made and "
                "nothing indexed before is lost; free some space and try again"
            ) from error


def disk_full(error: BaseException) -> bool:
    """Whether `error`, or one it was raised while handling, says the disk (or quota) is full.

    Every write to the index is one transaction, so a full disk loses nothing; SQLite reports
    it as SQLITE_FULL (and may roll back before newsbot does), files as ENOSPC or EDQUOT.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(seen, sqlite3.Error) and (
            getattr(seen, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@click.group(
    cls=NewsbotGroup,
    commands=[
        ingest,
        feeds,
        ask_command,
        chat_command,
        compare_command,
        summarize_command,
        history_command,
        sources,
        remove,
        reindex,
        serve,
        hedges_command,
        feedback_command,
        doctor,
    ],
)
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
    config = load_config(config_path)
    ctx.obj = config if data_dir is None else replace(config, data_dir=data_dir)


def main() -> None:
    cli(prog_name="newsbot")
