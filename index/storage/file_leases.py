"""Leases for processes sharing one data folder: an exclusive lock on a file per lease.

The operating system drops a process's locks when it ends, however it ends, so a lease held by
a process that crashed is free for the next one at once.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class FileLeases:
    """`Leases` as `flock` locks on `<data>/leases/<name>.lock`."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._held: dict[str, int] = {}  # lease name -> open file descriptor holding its lock

    def try_hold(self, name: str) -> bool:
        if name in self._held:
            return True
        self._folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        self._held[name] = descriptor
        return True

    def release(self, name: str) -> None:
        descriptor = self._held.pop(name, None)
        if descriptor is not None:
            os.close(descriptor)  # closing the file drops its lock
