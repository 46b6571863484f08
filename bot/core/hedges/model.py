"""The trained cue model: logistic regression weights read from a small file in the package."""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.core.hedges.tokens import Token, features
from index.errors import NewsbotError

WEIGHTS_FILE = "weights.json.gz"
# Modal verbs get a bar of their own: Wikipedia's "could" is often a past ability and its
# "would" a future seen from the past, while news uses both mostly for possibilities.
MODALS = frozenset({"may", "might", "could", "would", "should", "can", "must", "will"})


class HedgeModelError(NewsbotError):
    """The trained weights are missing or unreadable; `make train-hedges` rebuilds them."""


@dataclass(frozen=True)
class HedgeModel:
    """Scores only candidate words (those seen as cues in training or in the lexicon).

    Other words are never cues, which keeps the model fast and stops it from learning
    Wikipedia's topics instead of its hedges.
    """

    classes: tuple[str, ...]  # classes[0] is "none"
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    candidates: frozenset[str]
    threshold: float
    # A lower bar for a word inside a lexicon hedge phrase: the lexicon is evidence too.
    lexicon_threshold: float
    modal_threshold: float

    @classmethod
    def load(cls, path: Path | None = None) -> HedgeModel:
        source = path or resources.files("bot.core.hedges").joinpath(WEIGHTS_FILE)
        try:
            with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
                data = json.load(text)
            return cls(
                classes=tuple(data["classes"]),
                bias=tuple(data["bias"]),
                weights={k: tuple(v) for k, v in data["weights"].items()},
                candidates=frozenset(data["candidates"]),
                threshold=float(data["threshold"]),
                lexicon_threshold=float(data["lexicon_threshold"]),
                modal_threshold=float(data["modal_threshold"]),
            )
        except FileNotFoundError as error:
            raise HedgeModelError(
                f"hedge model {source} is missing; run `make train-hedges`"
            ) from error
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            raise HedgeModelError(
                f"hedge model {source} is unreadable ({error}); run `make train-hedges`"
            ) from error

    def bar(self, word: str, listed: bool) -> float:
        """The hedge probability a word needs to be a cue; `listed` if a lexicon phrase holds it."""
        if word in MODALS:
            return self.modal_threshold
        return self.lexicon_threshold if listed else self.threshold

    def probabilities(
        self, tokens: list[Token], i: int, marks: frozenset[str] = frozenset()
    ) -> list[float]:
        """Class probabilities of token i (softmax over the summed feature weights)."""
        scores = list(self.bias)
        for name in features(tokens, i, marks):
            row = self.weights.get(name)
            if row:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]
