"""`backend = "auto"`: the encoder backend measured fastest on this machine, recorded once.

Which runtime is fastest depends on the CPU (its vector instructions, its cores) far more than
on anything newsbot can know in advance: on one machine the int8 ONNX model leads, on another
OpenVINO does. So on first use each installed backend encodes a fixed sample of sentences; one
whose vectors stray from the published model's (the lowest cosine below MIN_COSINE) is set
aside, and the fastest of the rest is recorded in the model cache under this machine's key
(`index.machine`), so later processes only read the record.

torch is the reference: its vectors are the published model's and its time is the baseline
the others are compared to. It is chosen only when no exported backend passes, because it adds
seconds to every process start (`newsbot ask`) that no encoding speed wins back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import EmbeddingError, EmbeddingSettings, Encoder
from index.machine import read_record, this_machine, write_record

log = logging.getLogger(__name__)

# In the order they are timed: torch last, so its idle threads do not slow the others.
CHOICES = ("onnx", "onnx-int8", "openvino", "torch")
REFERENCE = "torch"
MIN_COSINE = 0.99
RUNS = 3  # timed rounds of the sample over every backend; each one's fastest counts
# Bumped when the sample or the rule changes, so old records are measured again.
_METHOD = 1
# News-like sentences of the lengths passages have; fixed, so every machine times the same work.
SAMPLE = (
    "The central bank raised its benchmark rate by a quarter point on Wednesday, its third "
    "increase this year, citing inflation that has stayed above its target for eighteen months.",
    "Officials said the bridge would reopen to traffic on Tuesday after three weeks of repairs.",
    "Rescue teams worked through the night to reach villages cut off by the landslide.",
    "The company reported a loss of $1.2 billion for the quarter, wider than analysts expected.",
    "Voters in the northern provinces turned out in record numbers, according to the election "
    "commission, which extended polling hours at more than two hundred stations.",
    "The minister denied the report.",
    "Scientists found that the glacier had retreated nearly two kilometres since 1990, faster "
    "than any model had predicted, and warned that the pace could double within a decade.",
    "Ticket prices for the final rose sharply after the home team's semi-final win.",
    "The trial, which began in March, is expected to last until the end of the year.",
    "Negotiators from both sides met in Geneva for a second round of talks, but a spokesman "
    "said no agreement on the ceasefire's terms had been reached.",
    "Shares in the carmaker fell 8 percent in early trading.",
    "The museum will return the statue to the country it was taken from more than a century "
    "ago, its director announced at a ceremony attended by the culture minister.",
    "Heavy rain is forecast for the coast through the weekend.",
    "A spokeswoman for the hospital said the patients were in stable condition.",
    "The law, passed by a narrow margin, requires large platforms to publish how their "
    "recommendation systems rank posts and to let users switch them off.",
    "Firefighters contained the blaze by Sunday evening, the regional authority said.",
)


@dataclass(frozen=True)
class Timing:
    """One backend on the sample: its best time, its mean cosine to the reference, and why
    it was not chosen (empty for the chosen one)."""

    name: str
    seconds: float | None  # None: the backend could not run here
    cosine: float | None
    note: str = ""


@dataclass(frozen=True)
class BackendChoice:
    """The backend `auto` runs, with the measurement it was chosen by."""

    name: str  # one of CHOICES
    reason: str
    timings: tuple[Timing, ...]
    measured_at: str
    recorded: bool = False  # read from the cache rather than measured by this process

    @property
    def settings(self) -> tuple[str, str]:
        """(backend, quantize) of `EmbeddingSettings`."""
        backend, _, quantize = self.name.partition("-")
        return backend, quantize or "none"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "reason": self.reason,
            "timings": [asdict(t) for t in self.timings],
            "measured_at": self.measured_at,
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> BackendChoice:
        return cls(
            name=str(record["name"]),
            reason=str(record["reason"]),
            timings=tuple(Timing(**t) for t in record["timings"]),
            measured_at=str(record["measured_at"]),
            recorded=True,
        )


def topic(model_folder: Path) -> str:
    """The record's name: the model (by its export folder, named after its files) and method."""
    return f"backend-v{_METHOD}-{model_folder.name}"


def recorded_backend(settings: EmbeddingSettings, cache_dir: Path) -> BackendChoice | None:
    """The choice recorded for this machine and model, if it was measured."""
    from index.embedding.export import export_folder

    record = read_record(cache_dir, topic(export_folder(settings.model, cache_dir)))
    if record is None:
        return None
    try:
        return BackendChoice.from_dict(record)
    except (KeyError, TypeError, ValueError):
        log.warning("ignoring a malformed backend record; measuring again")
        return None


def auto_backend(
    settings: EmbeddingSettings, cache_dir: Path, remeasure: bool = False
) -> BackendChoice:
    """The recorded choice for this machine and model, measured first when there is none."""
    from index.embedding import Embedder
    from index.embedding.export import export_folder

    recorded = None if remeasure else recorded_backend(settings, cache_dir)
    if recorded is not None:
        return recorded
    name = topic(export_folder(settings.model, cache_dir))

    def candidate(choice: str) -> Callable[[], Encoder]:
        backend, _, quantize = choice.partition("-")
        fixed = EmbeddingSettings(
            settings.model, settings.offline, settings.batch_size, backend, quantize or "none"
        )
        return lambda: Embedder(fixed, cache_dir)

    log.warning("timing the embedding backends on this machine (once)")
    choice = measure({c: candidate(c) for c in CHOICES}, SAMPLE)
    write_record(cache_dir, name, choice.as_dict())
    return choice


def measure(
    candidates: Mapping[str, Callable[[], Encoder]],
    sample: tuple[str, ...],
    runs: int = RUNS,
    clock: Callable[[], float] = time.perf_counter,
) -> BackendChoice:
    """Time each candidate on `sample` (after one untimed call that loads it) and choose.

    `candidates` maps a name of CHOICES to a function making its encoder; one that cannot be
    made or run here (a package not installed) is reported and skipped. The reference's
    vectors are what the others' are compared to.
    """
    texts = list(sample)
    encoders: dict[str, Encoder] = {}
    vectors: dict[str, np.ndarray] = {}
    failed: dict[str, str] = {}
    for name, make in candidates.items():
        try:
            encoder = make()
            vectors[name] = encoder.encode(texts)  # loads the model, exports it if need be
        except (EmbeddingError, ImportError, OSError, RuntimeError) as error:
            failed[name] = f"unavailable: {str(error).splitlines()[0][:120]}"
            continue
        encoders[name] = encoder
    # Round by round, so a burst of other work on the machine slows every backend alike, and
    # the fastest round of each counts.
    times: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(runs):
        for name, encoder in encoders.items():
            start = clock()
            encoder.encode(texts)
            times[name].append(clock() - start)
    seconds = {name: min(found) for name, found in times.items()}
    reference = REFERENCE if REFERENCE in vectors else next(iter(vectors), None)
    if reference is None:
        raise EmbeddingError(
            "no embedding backend can run here: " + "; ".join(f"{n} {e}" for n, e in failed.items())
        )
    cosines = {
        name: float((found * vectors[reference]).sum(axis=1).mean())
        for name, found in vectors.items()
    }
    passing = [n for n in seconds if n != REFERENCE and cosines[n] >= MIN_COSINE]
    chosen = min(passing, key=seconds.__getitem__) if passing else reference
    timings = []
    for name in candidates:
        if name in failed:
            timings.append(Timing(name, None, None, failed[name]))
            continue
        note = ""
        if name != chosen:
            if cosines[name] < MIN_COSINE:
                note = f"vectors differ from {reference}'s (cosine {cosines[name]:.4f})"
            elif name == REFERENCE:
                note = "the reference; slower to start (imports torch)"
            else:
                note = f"slower ({seconds[name] / seconds[chosen]:.2f}x the chosen time)"
        timings.append(Timing(name, seconds[name], cosines[name], note))
    return BackendChoice(
        name=chosen,
        reason=_reason(chosen, reference, seconds, passing),
        timings=tuple(timings),
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _reason(chosen: str, reference: str, seconds: dict[str, float], passing: list[str]) -> str:
    machine = this_machine()
    where = f"on {machine.cpu} ({machine.cores} cores)"
    if not passing:
        return f"no exported backend gave {reference}'s vectors {where}; using {reference}"
    speed = seconds[reference] / seconds[chosen] if reference in seconds else None
    versus = f", {speed:.2f}x {reference}'s speed" if speed and reference != chosen else ""
    return f"fastest of {', '.join(sorted(passing))} {where}{versus}"
