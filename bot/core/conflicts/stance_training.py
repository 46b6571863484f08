"""Rebuild the stance weights from the FNC-1 training files (`make train-stance`).

    python -m bot.core.conflicts.stance_training [--fnc ../shared/eval/fnc-1] [--out PATH]

Reads only `train_bodies.csv` and `train_stances.csv` (never the competition test files). The
headline is the claim and the body the article; the pairs FNC-1 labels related (agree, discuss,
disagree) are kept, and the model learns which bodies disagree. They are split by story (the
claims and bodies the pairs join), about 70% of the pairs to train, 10% to choose the
threshold, 20% held out for the figures it prints and stores: no held-out claim or body was
seen in training.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from bot.core.conflicts.stance import StanceModel, features, sentences_of, strongest_denial

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "fnc-1"
SOURCE = "FakeNewsChallenge/fnc-1, commit 29d473af2d15278f0464d5e41e4cbe7eb58231f2"
# On the threshold split, the most disagreeing bodies caught while wrongly flagging at most
# this share of those that agree or discuss (most reports of a claim only discuss it).
MAX_FALSE_FLAGS = 0.03


@dataclass(frozen=True)
class Pair:
    claim: str
    body: int
    stance: str  # agree, discuss or disagree


def load(folder: Path) -> tuple[dict[int, list[str]], list[Pair]]:
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as bodies:
        texts = {int(r["Body ID"]): sentences_of(r["articleBody"]) for r in csv.DictReader(bodies)}
    with (folder / "train_stances.csv").open(encoding="utf-8", newline="") as stances:
        pairs = [
            Pair(r["Headline"], int(r["Body ID"]), r["Stance"])
            for r in csv.DictReader(stances)
            if r["Stance"] != "unrelated"
        ]
    return texts, pairs


def split(pairs: list[Pair], seed: int = 17) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """Train, threshold and held-out pairs, by story: no claim and no body is in two of them,
    so the held-out claims were never seen with any body. Stories are shuffled and dealt out
    until each part holds its share of the pairs."""
    story = _stories(pairs)
    sizes: dict[int, int] = {}
    for pair in pairs:
        sizes[story[pair.body]] = sizes.get(story[pair.body], 0) + 1
    order = sorted(sizes)
    random.Random(seed).shuffle(order)
    part: dict[int, int] = {}
    dealt = 0
    for key in order:
        part[key] = 0 if dealt < 0.7 * len(pairs) else 1 if dealt < 0.8 * len(pairs) else 2
        dealt += sizes[key]
    groups: tuple[list[Pair], list[Pair], list[Pair]] = ([], [], [])
    for pair in pairs:
        groups[part[story[pair.body]]].append(pair)
    return groups


def _stories(pairs: list[Pair]) -> dict[int, int]:
    """Each body's story, named by its smallest body id: the bodies and claims joined by
    pairs, as FNC-1 drew its headlines and bodies from one story of the Emergent data."""
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        a, b = root(("claim", pair.claim)), root(pair.body)
        if a != b:
            parent[a] = b
    smallest: dict[object, int] = {}
    for pair in pairs:
        top = root(pair.body)
        smallest[top] = min(smallest.get(top, pair.body), pair.body)
    return {pair.body: smallest[root(pair.body)] for pair in pairs}


def fit(rows: list[dict[str, float]], labels: list[bool], c: float) -> StanceModel:
    from sklearn.linear_model import LogisticRegression

    names = sorted({name for row in rows for name in row})
    matrix = np.array([[row.get(n, 0.0) for n in names] for row in rows])
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit((matrix - mean) / scale, labels)
    weights = {n: round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True)}
    return StanceModel(
        weights,
        {n: round(float(m), 5) for n, m in zip(names, mean, strict=True)},
        {n: round(float(s), 5) for n, s in zip(names, scale, strict=True)},
        round(float(model.intercept_[0]), 5),
        0.5,
    )


def threshold(scores: list[float], pairs: list[Pair]) -> float:
    """The lowest threshold that says at most MAX_FALSE_FLAGS of the bodies that agree or
    discuss deny."""
    agreeing = sorted((s for s, p in zip(scores, pairs, strict=True) if p.stance != "disagree"))
    allowed = int(MAX_FALSE_FLAGS * len(agreeing))
    return round(agreeing[len(agreeing) - allowed - 1] + 1e-6, 4) if agreeing else 0.5


def share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 4) if values else float("nan")


def held_out_figures(flags: list[bool], pairs: list[Pair]) -> dict:
    """Bodies: the share of each stance said to call the claim false (as newsbot says it: the
    model's verdict and a word such as "hoax" in the body). Claims: for two
    bodies on one headline, whether newsbot would say they conflict (one calls it false, the
    other does not), for pairs that disagree and for pairs that both agree; and for each
    headline with two bodies or more, whether any two of its bodies would be said to
    conflict, for headlines a body disagrees with and headlines no body disagrees with."""
    denies = {(p.claim, p.body): flag for flag, p in zip(flags, pairs, strict=True)}
    by_claim: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_claim.setdefault(pair.claim, []).append(pair)
    disputed, undisputed = [], []
    for claim, told in by_claim.items():
        said = {denies[(claim, p.body)] for p in told}
        stances = {p.stance for p in told}
        if len(told) > 1 and "disagree" in stances and len(stances) > 1:
            disputed.append(len(said) == 2)
        elif len(told) > 1 and "disagree" not in stances:
            undisputed.append(len(said) == 2)
    disagreeing, agreeing, reporting = [], [], []
    for claim, told in by_claim.items():
        for a, b in combinations(told, 2):
            conflict = denies[(claim, a.body)] != denies[(claim, b.body)]
            stances = {a.stance, b.stance}
            if "disagree" in stances and len(stances) == 2:
                disagreeing.append(conflict)
            elif stances == {"agree"}:
                agreeing.append(conflict)
            elif "disagree" not in stances:
                reporting.append(conflict)
    return {
        "bodies": {
            stance: {
                "pairs": sum(p.stance == stance for p in pairs),
                "flagged": share(denies[(p.claim, p.body)] for p in pairs if p.stance == stance),
            }
            for stance in ("disagree", "agree", "discuss")
        },
        "claims": {
            "disagreeing_pairs": len(disagreeing),
            "disagreeing_flagged": share(disagreeing),
            "agreeing_pairs": len(agreeing),
            "agreeing_wrongly_flagged": share(agreeing),
            "agree_or_discuss_pairs": len(reporting),
            "agree_or_discuss_wrongly_flagged": share(reporting),
            "disputed_claims": len(disputed),
            "disputed_claims_flagged": share(disputed),
            "undisputed_claims": len(undisputed),
            "undisputed_claims_wrongly_flagged": share(undisputed),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fnc", type=Path, default=DEFAULT_DATA, help="the FNC-1 folder")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "stance.json.gz", help="weights file"
    )
    parser.add_argument("--c", type=float, default=0.1, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    if not (args.fnc / "train_stances.csv").is_file():
        sys.exit(f"error: no FNC-1 train_bodies.csv and train_stances.csv in {args.fnc}")
    texts, pairs = load(args.fnc)
    train, dev, test = split(pairs)

    def rows(part: list[Pair]) -> list[dict[str, float]]:
        return [features(p.claim, texts[p.body]) for p in part]

    model = fit(rows(train), [p.stance == "disagree" for p in train], args.c)
    # A body with no word such as "hoax" is never said to deny, whatever its score.
    dev_scores = [
        model.probability(p.claim, texts[p.body])
        if strongest_denial(p.claim, texts[p.body])
        else 0.0
        for p in dev
    ]
    cut = threshold(dev_scores, dev)
    model = StanceModel(model.weights, model.mean, model.scale, model.bias, cut)
    flags = [model.denial(p.claim, texts[p.body]) is not None for p in test]
    figures = held_out_figures(flags, test)
    trained_on = {
        "source": SOURCE,
        "files": ["train_bodies.csv", "train_stances.csv"],
        "related_pairs": {"train": len(train), "threshold": len(dev), "held_out": len(test)},
        "held_out": figures,
    }
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        json.dump(model.to_dict(trained_on), out, separators=(",", ":"), sort_keys=True)
    print(json.dumps({"threshold": cut, **trained_on}, indent=2))


if __name__ == "__main__":
    main()
