"""A corpus outgrowing its FAISS kind is rebuilt in the background, never inside a question:
the old index serves (and follows new writes) meanwhile, then every process loads the new one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.models import Chunk, Span
from index.storage import factory, vector_rebuild
from index.storage.faiss import VectorIndexSettings
from index.storage.protocols import Storage
from index.storage.sqlite_indexes import SqliteIndexes
from index.storage.vector_rebuild import REBUILD_LEASE
from tests.index.storage.contract import document

DIMENSION = 16
# Exact search up to 1,000 passages, by count alone, so the test does not depend on this
# machine's speed (the measured limit has tests of its own).
SETTINGS = VectorIndexSettings(flat_max_passages=1_000, flat_max_milliseconds=0)


def vectors(count: int, seed: int) -> np.ndarray:
    found = np.random.default_rng(seed).standard_normal((count, DIMENSION)).astype(np.float32)
    return found / np.linalg.norm(found, axis=1, keepdims=True)


def write(storage: Storage, key: str, rows: np.ndarray) -> list[int]:
    """One article of a one-sentence passage per row, committed."""
    chunks = [Chunk(i, f"Sentence {i}.", (Span(0, 10),)) for i in range(len(rows))]
    with storage.indexes.writing():
        storage.articles.set_meta("dimension", str(DIMENSION))
        article = storage.articles.upsert_article(document(f"https://example.com/{key}"), key)
        return storage.articles.insert_passages(article, chunks, [r[None, :] for r in rows])


class Gate:
    """Holds the background build until opened, so a test can act while it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.started, self.opened = threading.Event(), threading.Event()
        real = vector_rebuild.build_vector_index

        def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
            if threading.current_thread() is not threading.main_thread():
                self.started.set()
                assert self.opened.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(vector_rebuild, "build_vector_index", gated)


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[list[Storage]]:
    storages: list[Storage] = []
    yield storages
    for storage in storages:
        rebuild(storage).wait_for_rebuild(60)
        storage.articles.close()


def open_(opened: list[Storage], data_dir: Path, cache: Path) -> Storage:
    """A storage of its own on the folder: its own FAISS in memory and its own lease files,
    as another process has."""
    storage = factory.open_sqlite(data_dir, SETTINGS, wait_seconds=5)
    assert isinstance(storage.indexes, SqliteIndexes)
    storage.indexes._cache_dir = cache
    opened.append(storage)
    return storage


def rebuild(storage: Storage) -> SqliteIndexes:
    assert isinstance(storage.indexes, SqliteIndexes)
    return storage.indexes


def top(storage: Storage, query: np.ndarray) -> int:
    storage.indexes.refresh()
    return int(storage.indexes.vectors.search(query, 1)[0][0])


def test_outgrowing_flat_rebuilds_in_the_background_while_the_old_index_serves(
    tmp_path: Path, opened: list[Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    writer = open_(opened, data, tmp_path / "cache")
    first = vectors(900, seed=1)
    first_ids = write(writer, "a", first)
    assert writer.indexes.vectors.kind == "flat"
    reader = open_(opened, data, tmp_path / "cache")
    assert top(reader, first[5]) == first_ids[5]
    assert reader.indexes.vectors.kind == "flat"

    gate = Gate(monkeypatch)
    second = vectors(300, seed=2)
    second_ids = write(writer, "b", second)  # 1,200 passages: HNSW's turn
    assert gate.started.wait(60), "the write should have started a background rebuild"
    assert not rebuild(writer).wait_for_rebuild(timeout=0)

    # Meanwhile questions are answered from the old (exact) index, which follows new writes.
    third = vectors(50, seed=3)
    third_ids = write(writer, "c", third)
    for storage in (writer, reader):
        assert top(storage, second[7]) == second_ids[7]
        assert top(storage, third[3]) == third_ids[3]
        assert storage.indexes.vectors.kind == "flat"
    # The other process's write does not start a second rebuild: the lease is taken.
    write(reader, "d", vectors(10, seed=4))
    assert rebuild(reader).wait_for_rebuild(timeout=0)
    assert not reader.leases.try_hold(REBUILD_LEASE)

    gate.opened.set()
    assert rebuild(writer).wait_for_rebuild(timeout=60)
    # Each process loads the rebuilt index at its next refresh, with the writes made since.
    for storage in (writer, reader):
        assert top(storage, third[3]) == third_ids[3]
        assert storage.indexes.vectors.kind == "hnsw"
        assert len(storage.indexes.vectors) == 1_260
        assert top(storage, first[5]) == first_ids[5]
    # And a process starting now loads it from the snapshot as it is.
    late = open_(opened, data, tmp_path / "cache")
    assert late.indexes.vectors.kind == "hnsw" and len(late.indexes.vectors) == 1_260
    assert reader.leases.try_hold(REBUILD_LEASE)  # given back


def test_a_rebuild_that_fails_leaves_the_old_index_serving_and_the_lease_free(
    tmp_path: Path, opened: list[Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    writer = open_(opened, data, tmp_path / "cache")
    rows = vectors(1_100, seed=5)
    ids = write(writer, "a", rows[:900])
    writer.indexes.vectors  # noqa: B018 (loaded, so the write below checks its kind)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("out of memory")

    monkeypatch.setattr(vector_rebuild, "build_vector_index", broken)
    ids += write(writer, "b", rows[900:])
    assert rebuild(writer).wait_for_rebuild(timeout=60)
    assert top(writer, rows[1_000]) == ids[1_000]
    assert writer.indexes.vectors.kind == "flat"
    assert writer.leases.try_hold(REBUILD_LEASE)
