"""The BM25 index (bm25s): the contract, and its passage ids saved in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.storage.bm25 import Bm25Index
from index.storage.protocols import LexicalIndexBuilder
from tests.index.storage.contract import LEXICAL_IDS, LEXICAL_TEXTS, LexicalIndexContract


@pytest.fixture
def lexical_builder() -> LexicalIndexBuilder:
    return Bm25Index


class TestBm25Index(LexicalIndexContract):
    pass


def test_save_load_keeps_the_passage_ids_in_order(tmp_path: Path) -> None:
    Bm25Index.build(LEXICAL_IDS, LEXICAL_TEXTS).save(tmp_path / "bm25")
    loaded = Bm25Index.load(tmp_path / "bm25")
    assert loaded.ids.tolist() == LEXICAL_IDS
    assert len(Bm25Index.build([], []).ids) == 0
