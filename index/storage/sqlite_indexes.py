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

A write never touches either index inside its transaction, so a write rolled back leaves
nothing to undo; and a crash at any point leaves indexes that are behind the database at
worst, which the next refresh repairs. Not thread-safe: the library calls it under its lock.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.storage.faiss import FaissIndex, VectorIndexSettings, build_vector_index
from index.storage.passages import passage_vectors
from index.storage.protocols import ArticleStore, VectorIndexError
from index.storage.sqlite_log import Changes, PassageLog
from index.storage.tantivy import TantivyIndex

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
    ):
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

    # -- PassageIndexes ----------------------------------------------------------------------

    @property
    def vectors(self) -> FaissIndex:
        if self._faiss is None:
            self._faiss, self._faiss_seq = self._load_vectors()
        return self._faiss

    @property
    def lexical(self) -> TantivyIndex:
        if self._tantivy is None:
            folder = self._data_dir / LEXICAL_FOLDER
            if self._writable or folder.exists():
                self._tantivy = TantivyIndex(folder, self._wait_seconds)
            else:  # a read-only folder from before the lexical folder existed
                self._tantivy = TantivyIndex(None, self._wait_seconds)
            self._catch_up_lexical(wait=False)
        return self._tantivy

    def is_empty(self) -> bool:
        self.refresh()
        if self._count is None:
            self._count = self._store.passage_count()
        return self._count == 0

    def refresh(self) -> None:
        latest = self._log.latest()
        if latest == self._seen:
            return
        self._seen, self._count = latest, None
        if self._faiss is not None:
            self._catch_up_vectors()
        if self._tantivy is not None:
            self._catch_up_lexical(wait=False)

    def restart_vectors(self, dimension: int) -> None:
        self._restarted = True

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
        self.lexical  # noqa: B018 (opened, so the catch-up below has a folder)
        self._catch_up_lexical(wait=True)
        self._keep_vectors_current()
        shutil.rmtree(self._data_dir / _OLD_LAYOUT, ignore_errors=True)

    # -- vectors -----------------------------------------------------------------------------

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
                index = FaissIndex.load(path, self._settings)
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
            return self._apply(FaissIndex(dimension or 1, self._settings), self._log.since(seq))
        found = np.asarray(list(means), dtype=np.int64)
        vectors = np.stack([means[i] for i in found.tolist()])
        index = build_vector_index(dimension or 1, found, vectors, self._settings)
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
                index = FaissIndex(dimension, self._settings)
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
        if not index.fits():
            self._faiss, self._faiss_seq = self._build_vectors()
        elif behind < max(_SNAPSHOT_MIN_CHANGES, _SNAPSHOT_SHARE * len(index)):
            return
        self._save_snapshot()

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
        folder = self._data_dir / VECTORS_FOLDER
        path = folder / f"{self._faiss_seq}.faiss"
        partial = path.with_name(path.name + ".partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._faiss.save(partial)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            log.warning("could not save a copy of the vector index: %s", error)
            return
        self._snapshot_seq = self._faiss_seq
        for seq, older in self._snapshots():
            if seq < self._faiss_seq:
                older.unlink(missing_ok=True)  # a process reading it keeps its open file

    # -- lexical -----------------------------------------------------------------------------

    def _catch_up_lexical(self, wait: bool) -> None:
        """Apply the log's new changes to the tantivy index, if it is behind and writable."""
        index = self._tantivy
        assert index is not None
        index.reload()
        applied, latest = index.applied(), self._log.latest()
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
            index.apply(added, deleted, latest, replace_all=rebuild, wait=wait)
        except OSError as error:
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
