"""BM25 over stemmed tokens: matching, passage ids, persistence and the empty index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.lexical import LexicalIndex, stems, tokenize, word_stems

IDS = [10, 20, 30, 40]
TEXTS = [
    "China sent 150,000 troops to its border with North Korea.",
    "The weather in Paris was sunny and warm all weekend.",
    "Bananas are a yellow fruit grown in tropical countries.",
    "Russian soldiers and equipment moved toward the border.",
]


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex.build(IDS, TEXTS)


def test_tokenize_lowercases_stems_and_drops_stop_words() -> None:
    assert tokenize(["The Troops and the running"]) == [["troop", "run"]]
    assert stems("troop TROOPS troops'") == {"troop"}


def test_stemming_finds_plural_for_singular_query(index: LexicalIndex) -> None:
    ids, scores = index.search("troop", 5)
    assert ids.tolist() == [10]
    assert scores[0] > 0


def test_results_are_passage_ids_best_first(index: LexicalIndex) -> None:
    ids, scores = index.search("border troops", 5)
    assert ids.tolist() == [10, 40]
    assert scores[0] > scores[1] > 0
    assert ids.dtype == np.int64


@pytest.mark.parametrize("query", ["xylophone quantum", "the and of", "", "   "])
def test_query_without_shared_terms_returns_nothing(index: LexicalIndex, query: str) -> None:
    ids, scores = index.search(query, 5)
    assert ids.size == 0
    assert scores.size == 0


def test_unknown_terms_do_not_hide_known_ones(index: LexicalIndex) -> None:
    ids, _ = index.search("xylophone bananas", 5)
    assert ids.tolist() == [30]


def test_k_limits_and_may_exceed_the_size(index: LexicalIndex) -> None:
    all_ids, all_scores = index.search("border", 100)
    assert sorted(all_ids.tolist()) == [10, 40]
    assert all_scores[0] >= all_scores[1]
    top_ids, _ = index.search("border", 1)
    assert top_ids.tolist() == all_ids[:1].tolist()


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    index.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded.ids.tolist() == IDS
    for query in ["troop", "sunny Paris weather", "border", "fruit"]:
        want_ids, want_scores = index.search(query, 5)
        got_ids, got_scores = loaded.search(query, 5)
        assert got_ids.tolist() == want_ids.tolist()
        np.testing.assert_allclose(got_scores, want_scores, rtol=1e-6)


def test_empty_index_searches_saves_and_loads(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], [])
    assert len(empty.ids) == 0
    assert empty.search("troops", 5)[0].size == 0
    empty.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert len(loaded.ids) == 0
    assert loaded.search("troops", 5)[0].size == 0


def test_load_of_missing_folder_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        LexicalIndex.load(tmp_path / "nowhere")


def test_word_stems_analyse_text_exactly_as_bm25_does():
    texts = [
        "The U.S. sent 12,000 troops; officials didn't confirm it.",
        "Ünïcode naïve café, running runners RAN",
        "",
        "a b",
    ]
    assert word_stems(texts) == tokenize(texts)
