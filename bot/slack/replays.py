"""Requests that arrive twice are acknowledged once and run once.

Slack redelivers an event it thinks was lost, marked with `X-Slack-Retry-Num` and
`X-Slack-Retry-Reason` (after a slow acknowledgement, say), and a signed request copied on its
way could be sent again while its signature is valid. An event is known by its `event_id`;
anything else by its signature, timestamp and body. Keys are kept for as long as a signature
can be valid, within a fixed number of them, so memory stays bounded however busy Slack is.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

log = logging.getLogger(__name__)

# bolt accepts a timestamp up to five minutes either side of its clock, so one signature is
# valid for up to ten minutes; Slack retries an event within about five.
WINDOW_SECONDS = 10 * 60
# Far more requests than a workspace sends in ten minutes, in about a megabyte.
MAX_KEYS = 10_000


class RecentRequests:
    """Keys seen in the last `window` seconds, at most `size` of them (the oldest go first).

    Thread-safe: every request thread asks.
    """

    def __init__(
        self,
        window: float = WINDOW_SECONDS,
        size: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._window = window
        self._size = size
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when it expires, in order
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """Whether `key` is new; it is remembered from now on either way."""
        now = self._clock()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= now:
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now + self._window
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)


def request_key(request: BoltRequest) -> str | None:
    """What makes a request the same one again; None when nothing does (an unsigned command
    from Socket Mode, whose websocket Slack authenticates)."""
    body = request.body
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    signature = _header(request, "x-slack-signature")
    if not signature:
        return None
    timestamp = _header(request, "x-slack-request-timestamp")
    signed = f"{signature}\n{timestamp}\n{request.raw_body}".encode()
    return "request:" + hashlib.sha256(signed).hexdigest()


def once_only(recent: RecentRequests) -> Callable[..., BoltResponse | None]:
    """Global bolt middleware: a request seen before is acknowledged, and Slack told not to
    retry it, without running anything. Registered after bolt's signature check, so a forged
    request can never mark a real one as seen."""

    def middleware(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        key = request_key(req)
        if key is None or recent.first_time(key):
            next()
            return None
        retry = _header(req, "x-slack-retry-num")
        if retry:
            reason = _header(req, "x-slack-retry-reason") or "no reason given"
            log.info("Slack retry %s (%s) of %s, already handled: acknowledged", retry, reason, key)
        else:
            log.warning("a request was sent again (%s): acknowledged, not run again", key)
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})

    return middleware


def _header(request: BoltRequest, name: str) -> str:
    values = request.headers.get(name) or [""]
    return values[0]
