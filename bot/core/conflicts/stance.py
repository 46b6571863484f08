"""Whether an article calls a claim false: cue words read around the claim, weighed by a small
logistic model trained on the FNC-1 training stances (`make train-stance`).

The cues are a closed list (hoax, fake, denied, debunked, retracted, "not true", ...), counted
in the whole article, in its first sentences and in the sentences that use the claim's words,
so the model learns how outlets word a denial and never the topics of its training stories.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from index.errors import NewsbotError

WEIGHTS_FILE = "stance.json.gz"
# How many of the claim's sentences, best first, and of the article's first sentences count.
NEAR_SENTENCES = 5
LEAD_SENTENCES = 3

# Each cue: a name for its features, and the words that are it. `says` is how the caveat puts
# what the article says of the claim, for the cues that call it false.
CUES: dict[str, str] = {
    "hoax": r"hoax(?:es|ed)?",
    "fake": r"fake[ds]?|faked|fakery",
    "false": r"false(?:ly|hood)?|untrue|not true|isn[’']t true|wasn[’']t true|inaccurate|incorrect",
    "debunk": r"debunk(?:s|ed|ing)?",
    "deny": r"den(?:y|ies|ied|ying|ial|ials)",
    "retract": r"retract(?:s|ed|ion|ions)?",
    "rumour": r"rumou?r(?:s|ed)?",
    "fabricated": r"fabricat(?:e|ed|ion)|made[- ]up|made it up",
    "satire": r"satir(?:e|ical)|parody|spoof|prank(?:s|ster)?|joke",
    "baseless": r"baseless|unfounded|no evidence|nonsense|rubbish|myth",
    "dismiss": r"dismiss(?:es|ed)?|refut(?:e|es|ed)|reject(?:s|ed)?|rebuff(?:s|ed)?",
    "doctored": r"doctored|photoshop(?:ped)?|manipulated",
    "doubt": r"supposed(?:ly)?|purported(?:ly)?|dubious|doubt(?:s|ful|ed)?|skeptic(?:al|s)?"
    r"|sceptic(?:al|s)?|misleading|conflicting|mistaken(?:ly)?|wrong(?:ly)?|tale",
    "correction": r"correction|clarif(?:y|ied|ication)|in fact|actually",
    "confirm": r"confirm(?:s|ed)?|verified",
    "report": r"report(?:s|ed|edly)?|claim(?:s|ed)?|allegedly|according to",
    "negation": r"not|no|never|n[’']t",
    "question": r"\?",
}
_PATTERNS = {
    name: re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.I) for name, words in CUES.items()
}
# The cues that say a claim is false, and how newsbot's caveat says so.
SAYS = {
    "hoax": "it is a hoax",
    "fake": "it is fake",
    "false": "it is false",
    "debunk": "it has been debunked",
    "deny": "it is denied",
    "retract": "it was retracted",
    "fabricated": "it was made up",
    "satire": "it is satire",
    "baseless": "it is baseless",
    "doctored": "it is doctored",
}
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "who",
        "what",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "not",
        "no",
        "said",
        "says",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "about",
        "after",
        "over",
        "into",
        "than",
        "then",
        "there",
        "new",
        "just",
        "more",
    ]
)


def claim_words(claim: str) -> frozenset[str]:
    """The words of a claim that an article about it would repeat."""
    return frozenset(w for w in _WORD.findall(claim.lower()) if len(w) > 2 and w not in _STOP)


def sentences_of(text: str) -> list[str]:
    """A body of text cut into sentences, for training data that comes as one string."""
    return [s for s in _SENTENCE.split(text.replace("\n", " ")) if s.strip()]


def features(claim: str, sentences: Sequence[str]) -> dict[str, float]:
    """Cue counts (log-scaled) in the article, its lead, and its sentences nearest the claim;
    the words that call a claim false counted together, so no one of them is learnt alone."""
    words = claim_words(claim)
    overlaps = [len(words & _words(s)) for s in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: -overlaps[i])
    near = [sentences[i] for i in ranked[:NEAR_SENTENCES] if overlaps[i] > 0]
    close = [s for s, n in zip(sentences, overlaps, strict=True) if n >= 2]
    parts = {
        "all": sentences,
        "lead": sentences[:LEAD_SENTENCES],
        "near": near,
        "close": close,
    }
    row: dict[str, float] = {}
    for part, texts in parts.items():
        for group, count in _grouped(_summed(texts)).items():
            row[f"{part}:{group}"] = math.log1p(count)
    claimed = _cue_counts(claim)
    for group in claimed:
        row[f"claim:{group}"] = 1.0
    # A headline that itself says "hoax" agrees with a body that does: what counts is whether
    # the two differ.
    if "denial" in claimed:
        row["both:denial"] = row.get("near:denial", 0.0)
    best = max(overlaps, default=0)
    row["overlap"] = best / len(words) if words else 0.0
    return row


def _cue_counts(text: str) -> dict[str, int]:
    return _grouped(_pattern_counts(text))


def _summed(texts: Sequence[str]) -> list[int]:
    """Each cue's count in the texts together: no cue spans a line break, so the counts of
    the texts joined are the sums of their own."""
    total = [0] * len(_PATTERNS)
    for text in texts:
        for n, found in enumerate(_pattern_counts(text)):
            total[n] += found
    return total


@lru_cache(maxsize=16384)
def _pattern_counts(text: str) -> tuple[int, ...]:
    """How often each cue occurs in `text`; a sentence is read once however often it is asked
    about."""
    return tuple(len(pattern.findall(text)) for pattern in _PATTERNS.values())


def _grouped(counts: Sequence[int]) -> dict[str, int]:
    grouped: dict[str, int] = {}
    for name, found in zip(_PATTERNS, counts, strict=True):
        if found:
            group = "denial" if name in SAYS else name
            grouped[group] = grouped.get(group, 0) + found
    return grouped


@lru_cache(maxsize=8192)
def _words(sentence: str) -> frozenset[str]:
    return frozenset(_WORD.findall(sentence.lower()))


def strongest_denial(claim: str, sentences: Sequence[str]) -> tuple[str, str] | None:
    """The false-calling cue nearest the claim, as (cue name, the article's own word), from its
    sentences that use the claim's words first; None when it uses none."""
    words = claim_words(claim)
    ranked = sorted(sentences, key=lambda s: -len(words & _words(s)))
    for sentence in ranked:
        for name in SAYS:
            match = _PATTERNS[name].search(sentence)
            if match:
                return name, match.group()
    return None


class StanceModelError(NewsbotError):
    """The stance weights are missing or unreadable; `make train-stance` rebuilds them."""


@dataclass(frozen=True)
class StanceModel:
    """P(the article calls the claim false) = σ(bias + Σ weight · (feature - mean) / scale)."""

    weights: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]
    bias: float
    threshold: float

    def probability(self, claim: str, sentences: Sequence[str]) -> float:
        row = features(claim, sentences)
        z = self.bias + sum(
            w * (row.get(name, 0.0) - self.mean[name]) / self.scale[name]
            for name, w in self.weights.items()
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def denial(self, claim: str, sentences: Sequence[str]) -> tuple[str, str] | None:
        """The cue by which the article calls the claim false, as (cue name, its own word),
        when the model says it does and the article has such a word; else None."""
        if self.probability(claim, sentences) < self.threshold:
            return None
        return strongest_denial(claim, sentences)

    def to_dict(self, trained_on: dict) -> dict:
        return {
            "weights": self.weights,
            "mean": self.mean,
            "scale": self.scale,
            "bias": self.bias,
            "threshold": self.threshold,
            "trained_on": trained_on,
        }

    @classmethod
    def load(cls, path: Path | None = None) -> StanceModel:
        source = path or resources.files("bot.core.conflicts").joinpath(WEIGHTS_FILE)
        try:
            with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
                data = json.load(text)
            return cls(
                {k: float(v) for k, v in data["weights"].items()},
                {k: float(v) for k, v in data["mean"].items()},
                {k: float(v) for k, v in data["scale"].items()},
                float(data["bias"]),
                float(data["threshold"]),
            )
        except FileNotFoundError as error:
            raise StanceModelError(
                f"stance model {source} is missing; run `make train-stance`"
            ) from error
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            raise StanceModelError(
                f"stance model {source} is unreadable ({error}); run `make train-stance`"
            ) from error


@cache
def default_stance_model() -> StanceModel:
    """The weights in the package, read once per process."""
    return StanceModel.load()
