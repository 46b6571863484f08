"""HTTP mode: bolt's WSGI adapter under the standard library's threaded server.

bolt's own `App.start()` is a development server bound to 0.0.0.0; this one binds where it is
told (127.0.0.1 behind a reverse proxy by default) and stops on request.
"""

from __future__ import annotations

import logging
import socket
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # One thread a request, so a slow client cannot hold up another request's ack.
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections in a burst, and the client's
    # retry a second later eats a third of Slack's 3 s.
    request_queue_size = 128


class _ThreadingWSGIServer6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _LoggingHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class HttpServer:
    """The app served at http://host:port/path on a background thread until `close()`."""

    def __init__(self, app: App, host: str, port: int, path: str = "/slack/events"):
        server_class = _ThreadingWSGIServer6 if ":" in host else _ThreadingWSGIServer
        self._server = make_server(
            host,
            port,
            SlackRequestHandler(app, path),
            server_class=server_class,
            handler_class=_LoggingHandler,
        )
        self.port: int = self._server.server_port  # the real one when `port` was 0
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}{path}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="newsbot-slack-http",
            daemon=True,
        )

    def start(self) -> HttpServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting requests; requests in progress finish on their own threads."""
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
