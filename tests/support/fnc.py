"""A small folder shaped like FNC-1's training files, for the stance training and benchmark."""

from __future__ import annotations

import csv
from pathlib import Path

REPORT = "Officials confirmed that the {thing} was found near the river on Monday, police said."
DENIAL = "The story that the {thing} was found is a hoax: the photos were fake, officials said."


def fnc_folder(folder: Path) -> Path:
    """40 stories, each told by a body that reports it and one that calls it a hoax."""
    folder.mkdir()
    bodies, stances = [], []
    for n in range(40):
        thing = f"statue number {n}"
        bodies += [(2 * n, REPORT.format(thing=thing)), (2 * n + 1, DENIAL.format(thing=thing))]
        claim = f"The {thing} was found near the river"
        stances += [(claim, 2 * n, "agree"), (claim, 2 * n + 1, "disagree")]
        stances.append((claim, (2 * n + 7) % 80, "unrelated"))
    with (folder / "train_bodies.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([("Body ID", "articleBody"), *bodies])
    with (folder / "train_stances.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([("Headline", "Body ID", "Stance"), *stances])
    return folder
