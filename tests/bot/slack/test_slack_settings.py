"""The [slack] table: defaults, every key checked, clear errors for typos and wrong types."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config
from bot.slack.settings import SlackSettings, load_settings, parse_settings


def test_defaults_without_a_table():
    assert parse_settings({}) == SlackSettings()
    settings = SlackSettings()
    assert settings.visibility == "channel" and settings.base_url == "https://slack.com/api/"
    assert (settings.host, settings.port, settings.path) == ("127.0.0.1", 3000, "/slack/events")
    limits = (settings.max_request_bytes, settings.idle_timeout_seconds, settings.max_connections)
    assert limits == (1_048_576, 30, 100)


def test_every_key_from_a_config_file(tmp_path):
    path = tmp_path / "newsbot.toml"
    path.write_text(
        "[slack]\n"
        'visibility = "ephemeral"\n'
        'admins = ["T012AB3CD:U012AB3CD", "T0OTHER:W0ENTERPRISE"]\n'
        "rate_limit = 3\n"
        "rate_window_seconds = 30\n"
        'base_url = "https://slack-gov.com/api"\n'
        'host = "0.0.0.0"\n'
        "port = 8080\n"
        'path = "/newsbot/events"\n'
        "max_request_bytes = 262144\n"
        "idle_timeout_seconds = 10\n"
        "max_connections = 500\n",
        encoding="utf-8",
    )
    settings = load_settings(load_config(path, environ={}))
    assert settings == SlackSettings(
        visibility="ephemeral",
        admins=("T012AB3CD:U012AB3CD", "T0OTHER:W0ENTERPRISE"),
        rate_limit=3,
        rate_window_seconds=30.0,
        base_url="https://slack-gov.com/api/",  # the slash slack_sdk needs is added
        host="0.0.0.0",
        port=8080,
        path="/newsbot/events",
        max_request_bytes=262144,
        idle_timeout_seconds=10,
        max_connections=500,
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"visiblity": "channel"}, "unknown key(s) in [slack]: visiblity"),
        ({"visibility": "everyone"}, 'visibility must be "channel" or "ephemeral"'),
        ({"visibility": True}, "visibility must be of type str, not bool"),
        ({"admins": "U012AB3CD"}, "admins must be of type list, not str"),
        ({"admins": ["@alice"]}, "admins must be a workspace's team id and a member id"),
        ({"admins": [12345]}, "admins must be a workspace's team id and a member id"),
        ({"admins": ["U012AB3CD"]}, "like 'T012AB3CD:U012AB3CD'"),
        ({"rate_limit": True}, "rate_limit must be of type int, not bool"),
        ({"rate_limit": 2.5}, "rate_limit must be of type int, not float"),
        ({"rate_limit": -1}, "rate_limit must be 0 (off) or more"),
        ({"rate_window_seconds": 0}, "rate_window_seconds must be more than 0"),
        ({"rate_window_seconds": "60"}, "rate_window_seconds must be of type int or float"),
        ({"base_url": "slack.com/api/"}, "base_url must be an http(s) URL"),
        ({"port": 70000}, "port must be between 1 and 65535"),
        ({"port": "3000"}, "port must be of type int, not str"),
        ({"host": " "}, "host must name an address"),
        ({"path": "slack/events"}, "path must start with '/'"),
        ({"max_request_bytes": 1000}, "max_request_bytes must be at least 65536"),
        ({"idle_timeout_seconds": 0}, "idle_timeout_seconds must be 1 or more"),
        ({"idle_timeout_seconds": 2.5}, "idle_timeout_seconds must be of type int, not float"),
        ({"max_connections": 0}, "max_connections must be 1 or more"),
        ({"channels": ["#newsroom"]}, "channels must be channel ids like 'C012AB3CD'"),
        ({"unanswered": "hidden"}, 'unanswered must be "thread" or "ephemeral"'),
    ],
)
def test_mistakes_are_config_errors_naming_the_key(raw, message):
    with pytest.raises(ConfigError, match=None) as error:
        parse_settings(raw)
    assert message in str(error.value)
    assert "[slack]" in str(error.value)


def test_a_slack_value_that_is_not_a_table(tmp_path):
    path = tmp_path / "newsbot.toml"
    path.write_text('slack = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[slack\] must be a table"):
        load_settings(load_config(path, environ={}))
