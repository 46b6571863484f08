"""The derived indexes (vectors and BM25) of a data folder, in one folder per generation.

The article store holds the truth; the indexes are derived from it. Each write builds them into
a new folder `generations/N`, which becomes current (the `generation` meta key) in the same
transaction that commits the passages, and the old folder goes after the commit. A crash at
any point leaves the previous generation current and usable; its leftover folder is removed by
the next write.

Several processes may share the folder. A write builds its generation while it holds the
database's write lock, and only a write, holding that lock, removes folders that are not
current: no folder another process is still writing is ever removed, and opening the folder (to
read, perhaps from a read-only copy) writes nothing. Index files that are missing, unreadable
or out of step with the database are rebuilt from it, without the model.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.preparation import passage_vectors
from index.storage.protocols import (
    ArticleStore,
    LexicalIndex,
    LexicalIndexBuilder,
    VectorIndex,
    VectorIndexBuilder,
    VectorIndexError,
)

log = logging.getLogger(__name__)

VECTORS_FILE = "vectors.faiss"
LEXICAL_FOLDER = "bm25"


class Generations:
    """The current generation's indexes, loaded on first use and dropped when another process
    commits a newer one. Not thread-safe: the library calls it under its lock."""

    def __init__(
        self,
        data_dir: Path,
        store: ArticleStore,
        vectors: VectorIndexBuilder,
        lexical: LexicalIndexBuilder,
        dimension: Callable[[], int],
    ):
        self._root = data_dir / "generations"
        self._store = store
        self._vector_builder = vectors
        self._lexical_builder = lexical
        self._dimension = dimension  # of the stored vectors
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._loaded: int | None = None  # generation the in-memory indexes belong to
        self._passage_count: int | None = None  # of that generation, once counted

    @property
    def current(self) -> int:
        return int(self._store.get_meta("generation") or 0)

    def folder(self, generation: int) -> Path:
        return self._root / str(generation)

    def passage_count(self) -> int:
        """Passages in the current generation.

        Counting a million rows takes milliseconds, and every question asks; the count changes
        only with a new generation, so it is kept with the in-memory indexes.
        """
        self.refresh()
        if self._passage_count is None:
            self._passage_count = self._store.passage_count()
        return self._passage_count

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            self._vectors = self._load_vectors()
        return self._vectors

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = self._load_lexical()
        return self._lexical

    def restart_vectors(self, dimension: int) -> None:
        """An empty vector index in place of the current one, for a write that re-adds every
        passage (re-embedding, perhaps under a model of another dimension)."""
        self._vectors = self._vector_builder.empty(dimension)

    def refresh(self) -> None:
        """Drop in-memory indexes when another process has committed a newer generation."""
        current = self.current
        if current != self._loaded:
            self._vectors = self._lexical = None
            self._loaded = current
            self._passage_count = None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One atomic write: database changes and a new generation of derived indexes."""
        try:
            with self._store.transaction():
                old = self.current  # read under the write lock: another process may have moved it
                self._remove_stale()
                self.refresh()
                yield
                self._commit()
        except BaseException:
            # In-memory indexes may hold the rolled-back changes: reload them from disk.
            self._vectors = self._lexical = None
            self._loaded = self._passage_count = None
            raise
        shutil.rmtree(self.folder(old), ignore_errors=True)

    def _commit(self) -> None:
        """Write derived indexes to a new folder and point the open transaction at it."""
        new = self.current + 1
        folder = self.folder(new)
        folder.mkdir(parents=True, exist_ok=True)  # a stale one was removed as the write began
        try:
            if not self.vectors.fits():
                # The corpus outgrew its index kind (or the config names another): rebuild it.
                self._vectors = self._rebuild_vectors()
            self.vectors.save(folder / VECTORS_FILE)
            self._lexical = self._lexical_builder.build(*self._store.all_passage_texts())
            self._lexical.save(folder / LEXICAL_FOLDER)
        except BaseException:
            # Still under the write lock, so the folder is this write's own to remove.
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._store.set_meta("generation", str(new))
        self._loaded = new
        self._passage_count = None

    def _remove_stale(self) -> None:
        """Folders left by a write that crashed before its commit (or after it, before removing
        the folder it replaced). Only called with the write lock held, when no other write is
        under way."""
        current = str(self.current)
        for folder in self._root.glob("*"):
            if folder.name != current:
                shutil.rmtree(folder, ignore_errors=True)

    def _moved_on(self, generation: int) -> bool:
        """Whether another process has committed a newer generation since `generation` was read
        (removing its folder, perhaps mid-load): then the newer one is loaded, not repaired."""
        self.refresh()
        return self.current != generation

    def _load_vectors(self) -> VectorIndex:
        generation = self.current
        path = self.folder(generation) / VECTORS_FILE
        if self._store.passage_count() == 0:
            return self._vector_builder.empty(self._dimension())
        try:
            index = self._vector_builder.load(path)
            if len(index) == self._store.passage_count():
                return index
            problem = f"vector index {path} is out of step with the database"
        except VectorIndexError as error:
            problem = str(error)
        if self._moved_on(generation):
            return self._load_vectors()
        log.warning("%s; rebuilding it from the article database", problem)
        index = self._rebuild_vectors()
        _replace_file(path, index.save)
        return index

    def _rebuild_vectors(self) -> VectorIndex:
        """The vector index of the kind the settings choose, from the stored sentence vectors."""
        dimension = self._dimension()
        ids, _ = self._store.all_passage_texts()
        means = np.zeros((len(ids), dimension), dtype=np.float32)
        for start in range(0, len(ids), 10_000):  # SQLite caps the parameters of one query
            batch = ids[start : start + 10_000]
            vectors = self._store.sentence_vectors(batch, dimension)
            means[start : start + len(batch)] = passage_vectors([vectors[i] for i in batch])
        return self._vector_builder.build(dimension, np.asarray(ids, dtype=np.int64), means)

    def _load_lexical(self) -> LexicalIndex:
        generation = self.current
        folder = self.folder(generation) / LEXICAL_FOLDER
        try:
            index = self._lexical_builder.load(folder)
            if len(index) == self._store.passage_count():
                return index
            problem = "out of step with the database"
        except (OSError, ValueError) as error:
            problem = f"unreadable ({error})"
        if self._moved_on(generation):
            return self._load_lexical()
        log.warning("BM25 index in %s is %s; rebuilding it", folder, problem)
        return self._lexical_builder.build(*self._store.all_passage_texts())


def _replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write a derived file beside `path` and swap it in, so a reader never sees half of it."""
    partial = path.with_suffix(path.suffix + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        os.replace(partial, path)
    except OSError as error:  # a read-only data folder still answers, from memory
        log.warning("could not save the rebuilt %s: %s", path.name, error)
