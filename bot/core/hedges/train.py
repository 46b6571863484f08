"""Train the cue model on the Szeged WikiWeasel sentences and report held-out figures.

`make train-hedges` runs this. It needs scikit-learn (the `train` extra); newsbot itself reads
only the weights file it writes. Documents are split by id: 70% train, 10% to pick the
sentence threshold, 20% held out for the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

from bot.core.hedges.lexicon import _LEXICON
from bot.core.hedges.model import WEIGHTS_FILE
from bot.core.hedges.tokens import Token, features, tokenize

DEFAULT_DATA = Path(__file__).resolve().parents[4] / "shared" / "eval" / "szeged-wikiweasel"
KINDS = {
    "speculation_modal_probable_": "speculation",
    "speculation_hypo_doxastic _": "belief",
    "speculation_hypo_condition _": "condition",
    "speculation_hypo_investigation _": "investigation",
}
CLASSES = ("none", "speculation", "belief", "condition", "investigation")
# The plain word list the model is measured against.
BASELINE = re.compile(
    r"\b(may|might|could|would|possibly|possible|probably|likely|unlikely|perhaps|apparently|"
    r"appears?|seems?|suggests?|suggested|believed?|believes|thought|think|considered|"
    r"reportedly|allegedly|alleged|if|whether|unless)\b",
    re.I,
)


def load(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "sentences.jsonl").open(encoding="utf-8")]


def split(rows: list[dict], seed: int = 13) -> tuple[list[dict], list[dict], list[dict]]:
    docs = sorted({r["doc_id"] for r in rows})
    random.Random(seed).shuffle(docs)
    cut1, cut2 = int(0.7 * len(docs)), int(0.8 * len(docs))
    part = {d: 0 if i < cut1 else 1 if i < cut2 else 2 for i, d in enumerate(docs)}
    groups: tuple[list[dict], list[dict], list[dict]] = ([], [], [])
    for row in rows:
        groups[part[row["doc_id"]]].append(row)
    return groups


def token_labels(row: dict, tokens: list[Token]) -> list[str]:
    labels = ["none"] * len(tokens)
    for cue in row["cues"]:
        for i, token in enumerate(tokens):
            if token.start < cue["end"] and token.end > cue["start"]:
                labels[i] = KINDS.get(cue["type"], "speculation")
    return labels


def candidate_words(rows: list[dict]) -> set[str]:
    words = {t.lower for r in rows for c in r["cues"] for t in tokenize(c["text"])}
    for kind in ("speculation", "belief", "condition", "investigation"):
        words |= {t.lower for phrase in _LEXICON[kind] for t in tokenize(phrase)}
    return {w for w in words if w.isalpha()}


def examples(rows: list[dict], candidates: set[str]) -> tuple[list[list[str]], list[str]]:
    xs, ys = [], []
    for row in rows:
        tokens = tokenize(row["text"])
        labels = token_labels(row, tokens)
        for i, token in enumerate(tokens):
            if token.lower in candidates:
                xs.append(features(tokens, i))
                ys.append(labels[i])
    return xs, ys


def train(rows: list[dict], c: float) -> dict:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    candidates = candidate_words(rows)
    xs, ys = examples(rows, candidates)
    vectorizer = CountVectorizer(analyzer=lambda names: names, binary=True, min_df=2)
    matrix = vectorizer.fit_transform(xs)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(matrix, ys)
    order = [list(model.classes_).index(k) for k in CLASSES]
    names = vectorizer.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        row = [round(float(model.coef_[k, j]), 4) for k in order]
        if max(abs(w) for w in row) >= 0.01:
            weights[str(name)] = row
    return {
        "classes": list(CLASSES),
        "bias": [round(float(model.intercept_[k]), 4) for k in order],
        "weights": weights,
        "candidates": sorted(candidates),
        "threshold": 0.5,
    }


def scores(data: dict, rows: list[dict]) -> list[float]:
    """Sentence probability of being uncertain: the likeliest cue among its words."""
    from bot.core.hedges.model import HedgeModel

    model = HedgeModel(
        tuple(data["classes"]),
        tuple(data["bias"]),
        {k: tuple(v) for k, v in data["weights"].items()},
        frozenset(data["candidates"]),
        data["threshold"],
    )
    out = []
    for row in rows:
        tokens = tokenize(row["text"])
        best = 0.0
        for i, token in enumerate(tokens):
            if token.lower in model.candidates:
                best = max(best, 1.0 - model.probabilities(tokens, i)[0])
        out.append(best)
    return out


def f1(predicted: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / WEIGHTS_FILE)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    args = parser.parse_args()
    train_rows, dev_rows, test_rows = split(load(args.data))
    data = train(train_rows, args.c)
    dev_gold = [r["label"] == "uncertain" for r in dev_rows]
    dev_scores = scores(data, dev_rows)
    data["threshold"] = max(
        (t / 100 for t in range(5, 95)),
        key=lambda t: f1([s >= t for s in dev_scores], dev_gold)["f1"],
    )
    gold = [r["label"] == "uncertain" for r in test_rows]
    figures = {
        "sentences": {"train": len(train_rows), "dev": len(dev_rows), "test": len(test_rows)},
        "threshold": data["threshold"],
        "model": f1([s >= data["threshold"] for s in scores(data, test_rows)], gold),
        "word_list": f1([bool(BASELINE.search(r["text"])) for r in test_rows], gold),
        "features": len(data["weights"]),
    }
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        json.dump(data, out, separators=(",", ":"))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
