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


def slots_needed(threshold: float) -> int:
    """The fewest equal slots at which two signatures' estimated similarity (the share of
    equal slots) reaches `threshold`; never fewer than one, so articles sharing no slot are
    never linked."""
    return next(
        (count for count in range(1, PERMUTATIONS + 1) if count / PERMUTATIONS >= threshold),
        PERMUTATIONS + 1,
    )


def similar(equal_slots: dict[int, int], exclude: int | None = None) -> list[tuple[int, float]]:
    """(article id, estimated Jaccard) of each article by its number of slots equal to one
    signature's, but `exclude`; best first."""
    found = [
        (article_id, count / PERMUTATIONS)
        for article_id, count in equal_slots.items()
        if article_id != exclude
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))
