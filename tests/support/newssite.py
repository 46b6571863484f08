"""A news site on loopback, for tests and benchmarks: pages, feeds, redirects and misbehaviour.

It honours If-None-Match and If-Modified-Since, records every request it receives, and can be
told to answer slowly, trickle its headers or its body, or leave out Content-Length. It can
serve https with a self-signed certificate for 127.0.0.1 (`CERTIFICATE`, which a client trusts
when `SSL_CERT_FILE` names it). Standard library only.
"""

from __future__ import annotations

import html
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CERTIFICATE = Path(__file__).with_name("newssite.crt")
_KEY = Path(__file__).with_name("newssite.key")


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before the status line
    header_interval: float = 0.0  # the status line and headers a byte at a time, this far apart
    pieces: int = 1  # the body is sent in this many writes...
    interval: float = 0.0  # ...this many seconds apart
    send_length: bool = True


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float


class NewsSite:
    """`with NewsSite() as site:` serves on 127.0.0.1 on a free port until the block ends."""

    def __init__(self, host: str = "127.0.0.1", tls: bool = False):
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._scheme = "https" if tls else "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(CERTIFICATE, _KEY)
            # The handshake happens in the request's thread, not in the one accepting.
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve(self, path: str, body: str | bytes, **route: object) -> str:
        """Serve `body` at `path`; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **route)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.serve(path, b"", status=status, headers={"Location": location})

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append(Request(handler.path, dict(handler.headers), time.monotonic()))
        route = self.routes.get(handler.path)
        if route is None:
            route = Route(b"<html><body><p>Page not found.</p></body></html>", status=404)
        time.sleep(route.delay)
        if _not_modified(route, handler):
            handler.send_response(304)
            handler.end_headers()
            return
        headers = [("Content-Type", route.content_type), *route.headers.items()]
        if route.etag:
            headers.append(("ETag", route.etag))
        if route.last_modified:
            headers.append(("Last-Modified", route.last_modified))
        if route.send_length:
            headers.append(("Content-Length", str(len(route.body))))
        if route.header_interval:
            _trickle_headers(handler, route, headers)
        else:
            handler.send_response(route.status)
            for name, value in headers:
                handler.send_header(name, value)
            handler.end_headers()
        size = -(-len(route.body) // max(route.pieces, 1))
        try:
            for start in range(0, len(route.body), max(size, 1)):
                handler.wfile.write(route.body[start : start + size])
                handler.wfile.flush()
                if route.interval:
                    time.sleep(route.interval)
        except (ConnectionError, ssl.SSLError):
            pass  # the client gave up, as it should on an oversized or slow body


def _trickle_headers(
    handler: BaseHTTPRequestHandler, route: Route, headers: list[tuple[str, str]]
) -> None:
    reason = handler.responses.get(route.status, ("",))[0]
    status = f"{handler.protocol_version} {route.status} {reason}"
    lines = [status, *(f"{n}: {v}" for n, v in headers), "", ""]
    raw = "\r\n".join(lines).encode("latin-1")
    try:
        for byte in range(len(raw)):
            handler.wfile.write(raw[byte : byte + 1])
            time.sleep(route.header_interval)
    except (ConnectionError, ssl.SSLError):  # over TLS, a closed connection is an SSLError
        pass  # the client gave up, as it should at its deadline


def _not_modified(route: Route, handler: BaseHTTPRequestHandler) -> bool:
    if route.etag and handler.headers.get("If-None-Match") == route.etag:
        return True
    since = handler.headers.get("If-Modified-Since")
    return bool(route.last_modified and since and since == route.last_modified)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    outlet: str | None = None,
    author: str | None = None,
    published: str | None = None,
    updated: str | None = None,
    canonical: str | None = None,
) -> str:
    """A news page as outlets write them: meta tags, navigation, the article, a footer."""
    e = html.escape
    head = [f"<title>{e(title)}{f' | {e(outlet)}' if outlet else ''}</title>"]
    head.append(f'<meta property="og:title" content="{e(title)}">')
    if outlet:
        head.append(f'<meta property="og:site_name" content="{e(outlet)}">')
    if author:
        head.append(f'<meta name="author" content="{e(author)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{e(published)}">')
    if updated:
        head.append(f'<meta property="article:modified_time" content="{e(updated)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{e(canonical)}">')
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        + "".join(head)
        + "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a> "
        + "<a href='/sport'>Sport</a></nav><main><article>"
        + f"<h1>{e(title)}</h1>{body}</article></main>"
        + "<footer><p>© 2024 All rights reserved.</p></footer></body></html>"
    )


def rss(title: str, link: str, items: list[tuple[str, str]], published: str | None = None) -> str:
    """An RSS 2.0 feed of (title, link) items, each with `published` as its pubDate."""
    e = html.escape
    date = f"<pubDate>{e(published)}</pubDate>" if published else ""
    entries = "".join(
        f"<item><title>{e(t)}</title><link>{e(u)}</link><guid>{e(u)}</guid>{date}</item>"
        for t, u in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{e(title)}</title><link>{e(link)}</link><description>News</description>"
        f"{entries}</channel></rss>"
    )


def atom(title: str, link: str, items: list[tuple[str, str]]) -> str:
    """An Atom 1.0 feed of (title, link) entries."""
    e = html.escape
    entries = "".join(
        f"<entry><title>{e(t)}</title><link href='{e(u)}'/><id>{e(u)}</id>"
        "<updated>2024-05-03T08:00:00Z</updated></entry>"
        for t, u in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{e(title)}</title><link href='{e(link)}'/><id>{e(link)}</id>"
        f"<updated>2024-05-03T08:00:00Z</updated>{entries}</feed>"
    )
