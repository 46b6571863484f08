"""The onnx and openvino backends: the torch model's vectors, exported locally, torch-free."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.embedding import Embedder, EmbeddingError, EmbeddingSettings
from index.embedding.export import export_folder, export_model
from tests.support.fresh_python import run_fresh

SENTENCES = [
    "China sent 150,000 troops to the border, officials said.",
    "The bridge reopened on Tuesday after three weeks of repairs.",
    "Hi",
    "Which NFL team represented the AFC at Super Bowl 50?",
    "Inflation may have peaked, according to some economists, though others believe it "
    "will probably rise again if energy prices keep climbing through the winter months.",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with no export in it: the first onnx Embedder must build one."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def onnx(cache: Path) -> Embedder:
    assert not export_folder("all-MiniLM-L6-v2", cache).exists()
    return Embedder(EmbeddingSettings(backend="onnx"), cache_dir=cache)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_a_missing_export_is_built_locally_from_the_bundled_model(onnx: Embedder, cache: Path):
    vectors = onnx.encode(SENTENCES)
    folder = export_folder("all-MiniLM-L6-v2", cache)
    assert {p.name for p in folder.iterdir()} >= {
        "model.onnx",
        "tokenizer.json",
        "newsbot-export.json",
    }
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # A second call reuses the export instead of building another.
    stamp = (folder / "model.onnx").stat().st_mtime_ns
    assert export_model("all-MiniLM-L6-v2", cache) == folder
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp


def test_onnx_vectors_match_torch(onnx: Embedder, embedder: Embedder) -> None:
    assert onnx.dimension == embedder.dimension == 384
    assert cosines(onnx.encode(SENTENCES), embedder.encode(SENTENCES)).min() > 0.999


def test_batches_and_their_order_do_not_change_vectors(onnx: Embedder) -> None:
    one_by_one = np.stack([onnx.encode([s])[0] for s in SENTENCES])
    small_batches = Embedder(EmbeddingSettings(backend="onnx", batch_size=2), onnx.cache_dir)
    np.testing.assert_allclose(small_batches.encode(SENTENCES), one_by_one, atol=1e-5)


def test_a_batch_holds_a_bounded_number_of_padded_tokens(onnx: Embedder, monkeypatch) -> None:
    """Sorted by length, cut where a batch would pass the bound; a text longer than it alone."""
    import index.embedding.runtime as runtime

    lengths = np.array([3, 4, 5, 5, 9, 40, 300])
    monkeypatch.setattr(runtime, "BATCH_TOKENS", 20)
    spans = runtime._batches(lengths, batch_size=3)
    assert [(s.start, s.stop) for s in spans] == [(0, 3), (3, 5), (5, 6), (6, 7)]
    for span in spans:
        rows = lengths[span]
        assert len(rows) <= 3 and (len(rows) == 1 or len(rows) * rows.max() <= 20)
    # The same vectors as batches of one, whatever the bound cuts.
    monkeypatch.setattr(runtime, "BATCH_TOKENS", 24)
    one_by_one = np.vstack([onnx.encode([s]) for s in SENTENCES])
    np.testing.assert_allclose(onnx.encode(SENTENCES), one_by_one, atol=1e-5)


def test_int8_quantization_stays_close_to_torch(cache: Path, embedder: Embedder) -> None:
    quantized = Embedder(EmbeddingSettings(backend="onnx", quantize="int8"), cache_dir=cache)
    vectors = quantized.encode(SENTENCES)
    assert (export_folder("all-MiniLM-L6-v2", cache) / "model-int8.onnx").exists()
    assert cosines(vectors, embedder.encode(SENTENCES)).min() > 0.97


def test_openvino_vectors_match_torch(cache: Path, embedder: Embedder) -> None:
    pytest.importorskip("openvino")
    openvino = Embedder(EmbeddingSettings(backend="openvino"), cache_dir=cache)
    assert cosines(openvino.encode(SENTENCES), embedder.encode(SENTENCES)).min() > 0.999


@pytest.mark.parametrize("backend", ["openvino", "torch"])
def test_threads_encoding_at_once_get_what_one_thread_gets(
    backend: str, cache: Path, embedder: Embedder
) -> None:
    """An ingest embeds while questions are embedded: one model, several threads."""
    shared = (
        embedder
        if backend == "torch"
        else Embedder(EmbeddingSettings(backend=backend), cache_dir=cache)
    )
    alone = shared.encode(SENTENCES)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda _: shared.encode(SENTENCES), range(8)))
    for vectors in together:
        np.testing.assert_allclose(vectors, alone, atol=1e-5)


def test_token_counts_match_the_torch_tokenizer(onnx: Embedder, embedder: Embedder) -> None:
    for text in [*SENTENCES, "", "Pyongyang " * 400]:
        assert onnx.count_tokens(text) == embedder.count_tokens(text)


def test_no_texts_give_an_empty_matrix(onnx: Embedder) -> None:
    assert onnx.encode([]).shape == (0, 384)


@pytest.mark.parametrize("backend", ["onnx", "auto"])
def test_the_onnx_path_and_auto_once_measured_never_import_torch(
    onnx: Embedder, backend: str
) -> None:
    onnx.encode(["build the export first"])
    # The first `auto` measures every backend, torch included; later processes read the record.
    Embedder(EmbeddingSettings(backend=backend), cache_dir=onnx.cache_dir).encode(["measured"])
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from index.embedding import Embedder, EmbeddingSettings\n"
        f"e = Embedder(EmbeddingSettings(backend={backend!r}), "
        f"cache_dir=Path({str(onnx.cache_dir)!r}))\n"
        "assert e.encode(['How many troops?']).shape == (1, 384)\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = run_fresh(script)
    assert done.returncode == 0, done.stderr


def test_a_model_folder_that_cannot_be_exported_raises(tmp_path: Path, embedder: Embedder):
    assert embedder.dimension == 384  # offline mode is set before this load
    folder = tmp_path / "no-model-here"
    folder.mkdir()
    broken = Embedder(EmbeddingSettings(str(folder)), cache_dir=tmp_path / "cache")
    with pytest.raises(EmbeddingError, match="could not load embedding model"):
        broken.encode(["anything"])
    assert not any((tmp_path / "cache").glob("*/model.onnx"))
