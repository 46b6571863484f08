"""What newsbot chose for this machine's speed, and why: for `newsbot doctor` and the benchmark.

Both choices are measured once and recorded in the model cache (see `index.machine`): the
encoder backend (`index.embedding.choice`) and how far exact vector search stays cheap
(`index.storage.vector_cost`). Asking again reads the records; `remeasure` times afresh.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from index.embedding import Embedder
from index.embedding.choice import BackendChoice, auto_backend, recorded_backend
from index.library import Library
from index.machine import Machine, this_machine
from index.storage.vector_cost import KindChoice


@dataclass(frozen=True)
class Tuning:
    machine: Machine
    backend_setting: str  # the config's `[model] backend`
    backend: str  # what runs: "openvino", "onnx-int8", …
    choice: BackendChoice | None  # the measurement behind "auto" (recorded even if not used)
    vectors: KindChoice | None  # None for PostgreSQL, whose pgvector index is always HNSW

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.describe(),
            "backend_setting": self.backend_setting,
            "backend": self.backend,
            "choice": self.choice.as_dict() if self.choice else None,
            "vectors": asdict(self.vectors) if self.vectors else None,
        }


def tuning(library: Library, remeasure: bool = False) -> Tuning:
    """The choices `library` runs with; measured now when never measured (or `remeasure`)."""
    embedder = library.embedder
    if not isinstance(embedder, Embedder):
        raise TypeError("tuning describes the Embedder's backends only")
    settings = embedder.settings
    if remeasure:  # recorded afresh, for this process's embedder to read if it has not yet
        auto_backend(settings, embedder.cache_dir, remeasure=True)
    if settings.backend == "auto":
        choice = embedder.choice
    else:
        choice = recorded_backend(settings, embedder.cache_dir)
    running = embedder.backend + ("-int8" if embedder.quantize == "int8" else "")
    return Tuning(
        machine=this_machine(),
        backend_setting=settings.backend,
        backend=running,
        choice=choice,
        vectors=library.vector_kind(remeasure),
    )
