"""The FAISS index: ids, nearest neighbours, removal, persistence and unreadable files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.vectors import FaissIndex, VectorIndexError

DIMENSION = 8


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


@pytest.fixture
def index() -> FaissIndex:
    index = FaissIndex(DIMENSION)
    index.add(
        np.array([5, 9, 42]),
        np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(1, 1, 0)]),
    )
    return index


def test_search_returns_passage_ids_nearest_first(index: FaissIndex) -> None:
    assert len(index) == 3
    ids, scores = index.search(unit(1, 0.1, 0), 3)
    assert ids.tolist() == [5, 42, 9]
    assert scores[0] == pytest.approx(float(unit(1, 0.1, 0) @ unit(1, 0, 0)), abs=1e-6)
    assert scores[0] > scores[1] > scores[2]


def test_k_larger_than_the_index_returns_every_vector(index: FaissIndex) -> None:
    ids, scores = index.search(unit(0, 1, 0), 50)
    assert sorted(ids.tolist()) == [5, 9, 42]
    assert len(scores) == 3
    assert ids[0] == 9


def test_empty_index_returns_nothing() -> None:
    empty = FaissIndex(DIMENSION)
    assert len(empty) == 0
    ids, scores = empty.search(unit(1), 5)
    assert ids.size == 0
    assert scores.size == 0


def test_remove_drops_only_the_given_ids(index: FaissIndex) -> None:
    index.remove(np.array([5]))
    assert len(index) == 2
    ids, _ = index.search(unit(1, 0, 0), 10)
    assert sorted(ids.tolist()) == [9, 42]
    index.remove(np.array([], dtype=np.int64))  # removing nothing is a no-op
    index.add(np.array([], dtype=np.int64), np.zeros((0, DIMENSION), dtype=np.float32))
    assert len(index) == 2


def test_save_load_round_trip(index: FaissIndex, tmp_path: Path) -> None:
    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = FaissIndex.load(path)
    assert loaded.dimension == DIMENSION
    assert len(loaded) == 3
    query = unit(0.2, 1, 0.3)
    want_ids, want_scores = index.search(query, 3)
    got_ids, got_scores = loaded.search(query, 3)
    assert got_ids.tolist() == want_ids.tolist()
    np.testing.assert_allclose(got_scores, want_scores, rtol=1e-6)
    # A loaded index still supports removal and addition by passage id.
    loaded.remove(np.array([9]))
    loaded.add(np.array([77]), unit(0, 0, 1)[None, :])
    assert loaded.search(unit(0, 0, 1), 1)[0].tolist() == [77]
    assert 9 not in loaded.search(unit(0, 1, 0), 10)[0].tolist()


@pytest.mark.parametrize(
    "content",
    [b"\x00not a faiss index\xff" * 20, b"", "truncated"],
    ids=["garbage", "empty", "truncated"],
)
def test_unreadable_file_raises_vector_index_error(
    index: FaissIndex, tmp_path: Path, content: bytes | str
) -> None:
    path = tmp_path / "vectors.faiss"
    if content == "truncated":
        index.save(path)
        path.write_bytes(path.read_bytes()[:40])
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(VectorIndexError, match="cannot read vector index"):
        FaissIndex.load(path)


def test_missing_file_raises_vector_index_error(tmp_path: Path) -> None:
    with pytest.raises(VectorIndexError):
        FaissIndex.load(tmp_path / "missing.faiss")
