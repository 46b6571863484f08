"""The cue detector behind every caveat: the trained model for hedges, the lexicon for the rest.

The model decides whether a word hedges (it learned "may" the modal from "May" the month from
annotated text); the lexicon supplies the kinds no training data labels (attribution,
unconfirmed) and the full phrase around a word the model flagged ("it appears", not "appears").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.core.hedges.lexicon import Cue, _longest_first, find_cues, is_false_cue
from bot.core.hedges.model import HedgeModel
from bot.core.hedges.scope import scope
from bot.core.hedges.tokens import Token, sentence_marks, tokenize

# Kinds only the lexicon knows; the model never labels these.
LEXICON_KINDS = frozenset({"attribution", "unconfirmed"})
# Words and phrases that hedge wherever they stand. Wikipedia, the training data, rarely uses
# them, so the model is unsure of them; news uses them all the time.
ALWAYS_HEDGES = frozenset(
    {
        "reportedly",
        "allegedly",
        "purportedly",
        "supposedly",
        "apparently",
        "presumably",
        "seemingly",
        "hopefully",
        "rumoured",
        "rumored",
        "unconfirmed",
        "unverified",
        "suspected",
        "likelihood",
        "forecast",
        "forecasts",
        "predicts",
        "predicted",
        "predicting",
        "is said to",
        "are said to",
        "is reported to",
        "are reported to",
        "is understood to",
        "are understood to",
        "it has been claimed",
        "it is claimed",
        "under consideration",
        "maybe",
        "gossip",
        "improbable",
        "anyone's guess",
        "speculated",
    }
)


def _always_hedges(cue: Cue) -> bool:
    return " ".join(cue.text.lower().replace("\u2019", "'").split()) in ALWAYS_HEDGES


@dataclass(frozen=True)
class Detection:
    """A sentence's cues and how likely it is to be stated as uncertain."""

    text: str
    uncertain: bool
    probability: float
    cues: tuple[Cue, ...]

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "uncertain": self.uncertain,
            "probability": round(self.probability, 4),
            "cues": [
                {
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "kind": c.kind,
                    "scope_start": c.scope_start,
                    "scope_end": c.scope_end,
                }
                for c in self.cues
            ],
        }


class Detector:
    def __init__(self, model: HedgeModel):
        self.model = model

    def detect(self, text: str) -> Detection:
        lexical = find_cues(text)
        learned, probability = self._learned(text, lexical)
        spans = [(c.start, c.end, c.kind) for c in learned]
        for cue in lexical:
            overlaps = any(c.start < cue.end and cue.start < c.end for c in learned)
            if cue.kind in LEXICON_KINDS or overlaps or _always_hedges(cue):
                spans.append((cue.start, cue.end, cue.kind))
        cues = tuple(
            Cue(s, e, text[s:e], k, *scope(text, s, e, k)) for s, e, k in _longest_first(spans)
        )
        # The probability is the model's; a lexicon-only hedge still makes the sentence uncertain.
        uncertain = bool(learned) or any(c.kind == "unconfirmed" or _always_hedges(c) for c in cues)
        return Detection(text, uncertain, probability, cues)

    def _learned(self, text: str, lexical: list[Cue]) -> tuple[list[Cue], float]:
        """Cue words the model is sure enough of, adjacent ones joined into one phrase.

        Modal verbs, words inside one of the lexicon's hedge phrases, and other words each
        have their own bar, which training sets: news hedges with "could" and "expects" far
        more than Wikipedia. The modal bar is the highest, so that Wikipedia's past "could"
        and "would" do not make a sentence uncertain alone; in a sentence another cue already
        hedges, a modal in a lexicon phrase needs only the lexicon bar to be shown beside it.
        """
        tokens = tokenize(text)
        marks = sentence_marks(tokens)
        model = self.model
        hedging = [c for c in lexical if c.kind not in LEXICON_KINDS]
        picked: list[tuple[Token, str, bool]] = []  # (word, kind, sure enough on its own)
        best = 0.0
        for i, token in enumerate(tokens):
            if token.lower not in model.candidates or is_false_cue(
                text, token.start, token.end, "learned"
            ):
                continue
            probs = model.probabilities(tokens, i, marks)
            hedge = 1.0 - probs[0]
            best = max(best, hedge)
            listed = any(c.start <= token.start and token.end <= c.end for c in hedging)
            sure = hedge >= model.bar(token.lower, listed)
            if sure or (listed and hedge >= model.lexicon_threshold):
                kind = model.classes[max(range(1, len(probs)), key=probs.__getitem__)]
                picked.append((token, kind, sure))
        if not any(sure for _, _, sure in picked):
            return [], best
        cues: list[Cue] = []
        for token, kind, _ in picked:
            if cues and cues[-1].kind == kind and _adjacent(text, cues[-1].end, token.start):
                last = cues.pop()
                cues.append(Cue(last.start, token.end, text[last.start : token.end], kind))
            else:
                cues.append(Cue(token.start, token.end, token.text, kind))
        return cues, best


def _adjacent(text: str, end: int, start: int) -> bool:
    return not text[end:start].strip()


@cache
def default_detector() -> Detector:
    """The detector with the weights shipped in the package, loaded once."""
    return Detector(HedgeModel.load())


def load_detector(path: Path) -> Detector:
    return Detector(HedgeModel.load(path))
