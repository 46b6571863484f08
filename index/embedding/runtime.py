"""An exported model at run time: onnxruntime or openvino sessions, tokenised by `tokenizers`.

Nothing here imports torch or sentence-transformers, which is what keeps `newsbot ask` starting
in under a second with the default backend.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import EmbeddingError

# Padded tokens a batch holds at most (besides `batch_size` texts), so that a batch's
# activations stay in the CPU's cache: on a 2-core EPYC (1 MiB of L2 a core), batches of 64
# SQuAD sentences took a fifth to a half more CPU time than batches under this bound, with the
# same vectors (int8's within its rounding). Short texts still batch widely.
BATCH_TOKENS = 512


class ExportedModel:
    """An exported model run by onnxruntime or openvino, tokenised by `tokenizers` directly."""

    def __init__(self, folder: Path, backend: str, quantize: str):
        from tokenizers import Tokenizer

        meta = json.loads((folder / "newsbot-export.json").read_text())
        self.dimension = int(meta["dimension"])
        self._counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._batcher = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._batcher.enable_truncation(int(meta["max_length"]))
        self._batcher.no_padding()
        self._pad_id = int(meta["pad_id"])
        onnx_file = folder / ("model-int8.onnx" if quantize == "int8" else "model.onnx")
        try:
            self._run, self._inputs = (
                _onnxruntime(onnx_file) if backend == "onnx" else _openvino(onnx_file)
            )
        except ImportError as error:
            raise EmbeddingError(
                f"the {backend} backend needs the package {error.name}; install it or use "
                'backend = "torch"'
            ) from error

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def encode(
        self, texts: list[str], batch_size: int, lock: AbstractContextManager[object]
    ) -> np.ndarray:
        """Batches of similar length, so little of each batch is padding, and of at most
        BATCH_TOKENS padded tokens; `lock` is held while each batch runs (OpenVINO's compiled
        model takes one call at a time)."""
        encodings = self._batcher.encode_batch([text.strip() for text in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for span in _batches(lengths[order], batch_size):
            rows = order[span]
            shape = (len(rows), int(lengths[rows].max()))
            feed = {
                "input_ids": np.full(shape, self._pad_id, dtype=np.int64),
                "attention_mask": np.zeros(shape, dtype=np.int64),
                "token_type_ids": np.zeros(shape, dtype=np.int64),
            }
            for row, i in enumerate(rows):
                size = lengths[i]
                feed["input_ids"][row, :size] = encodings[i].ids
                feed["attention_mask"][row, :size] = 1
                feed["token_type_ids"][row, :size] = encodings[i].type_ids
            with lock:
                vectors[rows] = self._run({name: feed[name] for name in self._inputs})
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _batches(lengths: np.ndarray, batch_size: int) -> list[slice]:
    """Consecutive runs of the (ascending) `lengths`: each at most `batch_size` long and, once
    it holds more than one, at most BATCH_TOKENS when padded to its longest."""
    found, start = [], 0
    for end in range(1, len(lengths) + 1):
        rows = end - start
        if end == len(lengths):
            found.append(slice(start, end))
        elif rows == batch_size or (rows + 1) * int(lengths[end]) > BATCH_TOKENS:
            found.append(slice(start, end))
            start = end
    return found


def _onnxruntime(path: Path) -> tuple[Any, list[str]]:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return (lambda feed: session.run(None, feed)[0]), names


def _openvino(path: Path) -> tuple[Any, list[str]]:
    import openvino

    compiled = openvino.Core().compile_model(str(path), "CPU")
    names = [next(iter(i.get_names())) for i in compiled.inputs]
    output = compiled.output(0)
    return (lambda feed: compiled(feed)[output]), names
