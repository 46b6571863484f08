"""Fusing dense and lexical evidence into one passage ranking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RetrievalWeights:
    """How much each signal counts in a passage's score; they need not sum to one.

    `sentence` is the best single sentence's similarity to the question: news answers usually
    sit in one sentence, and a passage's averaged vector dilutes it.
    """

    sentence: float = 0.5
    passage: float = 0.2
    lexical: float = 0.3


@dataclass(frozen=True)
class ScoredPassage:
    passage_id: int
    score: float
    dense: float
    lexical: float
    sentence_scores: tuple[float, ...]


def fuse(
    query: np.ndarray,
    sentence_vectors: dict[int, np.ndarray],
    lexical_scores: dict[int, float],
    weights: RetrievalWeights,
) -> list[ScoredPassage]:
    """Rank candidate passages, best first.

    BM25 scores are divided by the best one among the candidates, so both signals live on a
    0-1 scale; a passage BM25 did not return scores 0 there.
    """
    top_lexical = max(lexical_scores.values(), default=0.0) or 1.0
    ranked = []
    for passage_id, vectors in sentence_vectors.items():
        sentence_scores = vectors @ query
        mean = vectors.mean(axis=0)
        passage_score = float(mean @ query / max(float(np.linalg.norm(mean)), 1e-12))
        lexical = lexical_scores.get(passage_id, 0.0) / top_lexical
        best = float(sentence_scores.max())
        score = (
            weights.sentence * best + weights.passage * passage_score + weights.lexical * lexical
        )
        ranked.append(
            ScoredPassage(
                passage_id, score, passage_score, lexical, tuple(float(x) for x in sentence_scores)
            )
        )
    ranked.sort(key=lambda item: item.score, reverse=True)
    return ranked
