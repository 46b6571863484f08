"""HTTP mode: bolt's WSGI adapter served by waitress, behind limits a stranger cannot exhaust.

Anyone who can reach the port can send requests before any signature is checked, so what an
unsigned client may cost is bounded here. waitress reads each request on one event loop and
hands it to a worker thread only once it is complete, so a client that stalls holds a socket,
never a thread; it is dropped after `idle_timeout_seconds`. A `Content-Length` over
`max_request_bytes` is answered 413 before the body is read. At most `max_connections` are open
at once, and a newcomer past that closes the one silent longest. Then the signature is checked
before bolt parses the body, so bytes from a stranger never reach bolt's parser (which fails on
a non-numeric timestamp, a body that is not UTF-8 or JSON that is not an object).

bolt's own `App.start()` is a development server bound to 0.0.0.0; this one binds where it is
told (127.0.0.1 behind a reverse proxy by default) and stops on request.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

from bot.slack.settings import SlackSettings

if TYPE_CHECKING:
    from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

log = logging.getLogger(__name__)

# Worker threads only acknowledge (answers run in bolt's own pool), which takes milliseconds.
_THREADS = 8
# Acknowledgements still running when the server is stopped get this long to finish.
_STOP_SECONDS = 5.0
# How long the server's own thread has to close its connections once woken.
_WAKE_SECONDS = 5.0


class VerifiedRequestHandler(SlackRequestHandler):
    """bolt's WSGI adapter, refusing what is not a request signed by Slack before bolt reads it.

    bolt checks the signature again itself; that check comes after it has parsed the body.
    """

    def __init__(self, app: App, signing_secret: str, path: str):
        super().__init__(app, path)
        self._verifier = SignatureVerifier(signing_secret)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        environ = request.environ
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = request.get_headers()
        timestamp = str(headers.get("x-slack-request-timestamp", ""))
        signature = str(headers.get("x-slack-signature", ""))
        if not _is_integer(timestamp):
            return _refused(401, "the X-Slack-Request-Timestamp header is not a number")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refused(400, "the body is not UTF-8")
        if not self._verifier.is_valid(body, timestamp, signature):
            return _refused(401, "the signature does not match, or is over five minutes old")
        return self.app.dispatch(
            BoltRequest(body=body, query=request.query_string, headers=headers)
        )


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _refused(status: int, why: str) -> BoltResponse:
    log.debug("refused a request (%d): %s", status, why)
    return BoltResponse(status=status, body={"error": "invalid request"})


class _RoomMakingServer(TcpWSGIServer):
    """waitress's server, except that at its connection limit it makes room for a newcomer.

    waitress itself stops accepting at the limit until a connection times out, so a crowd of
    clients that stall would keep Slack out for `idle_timeout_seconds` at a time. Here the
    connection that has been silent longest, with no request being served, is closed instead.
    A request from Slack arrives whole within milliseconds, so it is never the one chosen.
    """

    def __init__(self, application: object, room: int, **kwargs: Any):
        self._room = room
        super().__init__(application, **kwargs)

    def handle_accept(self) -> None:
        super().handle_accept()
        open_ = [c for c in self.active_channels.values() if not c.will_close]
        waiting = sorted((c for c in open_ if not c.requests), key=lambda c: c.last_activity)
        for channel in waiting[: max(0, len(open_) - self._room)]:
            log.debug("%d connections open: closing the one silent longest", len(open_))
            channel.will_close = True  # closed by the loop at once: it is writable now


class HttpServer:
    """The app served at http://host:port/path on a background thread until `close()`."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        settings: SlackSettings,
        host: str | None = None,
        port: int | None = None,
    ):
        host = host or settings.host
        port = settings.port if port is None else port
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # Bound here rather than by waitress, which would listen on every address a name
        # resolves to; this keeps one socket on exactly the host asked for.
        listener = socket.create_server((host, port), family=family)
        # waitress warns of every request that waits for a free thread; in a burst from Slack,
        # acknowledgements wait a few milliseconds, which is not worth a warning each.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self._connections: dict = {}  # waitress's socket map, read and written by its loop
        adjustments = Adjustments(
            sockets=[listener],
            threads=_THREADS,
            max_request_body_size=settings.max_request_bytes,
            channel_timeout=settings.idle_timeout_seconds,
            cleanup_interval=1,  # how often idle connections are looked for
            # A backstop only: _RoomMakingServer keeps to max_connections itself. Past it are
            # connections chosen to close, the listening socket and the loop's wake-up pipe.
            connection_limit=settings.max_connections + 10,
            asyncore_use_poll=True,  # select() fails on descriptors past 1024
            ident="newsbot",
        )
        self._server = _RoomMakingServer(
            VerifiedRequestHandler(app, signing_secret, settings.path),
            settings.max_connections,
            map=self._connections,
            _sock=listener,
            adj=adjustments,
            bind_socket=False,
            sockinfo=(listener.family, listener.type, listener.proto, listener.getsockname()),
        )
        self.port: int = listener.getsockname()[1]  # the real one when `port` was 0
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}{settings.path}"
        self._thread = threading.Thread(
            target=self._server.run, name="newsbot-slack-http", daemon=True
        )

    def start(self) -> HttpServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop: acknowledgements in progress finish (a few seconds at most), then every
        connection and the listening socket close on the server's own thread."""
        self._server.task_dispatcher.shutdown(timeout=_STOP_SECONDS)
        if self._thread.is_alive() and self._woken_to_close():
            self._thread.join(timeout=_WAKE_SECONDS)
        if self._thread.is_alive() or self._connections:
            # The loop is gone, or was not woken: its wake-up pipe closes itself when the pipe
            # reports an error. Closed from here, the connections leave the loop's map, and
            # the loop ends when its poll returns (within a second).
            wasyncore.close_all(self._connections)
        if self._thread.is_alive():
            self._thread.join()

    def _woken_to_close(self) -> bool:
        """Ask the server's own thread to close every connection; False if it cannot be told."""
        trigger = self._server.trigger
        if not trigger.connected:  # closed: its pipe's descriptors may belong to others now
            log.warning("the Slack HTTP server's wake-up pipe is closed")
            return False
        try:
            trigger.pull_trigger(lambda: wasyncore.close_all(self._connections))
        except OSError as error:
            log.warning("the Slack HTTP server's wake-up pipe is closed (%s)", error)
            return False
        return True
