"""What both chat front ends enforce alike: per-user rate limits, and refusals as typed errors.

A refusal is a `UserError`, so each front end shows it the way it shows any mistake the asker
can fix; `RateLimited.retry_after` says how long to wait, as discord.py's cooldowns do.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from index.errors import UserError


class RateLimited(UserError):
    """The user asked more often than the limit allows; `retry_after` seconds until they may."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        wait = max(1, round(retry_after))
        unit = "second" if wait == 1 else "seconds"
        super().__init__(
            f"You're asking faster than I can keep up with. Please try again in {wait} {unit}."
        )


class NotPermitted(UserError):
    """The user may not do this (only admins add articles); the message says whom to ask."""


class RateLimiter:
    """At most `limit` requests per user in any `window` seconds (a sliding window).

    A limit of 0 turns limiting off.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        if limit < 0 or window <= 0:
            raise ValueError("a rate limit needs limit >= 0 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, user: str) -> float:
        """0 and the request is counted when the user may go ahead; else seconds to wait."""
        if self.limit == 0:
            return 0.0
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(user, deque())
            while times and now - times[0] >= self.window:
                times.popleft()
            if len(times) >= self.limit:
                return self.window - (now - times[0])
            times.append(now)
            return 0.0

    def check(self, user: str) -> None:
        """Count the request, or raise `RateLimited` when the user must wait first."""
        wait = self.retry_after(user)
        if wait:
            raise RateLimited(wait)
