"""The `[discord]` table: every key checked once, with the CLI's overrides on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.discord.settings import DiscordSettings, load_settings, parse_settings


def test_defaults_when_the_table_is_missing():
    assert parse_settings({}) == DiscordSettings(
        sync="global",
        guild_id=None,
        admins=(),
        rate_limit=5,
        rate_window_seconds=60.0,
        ephemeral=False,
        sharded=False,
        mentions=True,
    )


def test_a_full_table_from_a_config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[discord]\n"
        'sync = "guild"\n'
        "guild_id = 1200000000000000003\n"
        "admins = [1200000000000000005, 42]\n"
        "rate_limit = 0\n"
        "rate_window_seconds = 30\n"
        "ephemeral = true\n"
        "sharded = true\n"
        "mentions = false\n"
    )
    settings = load_settings(load_config(path, environ={}))
    assert settings == DiscordSettings(
        sync="guild",
        guild_id=1200000000000000003,
        admins=(1200000000000000005, 42),
        rate_limit=0,
        rate_window_seconds=30.0,
        ephemeral=True,
        sharded=True,
        mentions=False,
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"token": "x"}, "unknown key(s) in [discord]: token"),
        ({"rate_limit": "5"}, "[discord] rate_limit must be of type int"),
        ({"rate_limit": True}, "[discord] rate_limit must be of type int"),
        ({"ephemeral": 1}, "[discord] ephemeral must be of type bool"),
        (
            {"rate_window_seconds": "1m"},
            "[discord] rate_window_seconds must be of type int or float",
        ),
        ({"admins": ["1200000000000000005"]}, "[discord] admins must be a list of Discord user"),
        ({"admins": 5}, "[discord] admins must be of type list"),
        ({"channels": ["#news"]}, "[discord] channels must be a list of Discord channel ids"),
        ({"sync": "everywhere"}, "[discord] sync must be one of guild, global, none"),
        ({"sync": "guild"}, '[discord] sync = "guild" needs guild_id'),
        ({"guild_id": 0}, "[discord] guild_id must be a Discord server id"),
        ({"rate_limit": -1}, "[discord] rate_limit must be 0 (off) or more"),
        ({"rate_window_seconds": 0}, "[discord] rate_window_seconds must be more than 0"),
    ],
)
def test_mistakes_are_config_errors(table, message):
    with pytest.raises(ConfigError) as error:
        parse_settings(table)
    assert str(error.value).startswith(message)


def test_cli_flags_override_the_file_and_are_checked_too():
    settings = parse_settings({"sync": "global"})
    assert settings.with_overrides("guild", 7) == DiscordSettings(sync="guild", guild_id=7)
    assert settings.with_overrides(None, None) == settings
    with pytest.raises(ConfigError):
        settings.with_overrides("guild", None)


def test_the_example_config_has_a_valid_discord_table():
    example = Path(__file__).resolve().parents[3] / "config.example.toml"
    load_settings(load_config(example, environ={}))
