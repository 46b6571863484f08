"""`newsbot serve slack`: secrets checked first, Socket Mode wiring, a real run and SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

import click
import pytest
from click.testing import CliRunner
from slack_sdk import WebClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.config import load_config
from bot.slack.app import build_app
from bot.slack.cli import read_secrets, slack_command, socket_mode_handler
from bot.slack.settings import SlackSettings
from tests.support.slack import SlackStandIn, command_body, send

ROOT = Path(__file__).resolve().parents[3]
BOT = "xoxb-1-2-abc"
APP = "xapp-1-A0NEWSBOT-3-def"


def test_secrets_each_mode_needs():
    assert (
        read_secrets({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}, http=False).app_token == APP
    )
    http = read_secrets({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "s3"}, http=True)
    assert http.signing_secret == "s3" and http.app_token is None
    for environ, http_mode, message in [
        ({}, False, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT}, False, "SLACK_APP_TOKEN is not set"),
        (
            {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": BOT},
            False,
            "app-level token, starting xapp-",
        ),
        ({"SLACK_BOT_TOKEN": APP, "SLACK_APP_TOKEN": APP}, False, "bot token, starting with xoxb-"),
        ({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}, True, "SLACK_SIGNING_SECRET is not set"),
    ]:
        with pytest.raises(click.ClickException, match=message):
            read_secrets(environ, http_mode)


def test_a_missing_secret_is_one_line_before_anything_loads(tmp_path):
    config = load_config(environ={"NEWSBOT_DATA_DIR": str(tmp_path)})
    env = {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": None, "SLACK_SIGNING_SECRET": None}
    result = CliRunner().invoke(slack_command, ["--http"], obj=config, env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: SLACK_SIGNING_SECRET is not set")
    assert "loading" not in result.output and not (tmp_path / "newsbot.sqlite3").exists()
    result = CliRunner().invoke(slack_command, ["--port", "8080"], obj=config, env=env)
    assert result.exit_code == 2 and "--host and --port only apply with --http" in result.output


def test_socket_mode_dispatches_to_the_same_app_without_connecting(news_service):
    stand_in = SlackStandIn()
    client = WebClient(token=BOT, base_url=stand_in.base_url)
    app = build_app(news_service, SlackSettings(base_url=stand_in.base_url), client, None)
    handler = socket_mode_handler(app, APP)
    try:
        assert handler.app is app and handler.client.app_token == APP
        assert handler.client.web_client is client  # apps.connections.open goes to base_url
        assert not handler.client.is_connected()
        assert stand_in.posts("/api/apps.connections.open") == []
        # A slash command as Socket Mode delivers it: the same fields, in an unsigned envelope.
        form = command_body("/ask", "how many Chinese troops?", stand_in.response_url("s1"))
        payload = {k: v[0] for k, v in parse_qs(form.decode()).items()}
        acks: list = []
        socket_client = SimpleNamespace(
            send_socket_mode_response=acks.append, logger=logging.getLogger()
        )
        request = SocketModeRequest(type="slash_commands", envelope_id="E1", payload=payload)
        handler.handle(socket_client, request)
        assert [a.envelope_id for a in acks] == ["E1"]  # acked before the answer
        (post,) = stand_in.wait_for("/response/s1")
        assert "150,000" in post.body["text"]
    finally:
        handler.close()
        stand_in.close()


def test_waiting_ends_on_sigint_and_puts_the_old_handler_back():
    # In a process of its own: a signal sent to the test run would reach all its threads.
    wait = """if True:
        import signal, sys, threading, time
        from bot.slack.cli import wait_for_stop_signal
        before = signal.getsignal(signal.SIGINT)
        def tell_when_waiting():
            while signal.getsignal(signal.SIGINT) is before:
                time.sleep(0.01)
            print("waiting", flush=True)
        threading.Thread(target=tell_when_waiting, daemon=True).start()
        wait_for_stop_signal()
        sys.exit(0 if signal.getsignal(signal.SIGINT) is before else 3)
    """
    process = subprocess.Popen(
        [sys.executable, "-c", wait], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline() == "waiting\n"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 2
    finally:
        if process.poll() is None:
            process.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_http_answers_then_stops_cleanly_on_sigterm(tmp_path):
    stand_in = SlackStandIn()
    config = tmp_path / "newsbot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\n[slack]\nbase_url = "{stand_in.base_url}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env |= {"NEWSBOT_CONFIG": str(config), "SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "s3"}
    port = _free_port()
    run = (
        "import sys; from bot.config import load_config;"
        "from bot.slack.cli import slack_command;"
        "slack_command.main(sys.argv[1:], obj=load_config(), prog_name='newsbot serve slack')"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", run, "--http", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(90, process.kill)  # a hung server fails the test, not the run
    watchdog.start()
    try:
        lines = []
        while not any("taking Slack requests at" in line for line in lines):
            line = process.stderr.readline()
            assert line, f"serve exited early: {''.join(lines)}"
            lines.append(line)
        assert f"http://127.0.0.1:{port}/slack/events" in lines[-1]
        assert stand_in.posts("/api/auth.test")[0].token == BOT  # the token was checked
        body = command_body("/ask", "how many Chinese troops?", stand_in.response_url("cli"))
        status, _, _ = send(f"http://127.0.0.1:{port}/slack/events", body, "s3")
        assert status == 200
        assert "150,000" in stand_in.wait_for("/response/cli", timeout=20)[0].body["text"]
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=20)
        assert process.returncode == 0, rest
        assert "newsbot: stopped" in rest
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        stand_in.close()
