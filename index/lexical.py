"""Lexical retrieval with BM25 (bm25s), over stemmed English tokens."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np


@cache
def _bm25s():  # type: ignore[no-untyped-def]
    import logging

    import bm25s

    # bm25s sets its own logger to DEBUG on import, which would print every index build.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: the same analysis for passages and queries."""
    return _bm25s().tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


class LexicalIndex:
    """BM25 over passage texts, answering with passage ids."""

    def __init__(self, ids: list[int], model: object | None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self._model = model

    @classmethod
    def build(cls, ids: list[int], texts: list[str]) -> LexicalIndex:
        if not ids:
            return cls([], None)
        model = _bm25s().BM25()
        model.index(tokenize(texts), show_progress=False)
        return cls(ids, model)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        ids = json.loads((folder / "ids.json").read_text())
        if not ids:
            return cls([], None)
        return cls(ids, _bm25s().BM25.load(str(folder), show_progress=False))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ids.json").write_text(json.dumps(self.ids.tolist()))
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids and BM25 scores of the best `k` passages that share a term with the query."""
        tokens = tokenize([query])
        if self._model is None or not tokens[0]:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self._model.get_scores(tokens[0])
        # Only passages that share a term can rank. bm25s's own `retrieve` runs np.argpartition
        # over every passage's score, which on a million mostly-zero scores takes ~30 ms (ties
        # are introselect's worst case), and starts a thread pool per call.
        found = np.flatnonzero(scores > 0)
        if len(found) > k:
            found = found[np.argpartition(scores[found], -k)[-k:]]
        found = found[np.argsort(-scores[found], kind="stable")]
        return self.ids[found], scores[found].astype(np.float32)


# bm25s's own analysis (its default token pattern, English stop words, Snowball stems), for the
# many short texts the answer core compares: bm25s.tokenize builds progress bars and a
# vocabulary on every call, which costs more than the words themselves.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@cache
def _stop_words() -> frozenset[str]:
    from bm25s.tokenization import _infer_stopwords

    return frozenset(_infer_stopwords("en"))


# Word -> stem, for every word seen: a language's vocabulary is small, and stemming the same
# words for every question is most of the work.
_STEMS: dict[str, str] = {}


def word_stems(texts: list[str]) -> list[list[str]]:
    """Each text's stemmed content words in order, exactly as `tokenize` gives them."""
    stop = _stop_words()
    words = [[w for w in _TOKEN.findall(text.lower()) if w not in stop] for text in texts]
    stemmed = {w: _STEMS.get(w) for text in words for w in text}
    new = [w for w, stem in stemmed.items() if stem is None]
    if new:
        found = dict(zip(new, _stemmer().stemWords(new), strict=True))
        stemmed.update(found)
        if len(_STEMS) > 500_000:
            _STEMS.clear()
        _STEMS.update(found)
    return [[stemmed[w] for w in text] for text in words]


def stems(text: str) -> set[str]:
    """The stemmed content words of `text`, as BM25 sees them."""
    return set(word_stems([text])[0])
