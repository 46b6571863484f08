"""How long an exact (flat) scan takes per vector on this machine, measured once and recorded.

Exact search costs a scan of every vector for each question, so it stays the automatic choice
only while that scan is cheap here: `flat_max_milliseconds` divided by the measured cost per
vector gives the passage count beyond which `kind = "auto"` builds an approximate index.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.machine import read_record, write_record
from index.storage.faiss import MIN_TRAIN, VectorIndexSettings

_VECTORS = 20_000  # scanned per timed search: large enough to leave the caches, ~30 MB
_SEARCHES = 30
_METHOD = 1


def topic(dimension: int) -> str:
    return f"flat-scan-v{_METHOD}-d{dimension}"


@dataclass(frozen=True)
class KindChoice:
    """The FAISS kind a corpus gets here, and the measurement behind the choice."""

    setting: str  # the config's kind, "auto" or a forced one
    kind: str  # what the corpus's size calls for now
    in_use: str  # the kind of the index searched now (the old one, during a rebuild)
    passages: int
    seconds_per_vector: float | None  # a one-thread exact scan; None when not measured
    flat_max_milliseconds: float
    flat_limit: int
    hnsw_max_passages: int
    rebuilding: bool  # a background rebuild runs in this process


def flat_scan_cost(
    dimension: int,
    cache_dir: Path,
    clock: Callable[[], float] = time.perf_counter,
    remeasure: bool = False,
) -> float:
    """Seconds a one-thread exact search spends per stored vector, from the record if any."""
    record = None if remeasure else read_record(cache_dir, topic(dimension))
    if record is not None and isinstance(record.get("seconds_per_vector"), float):
        return float(record["seconds_per_vector"])
    cost = measure_flat_scan(dimension, clock)
    write_record(
        cache_dir,
        topic(dimension),
        {"seconds_per_vector": cost, "vectors": _VECTORS, "searches": _SEARCHES},
    )
    return cost


def measure_flat_scan(dimension: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """The median of `_SEARCHES` single-query searches of `_VECTORS` random unit vectors, as
    `FaissIndex.search` runs them (one thread), divided by the vectors scanned."""
    import faiss

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((_VECTORS, dimension), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(dimension)
    index.add(vectors)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        index.search(vectors[:1], 10)  # the first search pages the vectors in
        times = []
        for row in range(_SEARCHES):
            start = clock()
            index.search(vectors[row + 1 : row + 2], 10)
            times.append(clock() - start)
    finally:
        faiss.omp_set_num_threads(threads)
    return max(float(np.median(times)), 1e-12) / _VECTORS


def flat_limit(settings: VectorIndexSettings, seconds_per_vector: float) -> int:
    """The most passages exact search holds under `settings`: the cheaper of its count cap and
    what a scan may cost here, never below what the approximate kinds need to train."""
    if settings.kind != "auto" or settings.flat_max_milliseconds <= 0:
        return settings.flat_max_passages
    affordable = round(settings.flat_max_milliseconds / 1000 / seconds_per_vector)
    return max(MIN_TRAIN, min(settings.flat_max_passages, affordable))


def measured_settings(
    settings: VectorIndexSettings, dimension: int, cache_dir: Path
) -> VectorIndexSettings:
    """`settings` with flat_max_passages lowered to what exact search affords on this machine."""
    if settings.kind != "auto" or settings.flat_max_milliseconds <= 0:
        return settings
    limit = flat_limit(settings, flat_scan_cost(dimension, cache_dir))
    return replace(settings, flat_max_passages=limit)
