"""Stand-in encoder backends for the measurement `backend = "auto"` chooses by: each costs a
set time a call on a clock of their own, and gives the reference's vectors or strays from them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.embedding import EmbeddingError


class FakeEncoder:
    """Vectors of a fixed direction (bent by `bend` away from the reference), costing `cost`
    seconds a call on the fake clock."""

    def __init__(self, clock: FakeClock, cost: float, bend: float = 0.0):
        self.name, self.dimension = "fake", 4
        self._clock, self._cost, self._bend = clock, cost, bend

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(self, texts: list[str]) -> np.ndarray:
        self._clock.now += self._cost
        vector = np.array([1.0, self._bend, 0.0, 0.0], dtype=np.float32)
        return np.tile(vector / np.linalg.norm(vector), (len(texts), 1))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fakes(clock: FakeClock, **costs: float | tuple[float, float] | None):
    """Candidates named like CHOICES: a cost, (cost, bend), or None for one that cannot load."""

    def make(spec: float | tuple[float, float] | None) -> Callable[[], FakeEncoder]:
        def build() -> FakeEncoder:
            if spec is None:
                raise EmbeddingError("the openvino backend needs the package openvino")
            cost, bend = spec if isinstance(spec, tuple) else (spec, 0.0)
            return FakeEncoder(clock, cost, bend)

        return build

    return {name.replace("_", "-"): make(spec) for name, spec in costs.items()}
