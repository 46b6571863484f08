"""Fetching pages and feeds without letting a URL turn newsbot against its own network.

Only http and https. Every address a host resolves to must be public (unless the settings allow
private networks), checked again at each redirect hop, which is followed here rather than by the
HTTP client; the connection then goes to an address that was checked, so a DNS answer that
changes between the check and the connect cannot slip a private address in. Each download is
bounded in bytes, and in seconds from the connection to the last byte of the body (including
every redirect), and requests to one host are spaced out.
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import HTTPError as ClientError
from urllib3.exceptions import NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as ClientTimeout

from index.errors import NewsbotError
from index.sources.addresses import Resolver, refusal, system_resolve
from index.sources.charsets import decode_text
from index.sources.deadlines import Watchdog, WatchedHTTPPool, WatchedHTTPSPool
from index.sources.robots import RobotsRules, RobotsUnavailable
from index.sources.urls import WEB_PORTS, host_lists

PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/xml",
    "text/xml",
)
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class WebSettings:
    """The `[web]` table of the config: what may be fetched, and how politely."""

    allow_private_networks: bool = False
    allowed_networks: tuple[str, ...] = ()
    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_delay_seconds: float = 1.0
    # Pages found through feeds are fetched only where the site's robots.txt allows, and no
    # faster than its Crawl-delay (up to max_crawl_delay_seconds).
    obey_robots_txt: bool = True
    max_crawl_delay_seconds: float = 30.0
    user_agent: str = "newsbot/0.1 (answers questions about news articles)"
    poll_interval_minutes: float = 30.0
    feed_entries_per_poll: int = 50
    min_article_words: int = 40
    page_types: tuple[str, ...] = PAGE_TYPES
    feed_types: tuple[str, ...] = FEED_TYPES
    # A fetched page may name a canonical URL on its own host only (exactly: www.example.com
    # and example.com are two hosts), or on the hosts listed here for the host it was fetched
    # from, e.g. {"amp.example.com": ["www.example.com"]}.
    canonical_hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # TOML gives lists; a frozen settings object keeps tuples.
        for name in ("allowed_networks", "page_types", "feed_types"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
            if not all(isinstance(v, str) for v in getattr(self, name)):
                raise ValueError(f"{name} must be a list of strings")
        for network in self.allowed_networks:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad entry
        object.__setattr__(self, "canonical_hosts", host_lists(self.canonical_hosts))


class WebError(NewsbotError):
    """A URL that could not be fetched; the message is one line naming the URL and why."""


class WebRefusal(WebError):
    """A URL newsbot does not fetch whatever the server would say: not http(s), with a password,
    no valid host, or a host (or redirect) at an address the settings refuse. Asking again gets
    the same answer, so a feed entry refused so is not retried."""


@dataclass(frozen=True)
class Fetched:
    """A response body that passed every check, or a 304 to a conditional request."""

    url: str
    body: bytes = b""
    media_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    def text(self) -> str:
        """The body decoded: by its charset if newsbot can trust it, else as `decode_text` finds."""
        return decode_text(self.body, self.charset)


@dataclass(frozen=True)
class _Want:
    types: tuple[str, ...]
    accept: str
    what: str  # "a web page", "an RSS or Atom feed"
    conditions: dict[str, str] = field(default_factory=dict)
    missing_ok: bool = False  # a 4xx is an empty answer, not an error (robots.txt)


def _idna_host(url: str) -> str:
    """The host as requests name it and host delays are kept; UnicodeError for a bad name."""
    return (urlsplit(url).hostname or "").encode("idna").decode("ascii")


class Fetcher:
    """Fetches one URL at a time per call; safe to share between threads."""

    def __init__(self, settings: WebSettings, resolve: Resolver = system_resolve):
        self.settings = settings
        self._resolve = resolve
        self._allowed = [
            ipaddress.ip_network(network, strict=False)
            for network in self.settings.allowed_networks
        ]
        self._turns: dict[str, float] = {}
        self._crawl_delays: dict[str, float] = {}
        self._lock = threading.Lock()
        self.robots = RobotsRules(self._robots_txt, self.settings.user_agent)

    def page(self, url: str) -> Fetched:
        accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
        return self._fetch(url, _Want(self.settings.page_types, accept, "a web page"))

    def feed(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """A feed, or `not_modified` when the validators of the last fetch still hold."""
        conditions = {}
        if etag:
            conditions["If-None-Match"] = etag
        if last_modified:
            conditions["If-Modified-Since"] = last_modified
        accept = "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.1"
        want = _Want(self.settings.feed_types, accept, "an RSS or Atom feed", conditions)
        return self._fetch(url, want)

    def check(self, url: str) -> None:
        """Refuse `url` as fetching it would before connecting, without sending anything:
        WebRefusal, or WebError when its host cannot be resolved."""
        self._check(url, url)

    def robots_allow(self, url: str) -> bool:
        """Whether the site's robots.txt lets newsbot fetch `url` unasked; its Crawl-delay, if
        any, then spaces out the requests to that host."""
        allowed = self.robots.allows(url)
        delay = min(self.robots.crawl_delay(url), self.settings.max_crawl_delay_seconds)
        if delay > 0:
            with suppress(UnicodeError):  # a bad host name is refused when it is fetched
                host = _idna_host(url)
                with self._lock:
                    self._crawl_delays[host] = delay
        return allowed

    def _robots_txt(self, url: str) -> str:
        want = _Want((), "text/plain", "a robots.txt file", missing_ok=True)
        try:
            fetched = self._fetch(url, want)
        except WebError as error:
            raise RobotsUnavailable(str(error)) from None
        return fetched.text()

    def _fetch(self, url: str, want: _Want) -> Fetched:
        current = url
        deadline = time.monotonic() + self.settings.timeout_seconds
        for _ in range(self.settings.max_redirects + 1):
            with ExitStack() as cleanup:
                watchdog = cleanup.enter_context(Watchdog())
                response, deadline = self._request(url, current, want, deadline, watchdog, cleanup)
                location = response.headers.get("Location")
                if response.status in _REDIRECTS and location:
                    current = self._redirect(url, current, location)
                    continue
                return self._accept(url, current, response, want, watchdog)
        raise WebError(f"{url}: more than {self.settings.max_redirects} redirects")

    def _redirect(self, url: str, current: str, location: str) -> str:
        target = urljoin(current, location.strip())
        if urlsplit(target).scheme.lower() not in WEB_PORTS:
            raise WebRefusal(f"{url}: redirected to {target}, which is not an http or https URL")
        return urlunsplit(urlsplit(target)._replace(fragment=""))

    def _request(
        self,
        url: str,
        current: str,
        want: _Want,
        deadline: float,
        watchdog: Watchdog,
        cleanup: ExitStack,
    ) -> tuple[urllib3.BaseHTTPResponse, float]:
        """One hop: check the URL and its addresses, wait for the host's turn, send the GET and
        read the headers, all before the deadline (moved on by the wait)."""
        hop = "" if current == url else f"redirected to {current}: "
        scheme, host, port, addresses = self._check(url, current)
        parts = urlsplit(current)
        deadline += self._wait_turn(host)
        watchdog.start(deadline)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers = {
            "Host": f"[{host}]" if ":" in host else host,
            "User-Agent": self.settings.user_agent,
            "Accept": want.accept,
            **want.conditions,
        }
        if port != WEB_PORTS[scheme]:
            headers["Host"] += f":{port}"
        error: Exception | None = None
        for address in addresses:  # every one was checked; use the first that answers
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            pool = self._pool(scheme, address, port, host, watchdog)
            cleanup.callback(pool.close)
            try:
                response = pool.urlopen(
                    "GET",
                    target,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                    timeout=urllib3.Timeout(connect=remaining, read=remaining),
                )
            except NewConnectionError as failure:
                error = failure
                continue
            except ClientError as failure:
                raise self._client_error(url, hop, failure, watchdog) from None
            cleanup.callback(response.release_conn)
            cleanup.callback(response.close)
            return response, deadline
        if error is None:
            raise WebError(f"{url}: {hop}timed out after {self.settings.timeout_seconds:g} s")
        raise WebError(f"{url}: {hop}cannot connect to {host} (connection refused or unreachable)")

    def _check(self, url: str, current: str) -> tuple[str, str, int, list[str]]:
        """The scheme, host, port and checked addresses of one hop, `current`, of `url`."""
        hop = "" if current == url else f"redirected to {current}: "
        parts = urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in WEB_PORTS:
            raise WebRefusal(f"{url}: only http and https URLs can be fetched")
        if parts.username is not None or parts.password is not None:
            raise WebRefusal(f"{url}: {hop}URLs with a user name or password are not fetched")
        try:
            host = _idna_host(current)
            port = parts.port or WEB_PORTS[scheme]
        except (UnicodeError, ValueError):
            raise WebRefusal(f"{url}: {hop}not a valid host and port") from None
        if not host:
            raise WebRefusal(f"{url}: {hop}no host name")
        return scheme, host, port, self._addresses(url, hop, host, port)

    def _addresses(self, url: str, hop: str, host: str, port: int) -> list[str]:
        try:
            addresses = self._resolve(host, port)
            parsed = [ipaddress.ip_address(text) for text in addresses]
        except (OSError, UnicodeError, ValueError):
            raise WebError(f"{url}: {hop}cannot resolve the host {host}") from None
        if not addresses:
            raise WebError(f"{url}: {hop}cannot resolve the host {host}")
        if self.settings.allow_private_networks:
            return addresses
        for address in parsed:  # one bad address refuses the host: DNS may hand out any of them
            reason = refusal(address)
            if reason and not any(address in network for network in self._allowed):
                raise WebRefusal(f"{url}: {hop}refused, {reason} (allow_private_networks is off)")
        return addresses

    def _pool(
        self, scheme: str, address: str, port: int, host: str, watchdog: Watchdog
    ) -> urllib3.HTTPConnectionPool:
        if scheme == "https":
            # Connect to the checked address, but verify the certificate against the host name.
            return WatchedHTTPSPool(
                address,
                port,
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
                watchdog=watchdog,
            )
        return WatchedHTTPPool(address, port, watchdog=watchdog)

    def _wait_turn(self, host: str) -> float:
        """Sleep until `host_delay_seconds` (or the site's Crawl-delay) after the last request
        to this host; the wait."""
        delay = max(self.settings.host_delay_seconds, self._crawl_delays.get(host, 0.0))
        if delay <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            turn = max(now, self._turns.get(host, now))
            self._turns[host] = turn + delay
        time.sleep(turn - now)
        return turn - now

    def _accept(
        self,
        url: str,
        current: str,
        response: urllib3.BaseHTTPResponse,
        want: _Want,
        watchdog: Watchdog,
    ) -> Fetched:
        validators = {
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
        }
        if response.status == 304 and want.conditions:
            return Fetched(current, not_modified=True, **validators)
        if want.missing_ok and 400 <= response.status < 500:
            return Fetched(current)
        if response.status not in (200, 203):
            raise WebError(f"{url}: HTTP {response.status} {response.reason or ''}".rstrip())
        media_type, charset = _content_type(response.headers.get("Content-Type", ""))
        if want.types and media_type not in want.types:
            shown = media_type or "none given"
            raise WebError(f"{url}: not {want.what} (Content-Type {shown})")
        body = self._read(url, response, watchdog)
        return Fetched(current, body, media_type, charset, **validators)

    def _read(self, url: str, response: urllib3.BaseHTTPResponse, watchdog: Watchdog) -> bytes:
        """The body, refused as soon as it passes `max_bytes` or the deadline."""
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise WebError(f"{url}: larger than the {limit:,}-byte limit ({int(declared):,} bytes)")
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := response.read1(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise WebError(f"{url}: larger than the {limit:,}-byte limit")
                chunks.append(chunk)
        except ClientError as failure:
            raise self._client_error(url, "", failure, watchdog) from None
        if watchdog.expired.is_set():  # the shut socket reads as the end of the body
            raise WebError(f"{url}: timed out after {self.settings.timeout_seconds:g} s")
        return b"".join(chunks)

    def _client_error(
        self, url: str, hop: str, failure: ClientError, watchdog: Watchdog
    ) -> WebError:
        # After the deadline the watchdog's shut socket shows as a dropped connection.
        if watchdog.expired.is_set() or isinstance(failure, ClientTimeout):
            return WebError(f"{url}: {hop}timed out after {self.settings.timeout_seconds:g} s")
        if isinstance(failure, SSLError):
            return WebError(f"{url}: {hop}TLS failed ({_first_line(failure)})")
        return WebError(f"{url}: {hop}the connection failed ({_first_line(failure)})")


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    found = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.IGNORECASE)
    return media_type.strip().lower(), found.group(1) if found else None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]
