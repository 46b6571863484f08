"""One deadline over a whole download: the TLS handshake, the headers and the body.

A socket timeout bounds each read, not their sum, so a server sending one byte just before
each timeout would keep a fetch alive for as long as it liked. Here every connection a pool
opens is watched, and at the deadline a timer shuts its socket, which ends whatever read is
waiting on it. The timer holds a duplicate of each socket: TLS wraps a connection's socket in a
new one and detaches the old, and shutting the duplicate reaches the connection either way.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from types import TracebackType
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection


class Watchdog:
    """`with Watchdog() as watchdog:` shuts the sockets it was shown once `start`'s deadline
    passes, and closes its duplicates when the block ends; `expired` says whether it fired."""

    def __init__(self) -> None:
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def start(self, deadline: float) -> None:
        """Fire at `deadline` (a `time.monotonic()` reading)."""
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            late = self.expired.is_set()
        if late:
            _shut(copy)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed by its connection: nothing is waiting on it
        sock.shutdown(socket.SHUT_RDWR)


class _Watched(HTTPConnection):
    """A connection that shows its socket to the download's watchdog as soon as it opens."""

    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock


class _WatchedHTTPS(_Watched, HTTPSConnection):
    pass


class WatchedHTTPPool(urllib3.HTTPConnectionPool):
    """Takes `watchdog=`; its connections are watched by it."""

    ConnectionCls = _Watched


class WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    """Takes `watchdog=`; its connections are watched by it."""

    ConnectionCls = _WatchedHTTPS
