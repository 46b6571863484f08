"""Hedge detector figures on held-out WikiWeasel documents and held-out news stories, beside
the plain word list.

Run with `make bench-hedges` (or `python -m bench.hedges`). Uses the same splits as
`make train-hedges`, so none of these sentences was seen in training or threshold choice.
Beside them it shows the figures training stored with the weights: the tune parts, each
sentence scored by a model trained without its document or story. The figures are printed and
written to bench/hedges.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import time
from importlib import resources
from pathlib import Path

from bot.core.hedges import default_detector
from bot.core.hedges.detector import LEXICON_KINDS
from bot.core.hedges.model import WEIGHTS_FILE
from bot.core.hedges.train import BASELINE, DEFAULT_DATA, DEFAULT_NEWS, f1, load, news_parts, split


def cue_spans(rows: list[dict]) -> dict[str, float]:
    """Cue-level F1 of the four kinds the data labels: exact spans, and any overlap."""
    detector = default_detector()
    exact = overlap_tp = predicted = gold = 0
    for row in rows:
        found = [c for c in detector.detect(row["text"]).cues if c.kind not in LEXICON_KINDS]
        truth = [(c["start"], c["end"]) for c in row["cues"] if c.get("kind") not in LEXICON_KINDS]
        predicted += len(found)
        gold += len(truth)
        exact += sum((c.start, c.end) in truth for c in found)
        overlap_tp += sum(any(c.start < e and s < c.end for s, e in truth) for c in found)

    def score(tp: int) -> float:
        p, r = tp / predicted if predicted else 0.0, tp / gold if gold else 0.0
        return round(2 * p * r / (p + r), 3) if p + r else 0.0

    return {"exact_f1": score(exact), "overlap_f1": score(overlap_tp), "gold_cues": gold}


def speed(rows: list[dict], rounds: int) -> float:
    detector = default_detector()
    texts = [r["text"] for r in rows]
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            detector.detect(text)
    return len(texts) * rounds / (time.perf_counter() - start)


def held_out(rows: list[dict]) -> dict[str, object]:
    gold = [r["label"] == "uncertain" for r in rows]
    detector = default_detector()
    return {
        "sentences": len(rows),
        "detector": f1([detector.detect(r["text"]).uncertain for r in rows], gold),
        "word_list": f1([bool(BASELINE.search(r["text"])) for r in rows], gold),
        "cue_spans": cue_spans(rows),
    }


REPORT = Path(__file__).resolve().parent / "hedges.json"


def tune_figures() -> dict:
    """What training measured on the tune parts, stored with the shipped weights."""
    source = resources.files("bot.core.hedges").joinpath(WEIGHTS_FILE)
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return json.load(text).get("trained_on", {})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--out", type=Path, default=REPORT, help="where the figures are written")
    args = parser.parse_args(argv)
    if not (args.data / "sentences.jsonl").exists():
        print(f"skipped: no WikiWeasel data at {args.data}")
        return
    _, test = split(load(args.data))
    _, news = news_parts(args.news)
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "wikipedia": held_out(test),
        "news": held_out(news),
        "sentences_per_second": round(speed(test + news, 3)),
        "tune_parts": tune_figures(),
    }
    report = json.dumps(figures, indent=2)
    args.out.write_text(report + "\n", encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
