"""The app manifest an admin pastes into Slack matches what the running app handles."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support.slack import command_body

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yml"


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_asks_for_socket_mode_the_events_and_the_scopes_it_needs():
    data = manifest()
    assert data["settings"]["socket_mode_enabled"] is True
    events = data["settings"]["event_subscriptions"]["bot_events"]
    assert events == ["app_mention", "message.channels", "message.groups"]
    assert data["settings"]["interactivity"]["is_enabled"] is True  # the feedback buttons
    assert set(data["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "chat:write",
        "commands",
    }
    assert data["features"]["bot_user"]["display_name"] == "newsbot"
    # Personal alerts are posted to the person's Messages tab, so it must be shown.
    assert data["features"]["app_home"]["messages_tab_enabled"] is True


def test_every_command_in_the_manifest_is_handled_and_no_other(slack):
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert commands == [
        "/ask",
        "/summarize",
        "/sources",
        "/ingest",
        "/follow",
        "/unfollow",
        "/following",
        "/alert",
        "/alerts",
        "/digest",
    ]
    for command in commands:
        status, _, _ = slack.send(command_body(command, "", slack.stand_in.response_url("m")))
        assert status == 200, command
    status, _, _ = slack.send(command_body("/weather", "", slack.stand_in.response_url("m")))
    assert status == 404


def test_the_request_url_check_slack_makes_in_http_mode_is_answered(slack):
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": "c4a1l"}).encode()
    status, reply, _ = slack.send(body)
    assert status == 200 and json.loads(reply)["challenge"] == "c4a1l"
