"""Per-user rate limits for the chat front ends, so one person cannot monopolise the bot."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


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


def rate_limited_message(seconds: float) -> str:
    """The friendly refusal both chat front ends send."""
    wait = max(1, round(seconds))
    unit = "second" if wait == 1 else "seconds"
    return f"You're asking faster than I can keep up with. Please try again in {wait} {unit}."
