"""What each site's robots.txt lets newsbot fetch when it follows feeds on its own.

Read the way RFC 9309 asks: a site whose robots.txt is missing (any 4xx) has no rules; one that
cannot be reached (5xx, a timeout, a refused connection) is treated as disallowing everything
until it can be read. Rules are kept for a day; a failure is retried after a quarter of an hour.
Protego matches the rules (the most specific rule wins; `*` and `$` patterns), which the
standard library's parser does not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from index.errors import NewsbotError

RULES_SECONDS = 24 * 3600
RETRY_SECONDS = 15 * 60


class RobotsUnavailable(NewsbotError):
    """The site's robots.txt could not be read (an error answer, or no answer at all)."""


# The text of the robots.txt at a URL: "" when the site has none; RobotsUnavailable when it
# cannot be read.
RobotsReader = Callable[[str], str]


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: unreachable, so nothing is allowed
    read_at: float

    def fresh(self, now: float) -> bool:
        keep = RULES_SECONDS if self.parser is not None else RETRY_SECONDS
        return now - self.read_at < keep


class RobotsRules:
    """The robots.txt rules of every site asked about, read once and kept; safe across threads."""

    def __init__(
        self,
        read: RobotsReader,
        user_agent: str,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._read = read
        self._user_agent = user_agent
        self._clock = clock
        self._sites: dict[str, _Rules] = {}
        self._lock = threading.Lock()

    def allows(self, url: str) -> bool:
        parser = self._rules(url).parser
        return parser is not None and parser.can_fetch(url, self._user_agent)

    def readable(self, url: str) -> bool:
        """Whether the site's robots.txt could be read (if not, `allows` says no to all)."""
        return self._rules(url).parser is not None

    def crawl_delay(self, url: str) -> float:
        """Seconds the site asks crawlers to wait between requests (0 when it does not say)."""
        parser = self._rules(url).parser
        delay = parser.crawl_delay(self._user_agent) if parser is not None else None
        return float(delay or 0)

    def _rules(self, url: str) -> _Rules:
        site = robots_url(url)
        now = self._clock()
        with self._lock:
            known = self._sites.get(site)
        if known is not None and known.fresh(now):
            return known
        try:
            parser: Protego | None = Protego.parse(self._read(site))
        except RobotsUnavailable:
            parser = None
        rules = _Rules(parser, now)
        with self._lock:
            self._sites[site] = rules
        return rules


def robots_url(url: str) -> str:
    """The robots.txt that governs `url`: one per scheme, host and port."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/robots.txt", "", ""))
