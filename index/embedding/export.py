"""The ONNX export of a sentence-transformers model, made once on this machine and cached.

The whole pipeline (encoder, pooling, any dense layers) is traced from the local model files,
never downloaded, into a folder named after those files; `quantize = "int8"` adds an 8-bit
copy beside it. Each file is written aside and renamed into place, so two processes exporting
at once, or one that crashes, never leave a half-written model for the next run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.embedding import EmbeddingError, load_sentence_transformer, resolve_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# Bumped when the export changes, so an old cached export is not reused.
_EXPORT_VERSION = 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


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
    st = load_sentence_transformer(model, offline)
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
