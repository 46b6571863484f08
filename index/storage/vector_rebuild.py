"""Rebuilding the embedded backend's FAISS index in a new kind, in a background thread.

When the corpus outgrows its FAISS kind (see `index.storage.faiss.choose_kind`), the writer
that notices starts the build here, from a copy of the vectors as of one change of the passage
log, under a lease so that one process of several does it. Every process keeps searching the
old index meanwhile; the new one is saved as the snapshot of that change, which each process
loads at its next refresh (`index.storage.sqlite_indexes`). A process ending waits for its
rebuild (the thread is not a daemon); one killed meanwhile leaves the lease free for the next
write to retry.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np

from index.storage.faiss import FaissIndex, VectorIndexSettings, build_vector_index, choose_kind
from index.storage.protocols import Leases

log = logging.getLogger(__name__)

REBUILD_LEASE = "vector-rebuild"

# Saves an index as the snapshot of a change of the log; whether it was saved.
SaveSnapshot = Callable[[FaissIndex, int], bool]


class BackgroundRebuild:
    """This process's rebuild, if any: at most one at a time, and none while another process
    holds the lease."""

    def __init__(self, leases: Leases, save: SaveSnapshot):
        self._leases = leases
        self._save = save
        self._thread: threading.Thread | None = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def try_start(
        self,
        old_kind: str,
        copy: Callable[[], tuple[np.ndarray, np.ndarray, int]],
        dimension: int,
        settings: VectorIndexSettings,
    ) -> None:
        """Build the kind `settings` give the vectors `copy` returns (ids, vectors, and the
        change they are as of) in a thread, unless this process or another already is; `copy`
        is called only once the lease is held."""
        if self.running():
            return
        if not self._leases.try_hold(REBUILD_LEASE):
            return  # another process is rebuilding; its snapshot will be loaded when saved
        try:
            ids, vectors, seq = copy()
        except BaseException:
            self._leases.release(REBUILD_LEASE)
            raise
        log.warning(
            "the vector index (%s) no longer suits %d passages: building a %s one in the "
            "background; questions are answered from the old one meanwhile",
            old_kind,
            len(ids),
            choose_kind(len(ids), settings),
        )
        self._thread = threading.Thread(
            target=self._rebuild,
            args=(dimension, ids, vectors, seq, settings),
            name="newsbot-vector-rebuild",
        )
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for this process's rebuild, if any; whether none is running now."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _rebuild(
        self,
        dimension: int,
        ids: np.ndarray,
        vectors: np.ndarray,
        seq: int,
        settings: VectorIndexSettings,
    ) -> None:
        """The thread: touches no shared state but the snapshot folder and the lease."""
        try:
            self._save(build_vector_index(dimension, ids, vectors, settings), seq)
        except Exception:  # the thread's end: log it, the next write tries again
            log.exception("could not rebuild the vector index")
        finally:
            self._leases.release(REBUILD_LEASE)
