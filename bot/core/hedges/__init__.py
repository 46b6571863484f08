"""Hedge and attribution cues: how an article itself qualifies what it says."""

from bot.core.hedges.detector import Detection, Detector, default_detector, load_detector
from bot.core.hedges.lexicon import CUE_KINDS, Cue, CueKind, find_cues, hedge_phrases
from bot.core.hedges.model import HedgeModelError

__all__ = [
    "CUE_KINDS",
    "Cue",
    "CueKind",
    "Detection",
    "Detector",
    "HedgeModelError",
    "default_detector",
    "find_cues",
    "hedge_phrases",
    "load_detector",
]
