"""`newsbot serve discord`: the token at the edge, config errors in one line, clean shutdown."""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner

from bot.config import load_config
from bot.discord.cli import discord_command
from tests.support.discord import DiscordStandIn
from tests.support.discord_payloads import GUILD_ID


@pytest.fixture
def config(tmp_path):
    return replace(load_config(environ={}), data_dir=tmp_path / "data")


def test_a_missing_token_is_one_clear_line(config):
    result = CliRunner().invoke(discord_command, [], obj=config, env={"DISCORD_TOKEN": " "})
    assert result.exit_code == 1
    assert result.output.startswith("Error: DISCORD_TOKEN is not set: copy the bot token")
    assert len(result.output.strip().splitlines()) == 1
    assert not (config.data_dir).exists(), "nothing is loaded before the token is known"


@pytest.mark.parametrize(
    ("table", "args", "message"),
    [
        (
            {"colour": "blue"},
            [],
            "unknown key(s) in [discord]: colour (known: sync, guild_id, admins, rate_limit, "
            "rate_window_seconds, ephemeral, sharded, shard_count, shard_ids, mentions, channels)",
        ),
        ({"rate_limit": "5"}, [], "[discord] rate_limit must be of type int, not str"),
        ({}, ["--sync", "guild"], '[discord] sync = "guild" needs guild_id (or --guild ID)'),
    ],
)
def test_config_mistakes_are_reported_before_connecting(config, table, args, message):
    config = replace(config, platforms={"discord": table})
    result = CliRunner().invoke(discord_command, args, obj=config, env={"DISCORD_TOKEN": "t"})
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_until_a_signal_then_disconnects_cleanly(
    standin: DiscordStandIn, news_service, signum
):
    config = replace(news_service.config, platforms={"discord": {"sync": "none"}})
    problems: list[str] = []

    def use_then_stop() -> None:
        try:
            if not standin.identified.wait(60):
                problems.append("the bot never identified")
                return
            sent = standin.slash("ask", {"question": "how many Chinese troops?"})
            if "150,000" not in str(standin.followup(sent).body):
                problems.append("the running bot did not answer")
        except AssertionError as error:
            problems.append(str(error))
        finally:
            # asyncio installs its handler on the main thread; without one, SIGTERM would kill
            # pytest, so only send it once the bot's handler is there.
            if signal.getsignal(signum) not in (signal.SIG_DFL, signal.default_int_handler):
                os.kill(os.getpid(), signum)
            else:
                problems.append("no signal handler was installed")

    helper = threading.Thread(target=use_then_stop)
    helper.start()
    result = CliRunner().invoke(
        discord_command, ["--guild", str(GUILD_ID)], obj=config, env={"DISCORD_TOKEN": "t"}
    )
    helper.join(10)
    assert problems == []
    assert result.exit_code == 0, result.output
    assert "connecting to Discord (command sync: none)" in result.output
    assert result.output.endswith("newsbot: disconnected from Discord\n")
    assert not [r for r in standin.requests if r.method == "PUT"], "--sync none syncs nothing"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is removed again"
