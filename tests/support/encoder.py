"""A fast, deterministic stand-in for the Embedder, for tests of the index that need vectors
but not the model's sense of meaning.

Each text becomes the normalised sum of hashed features of its words: every word's stem (as
BM25 sees it) and the character trigrams of the word. Texts that share words, or words that
share most of their letters ("China", "Chinese"), get similar vectors; unrelated texts get
nearly orthogonal ones. Same text, same vector, in every process.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from index.embedding import DEFAULT_MODEL
from index.lexical import word_stems

_WORD = re.compile(r"\w+|[^\w\s]")
_STEM_WEIGHT = 2.0


class HashingEncoder:
    """The Embedder's interface as the library uses it: name, dimension, encode, count_tokens."""

    def __init__(self, name: str = DEFAULT_MODEL, dimension: int = 384):
        self.name = name
        self.dimension = dimension

    def count_tokens(self, text: str) -> int:
        """Words and punctuation marks, about what a word-piece tokenizer counts for news text."""
        return len(_WORD.findall(text))

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, (text, stems) in enumerate(zip(texts, word_stems(texts), strict=True)):
            for stem in stems:
                self._add(vectors[row], "stem:" + stem, _STEM_WEIGHT)
            for word in re.findall(r"\w+", text.lower()):
                padded = f"<{word}>"
                for i in range(len(padded) - 2):
                    self._add(vectors[row], "gram:" + padded[i : i + 3], 1.0)
            if not vectors[row].any():  # no words at all: still a unit vector
                self._add(vectors[row], "empty", 1.0)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def _add(self, vector: np.ndarray, feature: str, weight: float) -> None:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        slot = int.from_bytes(digest[:4], "little") % self.dimension
        sign = 1.0 if digest[4] & 1 else -1.0
        vector[slot] += sign * weight
