"""The vector index on pgvector: an HNSW graph over half or full precision, searches asking for
more than the graph weighs, and vectors whose width does not fit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import psycopg
import pytest

from index.models import Chunk, Span
from index.storage.postgres import open_postgres_storage
from index.storage.protocols import Storage, StoreError
from tests.index.storage.conftest import POSTGRES_SETTINGS
from tests.index.storage.contract import OpenStorage, document


def store(storage: Storage, key: str, vectors: np.ndarray) -> list[int]:
    chunks = [Chunk(n, f"Passage {n}.", (Span(0, 10),)) for n in range(len(vectors))]
    with storage.indexes.writing():
        article_id = storage.articles.upsert_article(document(key), "h")
        return storage.articles.insert_passages(article_id, chunks, [v[None, :] for v in vectors])


def directions(count: int, dimension: int = 8, seed: int = 3) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def column_and_graph(url: str) -> tuple[str, list[str]]:
    with psycopg.connect(url) as connection:
        (column,) = connection.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'passage_vectors'::regclass AND attname = 'embedding'"
        ).fetchone()  # type: ignore[misc]
        graphs = connection.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'passage_vectors' "
            "AND indexdef LIKE '%hnsw%'"
        ).fetchall()
    return column, [graph for (graph,) in graphs]


def test_the_first_write_makes_a_half_precision_table_with_its_graph(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    storage = open_postgres()
    vectors = directions(30)
    ids = store(storage, "a", vectors)
    column, graphs = column_and_graph(postgres_url)
    assert column == "halfvec(8)"
    assert len(graphs) == 1 and "halfvec_ip_ops" in graphs[0] and "m='16'" in graphs[0]
    assert len(storage.indexes.vectors) == 30
    found, scores = storage.indexes.vectors.search(vectors[7], 5)
    assert found[0] == ids[7]
    assert scores[0] == pytest.approx(1.0, abs=2e-3)
    assert list(scores) == sorted(scores, reverse=True)


def test_full_precision_keeps_inner_products_exact_to_the_stored_vectors(postgres_url: str) -> None:
    settings = replace(POSTGRES_SETTINGS, half_precision=False)
    storage = open_postgres_storage(postgres_url, settings, wait_seconds=5)
    try:
        vectors = directions(10)
        ids = store(storage, "a", vectors)
        assert column_and_graph(postgres_url)[0] == "vector(8)"
        query = directions(1, seed=9)[0]
        found, scores = storage.indexes.vectors.search(query, 10)
        # Passages are searched by their sentence vectors as stored, in half precision.
        stored = vectors.astype(np.float16).astype(np.float32)
        exact = (stored / np.linalg.norm(stored, axis=1, keepdims=True)) @ query
        assert found.tolist() == [ids[i] for i in np.argsort(-exact)]
        np.testing.assert_allclose(scores, np.sort(exact)[::-1], atol=1e-6)
    finally:
        storage.articles.close()


def test_a_search_may_ask_for_more_than_the_graph_weighs(postgres_url: str) -> None:
    settings = replace(POSTGRES_SETTINGS, hnsw_ef_search=4)
    storage = open_postgres_storage(postgres_url, settings, wait_seconds=5)
    try:
        ids = store(storage, "a", directions(40))
        found, scores = storage.indexes.vectors.search(directions(1, seed=5)[0], 25)
        assert len(set(found.tolist())) == 25 and set(found.tolist()) <= set(ids)
        assert list(scores) == sorted(scores, reverse=True)
    finally:
        storage.articles.close()


def test_vectors_of_another_width_are_refused_until_a_restart(open_postgres: OpenStorage) -> None:
    storage = open_postgres()
    ids = store(storage, "a", directions(3))
    with pytest.raises(StoreError, match="dimension 12 do not fit the index's 8"):
        store(storage, "b", directions(2, dimension=12))
    storage.indexes.refresh()
    assert len(storage.indexes.vectors) == 3
    assert [a.key for a in storage.articles.articles()] == ["a"]
    assert sorted(storage.indexes.vectors.search(directions(1)[0], 10)[0].tolist()) == ids


def test_once_every_vector_is_gone_the_next_ones_set_the_width(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    storage = open_postgres()
    store(storage, "a", directions(3))
    with storage.indexes.writing():
        storage.articles.delete_article(storage.articles.articles()[0].id)
    wide = directions(2, dimension=12)
    ids = store(storage, "b", wide)
    assert column_and_graph(postgres_url)[0] == "halfvec(12)"
    assert storage.indexes.vectors.search(wide[1], 1)[0].tolist() == [ids[1]]
