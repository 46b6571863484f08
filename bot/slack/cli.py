"""`newsbot serve slack`: Socket Mode by default, HTTP (behind a proxy) with `--http`.

The only place that reads Slack's secrets from the environment. The model and index load once,
before the first request is accepted; SIGINT or SIGTERM stops taking requests, lets answers
in progress finish and closes the index.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from bot.config import Config
from bot.slack.settings import SlackSettings, load_settings
from index.errors import NewsbotError

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.service import NewsService


@dataclass(frozen=True)
class Secrets:
    bot_token: str
    app_token: str | None = None  # Socket Mode
    signing_secret: str | None = None  # HTTP mode


def read_secrets(environ: Mapping[str, str], http: bool) -> Secrets:
    """The tokens this mode needs, or a one-line error naming the missing one."""
    bot_token = _secret(environ, "SLACK_BOT_TOKEN", "the Bot User OAuth Token (xoxb-…)")
    if not bot_token.startswith("xoxb-"):
        raise click.ClickException("SLACK_BOT_TOKEN must be the bot token, starting with xoxb-")
    if http:
        what = "Basic Information > Signing Secret, needed with --http"
        return Secrets(bot_token, signing_secret=_secret(environ, "SLACK_SIGNING_SECRET", what))
    what = "an app-level token with connections:write (xapp-…), needed for Socket Mode"
    app_token = _secret(environ, "SLACK_APP_TOKEN", what)
    if not app_token.startswith("xapp-"):
        raise click.ClickException("SLACK_APP_TOKEN must be an app-level token, starting xapp-")
    return Secrets(bot_token, app_token=app_token)


def _secret(environ: Mapping[str, str], name: str, what: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise click.ClickException(f"{name} is not set: export it ({what}); see docs/slack.md")
    return value


@click.command("slack")
@click.option(
    "--http",
    "http_mode",
    is_flag=True,
    help="Take Slack's requests over HTTP (needs SLACK_SIGNING_SECRET) instead of Socket Mode.",
)
@click.option(
    "--host", default=None, help="With --http: address to listen on ([slack] host, 127.0.0.1)."
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="With --http: port to listen on ([slack] port, 3000).",
)
@click.pass_obj
def slack_command(config: Config, http_mode: bool, host: str | None, port: int | None) -> None:
    """Answer /ask, /summarize, /sources, /ingest and @newsbot in Slack, and post followed
    feeds, alerts and digests in its channels, until stopped."""
    if not http_mode and (host is not None or port is not None):
        raise click.UsageError("--host and --port only apply with --http")
    try:
        settings = load_settings(config)
        secrets = read_secrets(os.environ, http_mode)
        service = _open_service(config)
    except NewsbotError as error:
        raise click.ClickException(str(error)) from error
    executor = ThreadPoolExecutor(8, thread_name_prefix="newsbot-slack")
    try:
        app = _app(service, settings, secrets, executor)
        _start_channel_posts(service, app)
        if http_mode:
            _serve_http(app, secrets.signing_secret or "", settings, host, port)
        else:
            _serve_socket_mode(app, secrets.app_token or "")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        service.close()
    click.echo("newsbot: stopped", err=True)


def _open_service(config: Config) -> NewsService:
    """The index and the model, loaded now so the first question is not the slow one."""
    # Imported here: the model stack (torch) is heavy, and `--help` should not wait for it.
    from bot.service import NewsService, open_library

    click.echo("newsbot: loading the index and the model…", err=True)
    library, seeded = open_library(config, progress=sys.stderr.isatty())
    if seeded is not None:
        click.echo(f"newsbot: indexed the seed articles in {config.seeds_dir}", err=True)
    service = NewsService(config, library)
    service.warm_up()
    service.start_feed_polling()
    return service


def _app(
    service: NewsService, settings: SlackSettings, secrets: Secrets, executor: ThreadPoolExecutor
) -> App:
    from slack_bolt.error import BoltError
    from slack_sdk import WebClient

    from bot.slack.app import build_app

    client = WebClient(token=secrets.bot_token, base_url=settings.base_url)
    try:  # build_app checks the token with auth.test
        return build_app(service, settings, client, secrets.signing_secret, executor=executor)
    except BoltError as error:
        raise click.ClickException(f"Slack did not accept SLACK_BOT_TOKEN: {error}") from error
    except OSError as error:
        raise click.ClickException(f"cannot reach Slack at {settings.base_url}: {error}") from error


def _start_channel_posts(service: NewsService, app: App) -> None:
    from bot.slack.channel_posts import SlackPoster

    service.start_channel_posts(SlackPoster(app.client))


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """Socket Mode over the same App (and so the same listeners) as HTTP mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app, app_token)


def _serve_socket_mode(app: App, app_token: str) -> None:
    from slack_sdk.errors import SlackApiError

    handler = socket_mode_handler(app, app_token)
    try:
        handler.connect()
    except (SlackApiError, OSError) as error:
        handler.close()
        raise click.ClickException(f"cannot open a Socket Mode connection: {error}") from error
    click.echo("newsbot: connected to Slack over Socket Mode; Ctrl+C stops it", err=True)
    try:
        wait_for_stop_signal()
    finally:
        handler.close()


def _serve_http(
    app: App, signing_secret: str, settings: SlackSettings, host: str | None, port: int | None
) -> None:
    from bot.slack.server import HttpServer

    try:
        server = HttpServer(app, signing_secret, settings, host, port).start()
    except OSError as error:
        where = f"{host or settings.host}:{port or settings.port}"
        raise click.ClickException(f"cannot listen on {where}: {error}") from error
    click.echo(f"newsbot: taking Slack requests at {server.url}; Ctrl+C stops it", err=True)
    try:
        wait_for_stop_signal()
    finally:
        server.close()


def wait_for_stop_signal() -> None:
    """Block until SIGINT or SIGTERM; the previous handlers are put back afterwards."""
    stop = threading.Event()
    wanted = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in wanted}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
