"""The trained reader: how likely each candidate sentence is to answer, and the first one.

Two logistic models, read from a small JSON file shipped in the package. The first scores
every candidate sentence on its own and ranks the pool; the second reads each of the leading
few beside the first model's view of the whole pool (how sure, how far ahead of the others,
its place) and gives the probability that it answers; the most probable comes first. The
second is fitted on held-out scores of the first, so its probability is calibrated rather than
the first model's overconfident maximum.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from bot.core.questions import place_names
from bot.core.reader.features import SENTENCE_FEATURES, Pool
from index.errors import NewsbotError

WEIGHTS = "weights.json.gz"
REBUILD = "rebuild it with `make train-answers`"
ANSWER_FEATURES = (
    "own_logit",
    "rival_logit",
    "lead",
    "mass",
    "position",
    *(f"own_{name}" for name in SENTENCE_FEATURES),
)


class ReaderError(NewsbotError):
    """The reader's weights are missing, unreadable or made for other features."""


# Candidates, best first by the first model, that the second one weighs: the answer and any
# further quotes come from these.
LEADING = 3


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


def logit(p: float) -> float:
    q = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(q / (1 - q)))


def ranking(scores: np.ndarray) -> list[int]:
    """Candidates best first by the first model; ties keep the pool's order."""
    return [int(i) for i in np.argsort(-scores, kind="stable")]


def leading(scores: np.ndarray) -> list[int]:
    return ranking(scores)[:LEADING]


def answer_rows(pool: Pool, scores: np.ndarray, chosen: list[int]) -> np.ndarray:
    """What the second model reads of each leading candidate: its first-model score against
    the best of the others, the pool's total, its place, and its own feature row."""
    rows = []
    for position, i in enumerate(chosen):
        own = float(scores[i])
        others = np.delete(scores, i)
        rival = float(others.max()) if len(others) else 0.0
        head = [logit(own), logit(rival), own - rival, min(float(scores.sum()), 3.0), position]
        rows.append(np.concatenate([np.asarray(head, dtype=np.float64), pool.features[i]]))
    return np.vstack(rows)


_NAMES_ARTICLE = SENTENCE_FEATURES.index("names_article")


def fits(pool: Pool, i: int) -> tuple[bool, bool]:
    """Whether a sentence can answer at all: (it names what the question names, it gives a
    figure when one is asked for).

    Names: its article must name the question's people, and it or its paragraph the
    question's places (a figure for Chinese troops is none for Russian ones).
    """
    candidate = pool.candidates[i]
    places = place_names()
    named = pool.features[i, _NAMES_ARTICLE] >= 1.0 and all(
        e.asked in candidate.named for e in pool.question.entities if e.asked.lower() in places
    )
    return named, pool.question.kind != "quantity" or candidate.span is not None


@dataclass(frozen=True)
class TrainedReader:
    sentence: Logistic
    answer: Logistic

    def read(self, pool: Pool) -> Reading:
        if not pool.candidates:
            return Reading((), (), {})
        scores = self.sentence.probabilities(pool.features.astype(np.float64))
        ranked = ranking(scores)
        chosen = ranked[:LEADING]
        calibrated = self.answer.probabilities(answer_rows(pool, scores, chosen))
        checks = {i: fits(pool, i) for i in chosen}
        probabilities = {
            i: float(p) if all(checks[i]) else 0.0 for i, p in zip(chosen, calibrated, strict=True)
        }
        raw = dict(zip(chosen, calibrated, strict=True))
        first = sorted(chosen, key=lambda i: (*checks[i], raw[i]), reverse=True)
        rest = [i for i in ranked if i not in probabilities]
        return Reading(tuple(first + rest), tuple(float(s) for s in scores), probabilities)

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
    where = str(path) if path else f"bot/core/reader/{WEIGHTS}"
    try:
        if path is None:
            raw = resources.files("bot.core.reader").joinpath(WEIGHTS).read_bytes()
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
