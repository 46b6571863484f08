"""The lexical index in PostgreSQL ranks as bm25s does (the engine newsbot's BM25 is measured
against), on real paragraphs, and on passages whose stems fill many blocks, added in batches
and partly removed."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest

from bench.bm25s_index import Bm25Index
from index.models import Chunk, Span
from index.storage.protocols import Storage
from tests.index.storage.contract import OpenStorage, document
from tests.support.corpus import BRIDGE_PARAGRAPHS, SEED

QUERIES = [
    "how many Chinese troops",
    "Russian soldiers at the border",
    "North Korea missile test",
    "who is the vice president of the United States",
    "bridge repair cost council",
    "military military action",  # a repeated stem counts again
    "refugees",
]


def store(storage: Storage, key: str, texts: list[str]) -> list[int]:
    chunks = [Chunk(n, text, (Span(0, len(text)),)) for n, text in enumerate(texts)]
    vectors = [np.eye(1, 4, dtype=np.float32)] * len(texts)
    with storage.indexes.writing():
        article_id = storage.articles.upsert_article(document(key), "h")
        return storage.articles.insert_passages(article_id, chunks, vectors)


def paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()] + list(BRIDGE_PARAGRAPHS)


def test_the_ranking_and_scores_are_those_of_bm25s(open_postgres: OpenStorage) -> None:
    storage = open_postgres()
    texts = paragraphs()
    ids = store(storage, "seed", texts)
    reference = Bm25Index.build(ids, texts)
    for query in QUERIES:
        want_ids, want_scores = reference.search(query, 5)
        got_ids, got_scores = storage.indexes.lexical.search(query, 5)
        assert got_ids.tolist() == want_ids.tolist(), query
        np.testing.assert_allclose(got_scores, want_scores, rtol=1e-5)


WORDS = [
    "border",
    "troops",
    "bridge",
    "harbour",
    "council",
    "ferry",
    "strike",
    "weather",
    "election",
    "minister",
    "refugee",
    "missile",
    "airport",
    "volcano",
    "flood",
    "budget",
    "school",
    "hospital",
    "market",
    "railway",
]


def generated(count: int, seed: int) -> list[str]:
    """Passages of a few words from a small vocabulary, so that each stem has many."""
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=rng.integers(3, 12))) for _ in range(count)]


def scores_by_id(ids: np.ndarray, scores: np.ndarray) -> dict[int, float]:
    return dict(zip(ids.tolist(), scores.tolist(), strict=True))


def assert_same_scores(storage: Storage, reference: Bm25Index) -> None:
    for query in ["border troops", "ferry ferry strike", "volcano airport flood", "railway"]:
        got = scores_by_id(*storage.indexes.lexical.search(query, 1000))
        want = scores_by_id(*reference.search(query, 1000))
        assert got.keys() == want.keys(), query
        assert got == pytest.approx(want, rel=1e-5), query


def test_blocks_stay_right_through_batches_and_removals(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    storage = open_postgres()
    kept: dict[int, str] = {}
    for batch in range(8):  # each batch appends to the stems' last blocks
        texts = generated(100, seed=batch)
        kept.update(zip(store(storage, f"article {batch}", texts), texts, strict=True))
    with psycopg.connect(postgres_url) as connection:
        (deepest,) = connection.execute("SELECT max(block) FROM lexical_blocks").fetchone()  # type: ignore[misc]
    assert deepest >= 1  # some stems' postings are in more than one block
    assert_same_scores(storage, Bm25Index.build(list(kept), list(kept.values())))

    with storage.indexes.writing():
        for article in storage.articles.articles()[1::3]:
            for passage_id in storage.articles.delete_article(article.id):
                del kept[passage_id]
    storage.indexes.refresh()
    assert len(storage.indexes.lexical) == len(kept)
    assert_same_scores(storage, Bm25Index.build(list(kept), list(kept.values())))

    texts = generated(40, seed=99)  # into blocks that removals left part full
    kept.update(zip(store(storage, "late", texts), texts, strict=True))
    assert_same_scores(storage, Bm25Index.build(list(kept), list(kept.values())))


def test_a_passage_without_words_still_counts_in_the_average(open_postgres: OpenStorage) -> None:
    storage = open_postgres()
    texts = ["The and of.", "Border troops.", "Ferry strike at the border."]
    ids = store(storage, "a", texts)
    assert len(storage.indexes.lexical) == 3
    want = Bm25Index.build(ids, texts).search("border", 5)
    got = storage.indexes.lexical.search("border", 5)
    assert got[0].tolist() == want[0].tolist()
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5)
