"""The FAISS vector index: the contract, then its kinds by size, overrides, ids, removal,
persistence and recall at scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.storage.faiss import (
    MIN_TRAIN,
    FaissIndex,
    VectorIndexSettings,
    build_vector_index,
    choose_kind,
    ivf_lists,
)
from index.storage.protocols import VectorIndexError
from tests.index.storage.contract import unit

DIMENSION = 32
COUNT = 3000
SMALL = VectorIndexSettings(flat_max_passages=1000, hnsw_max_passages=2000)


@pytest.fixture
def index() -> FaissIndex:
    index = FaissIndex(8, VectorIndexSettings())
    index.add(np.array([5, 9, 42]), np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(1, 1, 0)]))
    return index


def test_search_returns_passage_ids_nearest_first(index: FaissIndex) -> None:
    assert len(index) == 3
    ids, scores = index.search(unit(1, 0.1, 0), 3)
    assert ids.tolist() == [5, 42, 9]
    assert ids.dtype == np.int64
    assert scores[0] == pytest.approx(float(unit(1, 0.1, 0) @ unit(1, 0, 0)), abs=1e-6)
    assert scores[0] > scores[1] > scores[2]
    assert sorted(index.search(unit(0, 1, 0), 50)[0].tolist()) == [5, 9, 42]


def test_an_empty_index_returns_nothing() -> None:
    empty = FaissIndex(8, VectorIndexSettings())
    assert len(empty) == 0
    ids, scores = empty.search(unit(1), 5)
    assert ids.size == 0
    assert scores.size == 0


def test_remove_drops_only_the_given_ids(index: FaissIndex) -> None:
    index.remove(np.array([5]))
    assert len(index) == 2
    assert sorted(index.search(unit(1, 0, 0), 10)[0].tolist()) == [9, 42]
    index.remove(np.array([], dtype=np.int64))  # removing nothing is a no-op
    index.remove(np.array([777]))  # nor does an id it never held change anything
    index.add(np.array([], dtype=np.int64), np.zeros((0, 8), dtype=np.float32))
    assert len(index) == 2


def test_a_save_that_cannot_write_raises_oserror(index: FaissIndex, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        index.save(tmp_path / "no such folder" / "vectors.index")


def test_save_load_round_trip(index: FaissIndex, tmp_path: Path) -> None:
    path = tmp_path / "vectors.index"
    index.save(path)
    loaded = FaissIndex.load(path, VectorIndexSettings())
    assert len(loaded) == 3
    query = unit(0.2, 1, 0.3)
    want_ids, want_scores = index.search(query, 3)
    got_ids, got_scores = loaded.search(query, 3)
    assert got_ids.tolist() == want_ids.tolist()
    np.testing.assert_allclose(got_scores, want_scores, rtol=1e-6)
    loaded.remove(np.array([9]))
    loaded.add(np.array([77]), unit(0, 0, 1)[None, :])
    assert loaded.search(unit(0, 0, 1), 1)[0].tolist() == [77]
    assert 9 not in loaded.search(unit(0, 1, 0), 10)[0].tolist()


@pytest.mark.parametrize(
    "content",
    [b"\x00not a vector index\xff" * 20, b"", "truncated"],
    ids=["garbage", "empty", "truncated"],
)
def test_an_unreadable_file_raises_vector_index_error(
    index: FaissIndex, tmp_path: Path, content: bytes | str
) -> None:
    path = tmp_path / "vectors.index"
    if content == "truncated":
        index.save(path)
        path.write_bytes(path.read_bytes()[:40])
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(VectorIndexError, match="cannot read vector index"):
        FaissIndex.load(path, VectorIndexSettings())
    with pytest.raises(VectorIndexError):
        FaissIndex.load(tmp_path / "missing.index", VectorIndexSettings())


def test_a_loaded_index_knows_its_dimension(tmp_path: Path) -> None:
    index = FaissIndex(8, VectorIndexSettings())
    index.add(np.array([5]), unit(1, 0, 0)[None, :])
    index.save(tmp_path / "vectors.faiss")
    loaded = FaissIndex.load(tmp_path / "vectors.faiss", VectorIndexSettings())
    assert loaded.dimension == 8
    assert (loaded.kind, len(loaded)) == ("flat", 1)


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def corpus() -> tuple[np.ndarray, np.ndarray]:
    """Passage-like ids (sparse, large) and random unit vectors."""
    return np.arange(COUNT, dtype=np.int64) * 7 + 1_000_003, unit_vectors(COUNT)


@pytest.fixture(scope="module")
def indexes(corpus: tuple[np.ndarray, np.ndarray]) -> dict[str, FaissIndex]:
    ids, vectors = corpus
    return {
        kind: build_vector_index(DIMENSION, ids, vectors, VectorIndexSettings(kind=kind))
        for kind in ("flat", "hnsw", "ivfpq")
    }


def queries(count: int = 100) -> np.ndarray:
    return unit_vectors(count, seed=99)


def test_auto_chooses_flat_then_hnsw_then_ivfpq_by_size() -> None:
    default = VectorIndexSettings()
    assert choose_kind(0, default) == "flat"
    assert choose_kind(default.flat_max_passages, default) == "flat"
    assert choose_kind(default.flat_max_passages + 1, default) == "hnsw"
    assert choose_kind(default.hnsw_max_passages, default) == "hnsw"
    assert choose_kind(1_000_000, default) == "ivfpq"
    assert [choose_kind(n, SMALL) for n in (1000, 1001, 2000, 2001)] == [
        "flat",
        "hnsw",
        "hnsw",
        "ivfpq",
    ]


def test_a_named_kind_overrides_the_size_rule() -> None:
    assert choose_kind(MIN_TRAIN, VectorIndexSettings(kind="hnsw")) == "hnsw"
    assert choose_kind(5_000_000, VectorIndexSettings(kind="flat")) == "flat"
    assert choose_kind(MIN_TRAIN, VectorIndexSettings(kind="ivfpq")) == "ivfpq"
    # Too few vectors to train on: exact search instead.
    assert choose_kind(MIN_TRAIN - 1, VectorIndexSettings(kind="ivfpq")) == "flat"
    assert choose_kind(0, VectorIndexSettings(kind="hnsw")) == "flat"


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="vector index kind must be one of"):
        VectorIndexSettings(kind="annoy")
    with pytest.raises(ValueError, match="positive"):
        VectorIndexSettings(ivf_nprobe=0)


def test_ivf_lists_grow_with_the_corpus_and_keep_enough_training_vectors() -> None:
    assert ivf_lists(1_000_000) == 2048
    assert ivf_lists(100_000) == 512
    assert ivf_lists(COUNT) * 39 <= COUNT


def test_build_uses_the_kind_chosen_for_its_size(corpus) -> None:  # type: ignore[no-untyped-def]
    ids, vectors = corpus
    assert build_vector_index(DIMENSION, ids[:1000], vectors[:1000], SMALL).kind == "flat"
    assert build_vector_index(DIMENSION, ids[:1500], vectors[:1500], SMALL).kind == "hnsw"
    assert build_vector_index(DIMENSION, ids, vectors, SMALL).kind == "ivfpq"


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_every_kind_keeps_passage_ids(kind: str, indexes, corpus) -> None:  # type: ignore[no-untyped-def]
    ids, vectors = corpus
    index = indexes[kind]
    assert index.kind == kind
    assert len(index) == COUNT
    found, scores = index.search(vectors[123], 10)
    assert set(found.tolist()) <= set(ids.tolist())
    assert found[0] == ids[123]
    assert list(scores) == sorted(scores, reverse=True)


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_kinds_find_most_of_the_exact_neighbours(kind: str, indexes) -> None:  # type: ignore[no-untyped-def]
    # What newsbot needs: the exact top 10 among the 50 candidates it re-ranks exactly.
    floor = {"hnsw": 0.95, "ivfpq": 0.85}[kind]
    recalls = []
    for query in queries():
        exact = set(indexes["flat"].search(query, 10)[0].tolist())
        found = set(indexes[kind].search(query, 50)[0].tolist())
        recalls.append(len(exact & found) / 10)
    assert np.mean(recalls) >= floor


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_remove_then_save_and_load_keeps_kind_ids_and_results(
    kind: str, corpus, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ids, vectors = corpus
    index = build_vector_index(DIMENSION, ids, vectors, VectorIndexSettings(kind=kind))
    gone = ids[:50]
    index.remove(gone)
    index.remove(np.array([], dtype=np.int64))
    index.remove(np.array([42], dtype=np.int64))  # an id it never had
    assert len(index) == COUNT - 50
    for i in range(0, 50, 10):
        assert not set(index.search(vectors[i], 20)[0].tolist()) & set(gone.tolist())

    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = FaissIndex.load(path, VectorIndexSettings())
    assert (loaded.kind, len(loaded), loaded.dimension) == (kind, COUNT - 50, DIMENSION)
    for query in queries(5):
        want_ids, want_scores = index.search(query, 10)
        got_ids, got_scores = loaded.search(query, 10)
        assert got_ids.tolist() == want_ids.tolist()
        np.testing.assert_allclose(got_scores, want_scores, rtol=1e-5)
    assert not set(loaded.search(vectors[0], 50)[0].tolist()) & set(gone.tolist())

    # A loaded index still adds and removes by passage id.
    loaded.add(np.array([7]), vectors[:1])
    assert 7 in loaded.search(vectors[0], 10)[0].tolist()
    loaded.remove(np.array([7]))
    assert 7 not in loaded.search(vectors[0], 10)[0].tolist()
    assert len(loaded) == COUNT - 50


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_kinds_rebuild_when_tombstones_pile_up(kind: str, corpus) -> None:  # type: ignore[no-untyped-def]
    ids, vectors = corpus
    index = build_vector_index(DIMENSION, ids, vectors, VectorIndexSettings(kind=kind))
    index.remove(ids[:100])
    assert index._index.ntotal == COUNT  # tombstones, not yet rebuilt
    index.remove(ids[100:1000])
    assert index._index.ntotal == len(index) == COUNT - 1000  # rebuilt without them
    assert index.kind == kind
    found = index.search(vectors[2000], 5)[0]
    assert found[0] == ids[2000]
    assert not set(found.tolist()) & set(ids[:1000].tolist())
    index.add(np.array([7]), vectors[:1])  # the rebuilt index still takes new passages
    assert 7 in index.search(vectors[0], 5)[0].tolist()


def test_fits_says_when_the_corpus_outgrew_its_kind(corpus) -> None:  # type: ignore[no-untyped-def]
    ids, vectors = corpus
    small = build_vector_index(DIMENSION, ids[:1000], vectors[:1000], SMALL)
    assert small.fits()
    small.add(ids[1000:1200], vectors[1000:1200])
    assert not small.fits()  # 1,200 passages want an HNSW graph under these settings
    assert small.fits(VectorIndexSettings(kind="flat"))


def test_an_empty_index_of_any_kind_answers_nothing() -> None:
    for kind in ("flat", "hnsw", "ivfpq"):
        empty = build_vector_index(
            DIMENSION,
            np.zeros(0, np.int64),
            np.zeros((0, DIMENSION)),
            VectorIndexSettings(kind=kind),
        )
        assert len(empty) == 0
        assert empty.search(unit_vectors(1)[0], 5)[0].size == 0
