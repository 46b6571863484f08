"""Hedge and attribution cues: how an article itself qualifies what it says."""

from bot.hedges.detector import Detection, Detector, default_detector, load_detector
from bot.hedges.lexicon import CUE_KINDS, Cue, find_cues, hedge_phrases
from bot.hedges.model import HedgeModelError

__all__ = [
    "CUE_KINDS",
    "Cue",
    "Detection",
    "Detector",
    "HedgeModelError",
    "default_detector",
    "find_cues",
    "hedge_phrases",
    "load_detector",
]
