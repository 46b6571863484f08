"""Choose RetrievalWeights on the even half of SQuAD's articles; check them on the odd half.

Run with `python -m bench.tune_retrieval [--squad PATH]`. It ingests the SQuAD paragraphs with
the default model, gathers each question's candidates once (dense top-50 ∪ BM25 top-50), and
grid-searches the three weights by MRR of the right paragraph, ties broken by Recall@1 and then
by closeness to the current defaults. It prints the chosen weights and both halves' figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.common import load_squad, squad_path
from bench.quality import Candidates, build_library, candidates, fused_ranks, metrics_from_ranks
from index.embedding import Embedder, EmbeddingSettings
from index.retrieval import RetrievalWeights

STEP = 0.1


def grid() -> np.ndarray:
    values = np.round(np.arange(0, 1 + STEP / 2, STEP), 2)
    rows = [w for w in itertools.product(values, repeat=3) if any(w)]
    return np.array(rows, dtype=np.float64)


def choose(found: list[Candidates], questions: list) -> tuple[np.ndarray, dict]:
    """The grid weights with the best MRR on these questions."""
    weights = grid()
    ranks = fused_ranks(found, questions, weights)
    reciprocal = np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)
    mrr = reciprocal.mean(axis=1).round(4)
    top1 = (ranks == 1).mean(axis=1).round(4)
    current = np.array(_as_row(RetrievalWeights()))
    # Scale does not change a ranking: compare directions when measuring closeness.
    unit = weights / np.linalg.norm(weights, axis=1, keepdims=True)
    distance = np.linalg.norm(unit - current / np.linalg.norm(current), axis=1)
    best = np.lexsort((distance, -top1, -mrr))[0]
    return weights[best], {"MRR": float(mrr[best]), "R@1": float(top1[best])}


def evaluate(found: list[Candidates], questions: list, weights: np.ndarray) -> dict:
    return metrics_from_ranks(fused_ranks(found, questions, weights)[0])


def tune(tune_set: tuple[list, list], report_set: tuple[list, list]) -> dict:
    """Chosen weights and the figures of current and chosen weights on both halves."""
    chosen, _ = choose(tune_set[1], tune_set[0])
    current = np.array(_as_row(RetrievalWeights()))
    result = {"current": current.tolist(), "chosen": chosen.tolist()}
    for name, (questions, found) in (("even (tune)", tune_set), ("odd (report)", report_set)):
        result[name] = {
            "current": evaluate(found, questions, current),
            "chosen": evaluate(found, questions, chosen),
        }
    odd = result["odd (report)"]
    result["better_on_odd"] = odd["chosen"]["MRR"] > odd["current"]["MRR"]
    return result


def _as_row(weights: RetrievalWeights) -> tuple[float, float, float]:
    return (weights.sentence, weights.passage, weights.lexical)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--squad", help="SQuAD v1.1 JSON (default: $NEWSBOT_SQUAD or ../shared)")
    parser.add_argument("--backend", default="torch", choices=("torch", "onnx", "openvino"))
    args = parser.parse_args()
    path = squad_path(args.squad)
    if not path.exists():
        sys.exit(f"no SQuAD file at {path}; pass --squad PATH or set NEWSBOT_SQUAD")
    squad = load_squad(path)
    embedder = Embedder(EmbeddingSettings(backend=args.backend))
    with tempfile.TemporaryDirectory() as folder:
        built = build_library(squad, Path(folder), embedder)
        halves = {}
        for name in ("tune", "report"):
            questions = squad.half(name)
            halves[name] = (questions, candidates(built, questions, embedder))
        result = tune(halves["tune"], halves["report"])
        built.library.close()
    sentence, passage, lexical = result["chosen"]
    print(f"chosen weights: sentence={sentence:g} passage={passage:g} lexical={lexical:g}")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
