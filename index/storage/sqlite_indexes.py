"""The embedded backend's indexes: FAISS in memory and tantivy on disk, following the passage log.

The database is the truth; both indexes catch up with its passage log (`index.storage.sqlite_log`)
by applying only what changed, whichever process wrote it:

- tantivy lives in `<data>/lexical`. After each write commits, the writer applies the new
  changes there, so other processes read them from the folder; a reader that finds the folder
  behind the log (its writer crashed first) applies them itself when the folder is free.
- FAISS lives in each process's memory, loaded from the newest snapshot in `<data>/vectors`
  (`<log change>.faiss`) plus the changes after it, then kept up by the changes alone. A
  process that has applied many changes since the newest snapshot writes a new one, so a
  process starting later replays little; the log is trimmed to what the snapshot and the
  tantivy folder have not yet applied.
- When the corpus outgrows its FAISS kind, the writer that notices builds the new kind in a
  background thread (`index.storage.vector_rebuild`); every process keeps searching, and
  following the log with, the old index meanwhile, and loads the new one, saved as the snapshot
  of the change it is as of, at its next refresh, replaying the log after it. No snapshot is
  written of an index of the wrong kind, so the newest snapshot is always the one to load.
  Only exact (flat) indexes, which build in seconds, are rebuilt in the write itself.

A write never touches either index inside its transaction, so a write rolled back leaves
nothing to undo; and a crash at any point leaves indexes that are behind the database at
worst, which the next refresh repairs. Not thread-safe: the library calls it under its lock.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np

from index.machine import cache_dir as default_cache_dir
from index.storage.article_store import ArticleStore
from index.storage.faiss import FaissIndex, VectorIndexSettings, build_vector_index, choose_kind
from index.storage.passages import passage_vectors
from index.storage.protocols import Leases, VectorIndexError
from index.storage.sqlite_log import Changes, PassageLog
from index.storage.tantivy import TantivyIndex
from index.storage.vector_cost import KindChoice, flat_scan_cost, measured_settings
from index.storage.vector_rebuild import BackgroundRebuild

log = logging.getLogger(__name__)

VECTORS_FOLDER = "vectors"
LEXICAL_FOLDER = "lexical"
_OLD_LAYOUT = "generations"  # whole-index copies per write, before the passage log
_BATCH = 10_000  # ids per query: SQLite caps the parameters of one statement
_SNAPSHOT_MIN_CHANGES = 10_000
_SNAPSHOT_SHARE = 0.1  # of the corpus, replayed before a new snapshot is worth writing


class SqliteIndexes:
    """The `PassageIndexes` of a SQLite article store."""

    def __init__(
        self,
        data_dir: Path,
        store: ArticleStore,
        passage_log: PassageLog,
        settings: VectorIndexSettings,
        wait_seconds: float,
        writable: bool,
        leases: Leases,
        cache_dir: Path | None = None,
    ):
        """:param cache_dir: where this machine's measured scan cost is kept (see
        `index.storage.vector_cost`); the model cache unless given."""
        self._data_dir = data_dir
        self._store = store
        self._log = passage_log
        self._settings = settings
        self._wait_seconds = wait_seconds
        self._writable = writable
        self._faiss: FaissIndex | None = None
        self._faiss_seq = 0  # the last change the in-memory FAISS holds
        self._snapshot_seq = 0  # the last change of the newest snapshot, as this process knows
        self._tantivy: TantivyIndex | None = None
        self._seen = -1  # the log's last change at the latest refresh
        self._count: int | None = None  # passages stored as of `_seen`, once counted
        self._restarted = False  # the write under way re-embeds every passage
        self._lexical_behind = False  # the last catch-up of the tantivy folder did not finish
        self._cache_dir = cache_dir or default_cache_dir()
        self._measured: VectorIndexSettings | None = None
        self._rebuild = BackgroundRebuild(leases, self._write_snapshot)

    # -- PassageIndexes ----------------------------------------------------------------------

    @property
    def vectors(self) -> FaissIndex:
        if self._faiss is None:
            self._faiss, self._faiss_seq = self._load_vectors()
        return self._faiss

    @property
    def lexical(self) -> TantivyIndex:
        if self._tantivy is None:
            self._tantivy = self._open_lexical()
            self._catch_up_lexical(wait=False)
        return self._tantivy

    def is_empty(self) -> bool:
        self.refresh()
        if self._count is None:
            self._count = self._store.passage_count()
        return self._count == 0

    def refresh(self) -> None:
        self._load_rebuilt()
        latest = self._log.latest()
        if latest != self._seen:
            self._seen, self._count = latest, None
            if self._faiss is not None:
                self._catch_up_vectors()
        elif not self._lexical_behind:
            return
        if self._tantivy is not None:
            self._catch_up_lexical(wait=False)

    def restart_vectors(self, dimension: int) -> None:
        self._restarted = True
        self._measured = None  # a scan of vectors of another width costs another time

    @contextmanager
    def writing(self) -> Iterator[None]:
        try:
            with self._store.transaction():
                self._trim_log()
                yield
            if self._restarted:  # every passage was re-embedded: build afresh
                self._faiss = None
        finally:
            self._restarted = False
        self._seen, self._count = self._log.latest(), None
        if self._faiss is not None:
            self._catch_up_vectors()
            self._load_rebuilt()
        self.lexical  # noqa: B018 (opened, so the catch-up below has a folder)
        self._catch_up_lexical(wait=True)
        self._keep_vectors_current()
        shutil.rmtree(self._data_dir / _OLD_LAYOUT, ignore_errors=True)

    def wait_for_rebuild(self, timeout: float | None = None) -> bool:
        """Wait for this process's background rebuild, if any; whether none is running now."""
        return self._rebuild.wait(timeout)

    def kind_choice(self, remeasure: bool = False) -> KindChoice:
        """The kind this corpus gets on this machine and why (for `newsbot doctor`)."""
        dimension = self._stored_dimension()
        if remeasure and dimension:
            flat_scan_cost(dimension, self._cache_dir, remeasure=True)
            self._measured = None
        settings, index = self.vector_settings, self.vectors
        measured = settings.kind == "auto" and settings.flat_max_milliseconds > 0 and dimension
        return KindChoice(
            setting=settings.kind,
            kind=choose_kind(len(index), settings),
            in_use=index.kind,
            passages=len(index),
            seconds_per_vector=flat_scan_cost(dimension, self._cache_dir) if measured else None,
            flat_max_milliseconds=settings.flat_max_milliseconds,
            flat_limit=settings.flat_max_passages,
            hnsw_max_passages=settings.hnsw_max_passages,
            rebuilding=not self.wait_for_rebuild(timeout=0),
        )

    # -- vectors -----------------------------------------------------------------------------

    @property
    def vector_settings(self) -> VectorIndexSettings:
        """The config's settings with the flat limit this machine affords (measured once)."""
        if self._measured is None:
            dimension = self._stored_dimension()
            if dimension is None:
                return self._settings  # no vectors yet: nothing to choose a kind for
            self._measured = measured_settings(self._settings, dimension, self._cache_dir)
        return self._measured

    def _stored_dimension(self) -> int | None:
        stored = self._store.get_meta("dimension")
        return int(stored) if stored else None

    def _load_vectors(self) -> tuple[FaissIndex, int]:
        """The newest snapshot and the changes after it, or the whole index built from the
        database when there is no usable snapshot."""
        for seq, path in self._snapshots():
            if not self._log.reaches_back_to(seq):
                break  # the log no longer holds what came after it
            try:
                index = FaissIndex.load(path, self.vector_settings)
            except VectorIndexError as error:
                log.warning("%s; trying an older copy", error)
                continue
            self._snapshot_seq = max(self._snapshot_seq, seq)
            return self._apply(index, self._log.since(seq))
        return self._build_vectors()

    def _build_vectors(self) -> tuple[FaissIndex, int]:
        """Every stored passage's vector, in an index of the kind its size calls for."""
        seq = self._log.latest()  # read first: a write landing meanwhile is replayed after
        dimension = self._stored_dimension()
        ids, _ = self._store.all_passage_texts()
        means = self._passage_vectors(ids, dimension) if dimension else {}
        if not means:
            empty = FaissIndex(dimension or 1, self.vector_settings)
            return self._apply(empty, self._log.since(seq))
        found = np.asarray(list(means), dtype=np.int64)
        vectors = np.stack([means[i] for i in found.tolist()])
        index = build_vector_index(dimension or 1, found, vectors, self.vector_settings)
        return self._apply(index, self._log.since(seq))

    def _passage_vectors(self, ids: list[int], dimension: int) -> dict[int, np.ndarray]:
        """The passage vector of each id still stored, by id."""
        means: dict[int, np.ndarray] = {}
        for start in range(0, len(ids), _BATCH):
            stored = self._store.sentence_vectors(ids[start : start + _BATCH], dimension)
            if stored:
                found = list(stored)
                means.update(zip(found, passage_vectors([stored[i] for i in found]), strict=True))
        return means

    def _apply(self, index: FaissIndex, changes: Changes) -> tuple[FaissIndex, int]:
        """`index` with `changes` applied (a new one if the first vectors are of another
        dimension), and the last change it holds. A passage already there is replaced, not
        doubled, so changes may be applied again."""
        touched = changes.added + changes.deleted
        if touched:
            index.remove(np.asarray(touched, dtype=np.int64))
        dimension = self._stored_dimension()
        if changes.added and dimension is not None:
            if len(index) == 0 and index.dimension != dimension:
                index = FaissIndex(dimension, self.vector_settings)
            means = self._passage_vectors(changes.added, dimension)
            if means:
                found = list(means)
                index.add(np.asarray(found, dtype=np.int64), np.stack([means[i] for i in found]))
        return index, changes.seq

    def _catch_up_vectors(self) -> None:
        assert self._faiss is not None
        if not self._log.reaches_back_to(self._faiss_seq):
            self._faiss, self._faiss_seq = self._load_vectors()
            return
        self._faiss, self._faiss_seq = self._apply(self._faiss, self._log.since(self._faiss_seq))

    def _keep_vectors_current(self) -> None:
        """After this process's write: rebuild an index the corpus outgrew, and write a snapshot
        once enough changes would otherwise be replayed by every process that starts."""
        behind = self._log.latest() - self._snapshot_seq_on_disk()
        if self._faiss is None and behind < _SNAPSHOT_MIN_CHANGES:
            return  # nothing loaded here and little to replay: leave it to the readers
        index = self.vectors
        if not index.fits(self.vector_settings):
            if choose_kind(len(index), self.vector_settings) != "flat":
                copy = partial(self._vectors_as_of_now, index)
                self._rebuild.try_start(index.kind, copy, index.dimension, self.vector_settings)
                return  # the rebuild writes the next snapshot
            self._faiss, self._faiss_seq = self._build_vectors()
        elif behind < max(_SNAPSHOT_MIN_CHANGES, _SNAPSHOT_SHARE * len(index)):
            return
        self._save_snapshot()

    def _vectors_as_of_now(self, index: FaissIndex) -> tuple[np.ndarray, np.ndarray, int]:
        """Every indexed passage's id and vector, and the change they are as of: copied from
        an exact index (fast, and exactly the stored vectors), else read from the database."""
        exact = index.exact_vectors()
        if exact is not None:
            return *exact, self._faiss_seq
        seq = self._log.latest()
        ids, _ = self._store.all_passage_texts()
        means = self._passage_vectors(ids, index.dimension)
        found = np.asarray(list(means), dtype=np.int64)
        vectors = np.stack([means[i] for i in found.tolist()])
        return found, vectors, seq

    def _load_rebuilt(self) -> None:
        """Load a snapshot newer than this process has seen while its index is of the wrong
        kind: the rebuild's, whichever process made it. Reading a file, never building."""
        if self._faiss is None or self._faiss.fits(self.vector_settings):
            return
        if self._snapshot_seq_on_disk() > self._snapshot_seq:
            self._faiss, self._faiss_seq = self._load_vectors()

    def _snapshots(self) -> list[tuple[int, Path]]:
        """The snapshots on disk, newest first."""
        folder = self._data_dir / VECTORS_FOLDER
        found = []
        for path in folder.glob("*.faiss"):
            if path.stem.isdigit():
                found.append((int(path.stem), path))
        return sorted(found, reverse=True)

    def _snapshot_seq_on_disk(self) -> int:
        snapshots = self._snapshots()
        return snapshots[0][0] if snapshots else 0

    def _save_snapshot(self) -> None:
        assert self._faiss is not None
        if self._write_snapshot(self._faiss, self._faiss_seq):
            self._snapshot_seq = self._faiss_seq

    def _write_snapshot(self, index: FaissIndex, seq: int) -> bool:
        """Save `index` as the snapshot of change `seq` and drop older ones; whether it was."""
        folder = self._data_dir / VECTORS_FOLDER
        path = folder / f"{seq}.faiss"
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            index.save(partial)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            log.warning("could not save a copy of the vector index: %s", error)
            return False
        for older_seq, older in self._snapshots():
            if older_seq < seq:
                older.unlink(missing_ok=True)  # a process reading it keeps its open file
        return True

    # -- lexical -----------------------------------------------------------------------------

    def _open_lexical(self) -> TantivyIndex:
        """The tantivy folder; made afresh when unreadable, and in memory when it cannot be
        (a read-only folder from before it existed, or a damaged one)."""
        folder = self._data_dir / LEXICAL_FOLDER
        if not (self._writable or folder.exists()):
            return TantivyIndex(None, self._wait_seconds)
        try:
            return TantivyIndex(folder, self._wait_seconds)
        except (ValueError, OSError) as error:
            log.warning("the lexical index in %s is unreadable (%s); rebuilding it", folder, error)
        if not self._writable:
            return TantivyIndex(None, self._wait_seconds)
        shutil.rmtree(folder, ignore_errors=True)
        return TantivyIndex(folder, self._wait_seconds)

    def _catch_up_lexical(self, wait: bool) -> None:
        """Apply the log's new changes to the tantivy index, if it is behind and writable."""
        index = self._tantivy
        assert index is not None
        index.reload()
        applied, latest = index.applied(), self._log.latest()
        self._lexical_behind = False
        if applied >= latest or not (self._writable or index.folder is None):
            return
        rebuild = not self._log.reaches_back_to(applied)
        if rebuild:
            ids, texts = self._store.all_passage_texts()
            added, deleted = dict(zip(ids, texts, strict=True)), []
        else:
            changes = self._log.since(applied)
            latest = changes.seq
            added, deleted = self._texts(changes.added), changes.deleted
        try:
            self._lexical_behind = not index.apply(
                added, deleted, latest, replace_all=rebuild, wait=wait
            )
        except OSError as error:
            self._lexical_behind = True
            log.warning("could not update the lexical index: %s", error)

    def _texts(self, ids: list[int]) -> dict[int, str]:
        texts: dict[int, str] = {}
        for start in range(0, len(ids), _BATCH):
            stored = self._store.passages(ids[start : start + _BATCH])
            texts.update((i, p.text) for i, p in stored.items())
        return texts

    # -- the log -----------------------------------------------------------------------------

    def _trim_log(self) -> None:
        """Inside a write: forget changes both the newest snapshot and the tantivy folder hold.
        The last change is kept, so the log always says how far it reaches back."""
        held = min(self._snapshot_seq_on_disk(), self.lexical.applied(), self._log.latest() - 1)
        if held > 0:
            self._log.trim(held)
