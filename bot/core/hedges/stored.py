"""Cues computed once at ingest and stored with each passage, so answering runs no model."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from bot.core.hedges.detector import Detection, Detector, default_detector
from bot.core.hedges.lexicon import Cue
from bot.core.hedges.model import WEIGHTS_FILE
from index.models import Passage

# The files whose change changes what the detector says.
_SOURCES = ("lexicon.py", "detector.py", "model.py", "tokens.py", "scope.py", WEIGHTS_FILE)


@cache
def detector_version() -> str:
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(resources.files("bot.core.hedges").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


class CueAnnotator:
    """What the index runs on every sentence it stores: the detector, in compact form."""

    def __init__(self, detector: Detector | None = None):
        self.detector = detector or default_detector()
        self.version = detector_version()

    def __call__(self, sentences: list[str]) -> list[object]:
        return [_note(self.detector.detect(sentence)) for sentence in sentences]


def _note(detection: Detection) -> dict[str, object]:
    return {
        "uncertain": detection.uncertain,
        "probability": round(detection.probability, 4),
        "cues": [[c.start, c.end, c.kind, c.scope_start, c.scope_end] for c in detection.cues],
    }


def sentence_cues(passage: Passage, i: int) -> tuple[Cue, ...]:
    """The stored cues of sentence i, or the detector's answer now when none are stored or
    they came from another version of it (until `newsbot reindex` refreshes them)."""
    text = passage.sentence_text(i)
    if passage.notes is not None and passage.notes_version == detector_version():
        note = passage.notes[i]
        if isinstance(note, dict):
            return tuple(
                Cue(s, e, text[s:e], kind, scope_start, scope_end)
                for s, e, kind, scope_start, scope_end in note["cues"]
            )
    return default_detector().detect(text).cues
