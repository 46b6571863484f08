"""Fingerprints that find the same article twice: exact (same words) and near (a shared wire story).

The exact fingerprint hashes the article's words, so whitespace, case and punctuation do not
make two copies look different. The near fingerprint is a MinHash signature of the article's
word 5-grams: the share of equal signature slots estimates the Jaccard similarity of the two
articles' 5-gram sets, which is high for one wire story run by two outlets with their own
headline, intro or sign-off, and close to zero for two stories on the same topic.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128

_WORD = re.compile(r"\w+")
_PRIME = np.uint64((1 << 61) - 1)
# Fixed seeds: signatures are stored, so they must be the same in every process and release.
_RANDOM = np.random.default_rng(5_2024)
_A = _RANDOM.integers(1, 1 << 32, PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, 1 << 32, PERMUTATIONS, dtype=np.uint64)
_EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def text_fingerprint(text: str) -> str:
    """Equal for two texts with the same words in the same order."""
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


def minhash(text: str) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS uint32 values) of the text's word 5-grams."""
    tokens = words(text)
    if not tokens:
        return _EMPTY.copy()
    shingles = {
        " ".join(tokens[i : i + SHINGLE_WORDS])
        for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))
    }
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    # a, x < 2**32, so a * x + b stays below 2**64: no overflow before the modulo.
    values = (np.outer(hashes, _A) + _B) % _PRIME
    return (values & np.uint64(0xFFFFFFFF)).min(axis=0).astype(np.uint32)


class SignatureIndex:
    """Signatures of stored articles, compared all at once (fine for tens of thousands)."""

    def __init__(self, signatures: dict[int, np.ndarray] | None = None):
        signatures = signatures or {}
        self._ids = list(signatures)
        self._rows = list(signatures.values())
        self._matrix: np.ndarray | None = None

    def add(self, article_id: int, signature: np.ndarray) -> None:
        if article_id in self._ids:
            self._rows[self._ids.index(article_id)] = signature
        else:
            self._ids.append(article_id)
            self._rows.append(signature)
        self._matrix = None

    def similar(
        self, signature: np.ndarray, threshold: float, exclude: int | None = None
    ) -> list[tuple[int, float]]:
        """(article id, estimated Jaccard) of the articles at or above `threshold`, best first."""
        if not self._ids:
            return []
        if self._matrix is None:
            self._matrix = np.stack(self._rows)
        scores = (self._matrix == signature).mean(axis=1)
        found = [
            (article_id, float(score))
            for article_id, score in zip(self._ids, scores, strict=True)
            if score >= threshold and article_id != exclude
        ]
        return sorted(found, key=lambda item: -item[1])
