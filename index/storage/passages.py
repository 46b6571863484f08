"""How a passage is searched by meaning: one vector made from its sentences' vectors."""

from __future__ import annotations

import numpy as np


def passage_vectors(sentence_vectors: list[np.ndarray]) -> np.ndarray:
    """A passage is embedded as the unit-length mean of its sentences' vectors."""
    means = np.stack([v.mean(axis=0) for v in sentence_vectors])
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
