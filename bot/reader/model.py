"""The trained reader: how likely each candidate sentence is to answer, and the first one.

Two logistic models, read from a small JSON file shipped in the package. The first scores
every candidate sentence on its own; the second reads the best candidate's features beside
the first model's view of the whole pool (how sure, how far ahead of the runner-up) and gives
the probability that the best candidate answers. The second is fitted on held-out predictions
of the first, so its probability is calibrated rather than the first model's overconfident
maximum.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from bot.reader.features import SENTENCE_FEATURES, Pool

WEIGHTS = "weights.json.gz"
REBUILD = "rebuild it with `make train-answers`"
ANSWER_FEATURES = (
    "best_logit",
    "runner_up_logit",
    "lead",
    "mass",
    *(f"best_{name}" for name in SENTENCE_FEATURES),
)


class ReaderError(Exception):
    """The reader's weights are missing, unreadable or made for other features."""


# Candidates, best first, that get a calibrated probability of their own (quotes beyond the
# first come from these).
CALIBRATED = 3


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one pool: candidates best first, how each ranks, how likely
    the leading ones are to answer."""

    order: tuple[int, ...]
    scores: tuple[float, ...]  # each candidate's ranking score, by its index in the pool
    probabilities: dict[int, float]  # calibrated, for the leading candidates in `order`

    @property
    def probability(self) -> float:
        """That the first candidate answers the question."""
        return self.probabilities[self.order[0]] if self.order else 0.0


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: p = σ(coef · (x - mean) / scale + intercept)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def to_dict(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict, width: int) -> Logistic:
        parts = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(p.shape != (width,) for p in parts) or not np.all(parts[1] > 0):
            raise ValueError("weights of the wrong shape")
        return cls(*parts, float(data["intercept"]))


def logit(p: float | np.ndarray) -> float | np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def answer_row(pool: Pool, probabilities: np.ndarray, chosen: int) -> np.ndarray:
    """What the second model reads of one candidate: its first-model probability against the
    best of the others, the pool's total, and its own feature row."""
    own = float(probabilities[chosen])
    others = np.delete(probabilities, chosen)
    rival = float(others.max()) if len(others) else 0.0
    head = [logit(own), logit(rival), own - rival, min(float(probabilities.sum()), 3.0)]
    return np.concatenate([np.asarray(head, dtype=np.float64), pool.features[chosen]])


@dataclass(frozen=True)
class TrainedReader:
    sentence: Logistic
    answer: Logistic

    def read(self, pool: Pool) -> Reading:
        if not pool.candidates:
            return Reading((), (), {})
        scores = self.sentence.probabilities(pool.features.astype(np.float64))
        order = tuple(int(i) for i in np.argsort(-scores, kind="stable"))
        leading = order[:CALIBRATED]
        rows = np.vstack([answer_row(pool, scores, i) for i in leading])
        calibrated = self.answer.probabilities(rows)
        return Reading(
            order,
            tuple(float(s) for s in scores),
            {i: float(p) for i, p in zip(leading, calibrated, strict=True)},
        )

    def to_dict(self, trained_on: dict) -> dict:
        return {
            "sentence_features": list(SENTENCE_FEATURES),
            "answer_features": list(ANSWER_FEATURES),
            "sentence": self.sentence.to_dict(),
            "answer": self.answer.to_dict(),
            "trained_on": trained_on,
        }

    def save(self, path: Path, trained_on: dict) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            json.dump(self.to_dict(trained_on), out)


def load_reader(path: Path | None = None) -> TrainedReader:
    """The reader from `path`, else the weights shipped in the package."""
    where = str(path) if path else f"bot/reader/{WEIGHTS}"
    try:
        if path is None:
            raw = resources.files("bot.reader").joinpath(WEIGHTS).read_bytes()
        else:
            raw = path.read_bytes()
    except OSError as error:
        raise ReaderError(f"the answer model {where} is missing; {REBUILD}") from error
    try:
        data = json.loads(gzip.decompress(raw))
        if data["sentence_features"] != list(SENTENCE_FEATURES) or data["answer_features"] != list(
            ANSWER_FEATURES
        ):
            raise ReaderError(f"the answer model {where} was trained for other features; {REBUILD}")
        return TrainedReader(
            Logistic.from_dict(data["sentence"], len(SENTENCE_FEATURES)),
            Logistic.from_dict(data["answer"], len(ANSWER_FEATURES)),
        )
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise ReaderError(f"the answer model {where} is unreadable ({error}); {REBUILD}") from error


@cache
def default_reader() -> TrainedReader:
    return load_reader()
