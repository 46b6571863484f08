"""bm25s over passage texts, answering with passage ids: the baseline the lexical index is measured against."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.lexical import load_bm25s, tokenize


class Bm25Index:
    """BM25 over passage texts, answering with passage ids."""

    def __init__(self, ids: list[int], model: object | None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self._model = model

    @classmethod
    def build(cls, ids: list[int], texts: list[str]) -> Bm25Index:
        if not ids:
            return cls([], None)
        model = load_bm25s().BM25()
        model.index(tokenize(texts), show_progress=False)
        return cls(ids, model)

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        ids = json.loads((folder / "ids.json").read_text())
        if not ids:
            return cls([], None)
        return cls(ids, load_bm25s().BM25.load(str(folder), show_progress=False))

    def __len__(self) -> int:
        return len(self.ids)

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
