"""Stance figures on held-out FNC-1 training stories: how often newsbot would say two reports of
one claim conflict, for pairs that disagree and pairs that agree, and per claim.

Run with `make bench-stance` (or `python -m bench.stance [--fnc DIR]`). It uses the split of
`make train-stance`, by story, so no held-out claim or body was seen in training or threshold
choice, and reads only `train_bodies.csv` and `train_stances.csv`. Without the data, it prints
the figures stored with the shipped weights when they were trained.
"""

from __future__ import annotations

import argparse
import gzip
import json
from importlib import resources
from pathlib import Path

from bot.core.conflicts.stance import WEIGHTS_FILE, default_stance_model
from bot.core.conflicts.stance_training import DEFAULT_DATA, held_out_figures, load, split


def stored() -> dict:
    source = resources.files("bot.core.conflicts").joinpath(WEIGHTS_FILE)
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return json.load(text)["trained_on"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fnc", type=Path, default=DEFAULT_DATA, help="the FNC-1 folder")
    args = parser.parse_args(argv)
    if not (args.fnc / "train_stances.csv").is_file():
        print(f"no FNC-1 data at {args.fnc}; the figures stored when the weights were trained:")
        print(json.dumps(stored()["held_out"], indent=2))
        return
    texts, pairs = load(args.fnc)
    test = split(pairs)[2]
    model = default_stance_model()
    flags = [model.denial(p.claim, texts[p.body]) is not None for p in test]
    figures = {"held_out_related_pairs": len(test), **held_out_figures(flags, test)}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
