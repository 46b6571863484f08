"""The hand-weighted scorer newsbot used before the trained reader: the benchmark's baseline.

A sentence scores its dense similarity to the question, plus credit for sharing the question's
rarer words and for holding what the question asks for; fixed rules abstain. Its "probability"
is that score clipped to 0-1, not a calibrated probability: `make bench-answers` shows how far
it is from one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.reader.features import Candidate, Pool
from bot.core.reader.model import Reading

OVERLAP_WEIGHT = 0.4
SPAN_BONUS = 0.2


def score(candidate: Candidate) -> float:
    bonus = SPAN_BONUS if candidate.span else 0.0
    return candidate.similarity + OVERLAP_WEIGHT * candidate.overlap + bonus


@dataclass(frozen=True)
class SimilarityReader:
    min_similarity: float = 0.35

    def read(self, pool: Pool) -> Reading:
        if not pool.candidates:
            return Reading((), (), {})
        quantity = pool.question.kind == "quantity"
        scores = [min(max(score(c), 0.0), 1.0) for c in pool.candidates]
        order = tuple(
            sorted(
                range(len(scores)),
                key=lambda i: (
                    pool.candidates[i].names_ok,
                    not quantity or pool.candidates[i].span is not None,
                    score(pool.candidates[i]),
                ),
                reverse=True,
            )
        )
        best = pool.candidates[order[0]]
        refused = (
            (best.similarity < self.min_similarity and best.overlap < 0.5)
            or not best.names_ok
            or (quantity and best.span is None)
        )
        first = order[0]
        probabilities = {i: scores[i] for i in order[:3]}
        if refused:
            probabilities[first] = 0.0
        return Reading(order, tuple(scores), probabilities)
