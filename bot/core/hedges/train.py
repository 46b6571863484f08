"""Train the cue model on Wikipedia and news sentences and report held-out figures.

`make train-hedges` runs this. It needs scikit-learn (the `train` extra); newsbot itself reads
only the weights file it writes. WikiWeasel documents are split by id: 80% to tune on, 20% held
out. The news set (bench/data/news-hedges) comes split by story: its tune part is tuned on,
its held-out part only measured. The tune sentences of both are cut into FOLDS folds of whole
documents and stories; each fold is scored by a model trained on the other folds, so the
three thresholds (for modal verbs, for words of the lexicon's hedge phrases and for other
words) are picked on sentences the model has not seen, and the shipped model is then trained
on all of them.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
from pathlib import Path

import numpy as np

from bot.core.hedges.lexicon import _LEXICON
from bot.core.hedges.model import MODALS, WEIGHTS_FILE
from bot.core.hedges.tokens import Token, features, sentence_marks, tokenize

DEFAULT_DATA = Path(__file__).resolve().parents[4] / "shared" / "eval" / "szeged-wikiweasel"
DEFAULT_NEWS = Path(__file__).resolve().parents[3] / "bench" / "data" / "news-hedges"
KINDS = {
    "speculation_modal_probable_": "speculation",
    "speculation_hypo_doxastic _": "belief",
    "speculation_hypo_condition _": "condition",
    "speculation_hypo_investigation _": "investigation",
}
CLASSES = ("none", "speculation", "belief", "condition", "investigation")
# How much one news sentence counts against one Wikipedia sentence: there are 30 times fewer.
NEWS_WEIGHT = 1.0
FOLDS = 4
# How much Wikipedia F1 (of the unseen folds) below its best the thresholds may give up for news.
WIKI_SLACK = 0.003
# The bars tried for each of the three word groups (modal, in a lexicon phrase, other).
BARS = np.arange(2, 25) / 25
# The plain word list the model is measured against.
BASELINE = re.compile(
    r"\b(may|might|could|would|possibly|possible|probably|likely|unlikely|perhaps|apparently|"
    r"appears?|seems?|suggests?|suggested|believed?|believes|thought|think|considered|"
    r"reportedly|allegedly|alleged|if|whether|unless)\b",
    re.I,
)


def load(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "sentences.jsonl").open(encoding="utf-8")]


def news_parts(folder: Path) -> tuple[list[dict], list[dict]]:
    """The news set's tune and held-out sentences."""
    rows = load(folder)
    return [r for r in rows if r["part"] == "tune"], [r for r in rows if r["part"] == "held_out"]


def cue_kind(cue: dict) -> str:
    """The model's class for an annotated cue; the lexicon's kinds are "none" to the model."""
    if "kind" in cue:  # the news set names newsbot's kinds
        return cue["kind"] if cue["kind"] in CLASSES else "none"
    return KINDS.get(cue["type"], "speculation")


def split(rows: list[dict], seed: int = 13) -> tuple[list[dict], list[dict]]:
    """The WikiWeasel tune and held-out sentences: 80% and 20% of the documents."""
    docs = sorted({r["doc_id"] for r in rows})
    random.Random(seed).shuffle(docs)
    held_out = set(docs[int(0.8 * len(docs)) :])
    return [r for r in rows if r["doc_id"] not in held_out], [
        r for r in rows if r["doc_id"] in held_out
    ]


def token_labels(row: dict, tokens: list[Token]) -> list[str]:
    labels = ["none"] * len(tokens)
    for cue in row["cues"]:
        for i, token in enumerate(tokens):
            if token.start < cue["end"] and token.end > cue["start"]:
                labels[i] = cue_kind(cue)
    return labels


def candidate_words(rows: list[dict]) -> set[str]:
    words = {
        t.lower
        for r in rows
        for c in r["cues"]
        if cue_kind(c) != "none"
        for t in tokenize(c["text"])
    }
    for kind in ("speculation", "belief", "condition", "investigation"):
        words |= {t.lower for phrase in _LEXICON[kind] for t in tokenize(phrase)}
    return {w for w in words if w.isalpha()}


def examples(
    rows: list[dict], candidates: set[str], weight: float = 1.0
) -> tuple[list[list[str]], list[str], list[float]]:
    xs, ys = [], []
    for row in rows:
        tokens = tokenize(row["text"])
        labels = token_labels(row, tokens)
        marks = sentence_marks(tokens)
        for i, token in enumerate(tokens):
            if token.lower in candidates:
                xs.append(features(tokens, i, marks))
                ys.append(labels[i])
    return xs, ys, [weight] * len(xs)


def train(wiki: list[dict], news: list[dict], c: float, news_weight: float = NEWS_WEIGHT) -> dict:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    candidates = candidate_words(wiki + news)
    xs, ys, weights = examples(wiki, candidates)
    news_xs, news_ys, news_weights = examples(news, candidates, news_weight)
    vectorizer = CountVectorizer(analyzer=lambda names: names, binary=True, min_df=2)
    matrix = vectorizer.fit_transform(xs + news_xs)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(matrix, ys + news_ys, sample_weight=weights + news_weights)
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
        "lexicon_threshold": 0.5,
        "modal_threshold": 0.5,
    }


# Per sentence: the likeliest cue among modals, among words in the lexicon's hedge phrases and
# among other words, and whether the lexicon alone makes it uncertain.
Decided = tuple[float, float, float, bool]


def decisions(data: dict, rows: list[dict]) -> list[Decided]:
    """What each sentence needs to be judged at any thresholds without running the detector
    again."""
    from bot.core.hedges.detector import LEXICON_KINDS, Detector
    from bot.core.hedges.lexicon import find_cues, is_false_cue
    from bot.core.hedges.model import HedgeModel

    model = HedgeModel(
        tuple(data["classes"]),
        tuple(data["bias"]),
        {k: tuple(v) for k, v in data["weights"].items()},
        frozenset(data["candidates"]),
        threshold=1.01,  # above any probability, so `uncertain` is the lexicon's verdict alone
        lexicon_threshold=1.01,
        modal_threshold=1.01,
    )
    lexicon_only = Detector(model)
    out = []
    for row in rows:
        text = row["text"]
        hedging = [c for c in find_cues(text) if c.kind not in LEXICON_KINDS]
        tokens = tokenize(text)
        marks = sentence_marks(tokens)
        best = [0.0, 0.0, 0.0]
        for i, token in enumerate(tokens):
            if token.lower in model.candidates and not is_false_cue(
                text, token.start, token.end, "learned"
            ):
                listed = any(c.start <= token.start and token.end <= c.end for c in hedging)
                group = 0 if token.lower in MODALS else 1 if listed else 2
                hedge = 1.0 - model.probabilities(tokens, i, marks)[0]
                best[group] = max(best[group], hedge)
        out.append((*best, lexicon_only.detect(text).uncertain))
    return out


def at(decided: list[Decided], bars: tuple[float, float, float]) -> list[bool]:
    return [any(p >= b for p, b in zip(d[:3], bars, strict=True)) or d[3] for d in decided]


def f1_grid(decided: list[Decided], rows: list[dict], grid: np.ndarray) -> np.ndarray:
    """Sentence F1 at each row of bars in grid, all at once."""
    scores = np.array([d[:3] for d in decided])
    lexicon = np.array([d[3] for d in decided])
    truth = np.array(gold(rows))
    predicted = lexicon[None, :] | (scores[None, :, :] >= grid[:, None, :]).any(axis=2)
    tp = (predicted & truth).sum(axis=1)
    fp = (predicted & ~truth).sum(axis=1)
    fn = (~predicted & truth).sum(axis=1)
    precision, recall = tp / np.maximum(tp + fp, 1), tp / np.maximum(tp + fn, 1)
    return np.round(2 * precision * recall / np.maximum(precision + recall, 1e-9), 3)


def folds(rows: list[dict], key: str, seed: int = 13) -> list[list[dict]]:
    """Rows in FOLDS groups of whole documents or stories (`key`), so no fold shares one."""
    groups = sorted({r[key] for r in rows})
    random.Random(seed).shuffle(groups)
    fold = {g: i % FOLDS for i, g in enumerate(groups)}
    return [[r for r in rows if fold[r[key]] == k] for k in range(FOLDS)]


def unseen(
    wiki: list[dict], news: list[dict], c: float, weight: float
) -> tuple[list[tuple[dict, Decided]], list[tuple[dict, Decided]]]:
    """Decisions on every Wikipedia and news tune sentence by a model trained without its
    document or story: what the thresholds are picked on."""
    wiki_folds, news_folds = folds(wiki, "doc_id"), folds(news, "story")
    wiki_out: list[tuple[dict, Decided]] = []
    news_out: list[tuple[dict, Decided]] = []
    for k in range(FOLDS):
        data = train(
            [r for j, fold in enumerate(wiki_folds) if j != k for r in fold],
            [r for j, fold in enumerate(news_folds) if j != k for r in fold],
            c,
            weight,
        )
        wiki_out += zip(wiki_folds[k], decisions(data, wiki_folds[k]), strict=True)
        news_out += zip(news_folds[k], decisions(data, news_folds[k]), strict=True)
    return wiki_out, news_out


def gold(rows: list[dict]) -> list[bool]:
    return [r["label"] == "uncertain" for r in rows]


def f1(predicted: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f, 3)}


def fit(wiki: list[dict], news: list[dict], c: float, weight: float) -> tuple[dict, dict]:
    """The model trained on all tune sentences, with the bars picked on unseen-fold
    decisions, and the figures of those decisions at those bars."""
    wiki_unseen, news_unseen = unseen(wiki, news, c, weight)
    wiki_rows, wiki_decided = [r for r, _ in wiki_unseen], [d for _, d in wiki_unseen]
    news_rows, news_decided = [r for r, _ in news_unseen], [d for _, d in news_unseen]
    # The best news figure that costs Wikipedia at most WIKI_SLACK of its best F1.
    grid = np.array(list(itertools.product(BARS, repeat=3)))
    wiki_f1, news_f1 = (
        f1_grid(wiki_decided, wiki_rows, grid),
        f1_grid(news_decided, news_rows, grid),
    )
    allowed = np.flatnonzero(wiki_f1 >= wiki_f1.max() - WIKI_SLACK)
    pick = max(allowed, key=lambda k: (news_f1[k], wiki_f1[k]))
    bars = tuple(round(float(b), 2) for b in grid[pick])
    data = train(wiki, news, c, weight)
    data["modal_threshold"], data["lexicon_threshold"], data["threshold"] = bars
    figures = {
        "thresholds": dict(zip(("modal verbs", "lexicon words", "other words"), bars, strict=True)),
        "wiki_tune_unseen": f1(at(wiki_decided, bars), gold(wiki_rows)),
        "news_tune_unseen": f1(at(news_decided, bars), gold(news_rows)),
        "features": len(data["weights"]),
    }
    return data, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / WEIGHTS_FILE)
    parser.add_argument("--c", type=float, default=0.5, help="inverse regularisation strength")
    parser.add_argument("--news-weight", type=float, default=NEWS_WEIGHT)
    args = parser.parse_args()
    wiki_tune, test_rows = split(load(args.data))
    news_tune, news_test = news_parts(args.news)
    data, figures = fit(wiki_tune, news_tune, args.c, args.news_weight)
    bars = data["modal_threshold"], data["lexicon_threshold"], data["threshold"]
    figures = {
        "sentences": {
            "wiki": {"tune": len(wiki_tune), "test": len(test_rows)},
            "news": {"tune": len(news_tune), "held_out": len(news_test)},
        },
        **figures,
    }
    data["trained_on"] = figures  # what `make bench-hedges` shows beside its held-out figures
    figures = {
        **figures,
        "wiki_test": f1(at(decisions(data, test_rows), bars), gold(test_rows)),
        "news_held_out": f1(at(decisions(data, news_test), bars), gold(news_test)),
    }
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        json.dump(data, out, separators=(",", ":"))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
