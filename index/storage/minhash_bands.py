"""The LSH bands a MinHash signature is filed under, so that a write looks up only the articles
that share one with it instead of reading every signature.

A band here is one slot: its key is the slot's number and value together. One slot a band is
what keeps the near-duplicate decisions those of comparing every signature: two articles that
share no band agree on no slot (an estimated Jaccard similarity of 0), so no threshold above 0
would link them; and the number of bands two articles share is the number of slots on which
their signatures agree, so the store counts the estimate's numerator in its index and reads no
signature. Wider bands would file fewer keys but miss some pairs near the threshold.
"""

from __future__ import annotations

import numpy as np

_SLOT_SHIFT = 32  # a slot's value is a uint32; its number goes above it


def band_keys(signature: np.ndarray) -> list[int]:
    """The keys of the signature's bands, one a slot (below 2**39, so any SQL integer)."""
    values = np.asarray(signature, dtype=np.uint32).astype(np.int64)
    slots = np.arange(len(values), dtype=np.int64) << _SLOT_SHIFT
    return (slots | values).tolist()


def stored_signature(blob: bytes) -> np.ndarray:
    """A signature as the stores keep it: uint32 slots, little-endian."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def signature_bytes(signature: np.ndarray) -> bytes:
    return np.asarray(signature, dtype="<u4").tobytes()
