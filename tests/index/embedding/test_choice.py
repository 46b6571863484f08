"""`backend = "auto"`: the fastest backend whose vectors match torch's, measured and recorded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from index import machine
from index.embedding import Embedder, EmbeddingError, EmbeddingSettings
from index.embedding.choice import (
    CHOICES,
    MIN_COSINE,
    SAMPLE,
    measure,
    recorded_backend,
    topic,
)
from index.embedding.export import export_folder, export_model
from index.machine import read_record, record_path, this_machine
from tests.support.backends import FakeClock, fakes


def test_the_fastest_backend_with_the_references_vectors_is_chosen() -> None:
    clock = FakeClock()
    # int8 is fastest but its vectors stray (cosine ~0.98); openvino is not installed.
    candidates = fakes(clock, onnx=0.3, onnx_int8=(0.1, 0.2), openvino=None, torch=0.6)
    choice = measure(candidates, SAMPLE, runs=2, clock=clock)
    assert choice.name == "onnx"
    assert choice.settings == ("onnx", "none")
    timings = {t.name: t for t in choice.timings}
    assert list(timings) == ["onnx", "onnx-int8", "openvino", "torch"]
    assert timings["onnx"].seconds == pytest.approx(0.3)
    assert timings["torch"].seconds == pytest.approx(0.6)
    assert timings["onnx-int8"].cosine < MIN_COSINE
    assert "vectors differ" in timings["onnx-int8"].note
    assert timings["openvino"].seconds is None and "unavailable" in timings["openvino"].note
    assert "2.00x torch's speed" in choice.reason


def test_torch_is_the_baseline_and_chosen_only_when_no_export_matches_it() -> None:
    clock = FakeClock()
    faster_torch = fakes(clock, onnx=0.5, torch=0.1)
    assert measure(faster_torch, SAMPLE, clock=clock).name == "onnx"
    none_match = fakes(clock, onnx=(0.1, 0.5), onnx_int8=(0.1, 0.3), torch=0.6)
    choice = measure(none_match, SAMPLE, clock=clock)
    assert choice.name == "torch"
    assert "no exported backend" in choice.reason


def test_nothing_that_runs_is_a_clear_error() -> None:
    clock = FakeClock()
    with pytest.raises(EmbeddingError, match="no embedding backend can run here"):
        measure(fakes(clock, onnx=None, torch=None), SAMPLE, clock=clock)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache of its own holding the export (copied from the user's cache when it is there,
    made otherwise), so the first `auto` here measures."""
    folder = tmp_path_factory.mktemp("choice-cache")
    model = EmbeddingSettings().model
    existing = export_folder(model, machine.cache_dir())
    if (existing / "newsbot-export.json").exists():
        shutil.copytree(existing, export_folder(model, folder))
    export_model(model, folder, quantize="int8")
    return folder


@pytest.fixture(scope="module")
def measured(cache: Path) -> Embedder:
    """An `auto` embedder whose first use measured every installed backend for real."""
    embedder = Embedder(EmbeddingSettings(), cache_dir=cache)
    embedder.encode(["warm"])
    return embedder


def test_auto_measures_every_backend_and_records_the_choice(
    measured: Embedder, cache: Path, embedder: Embedder
) -> None:
    choice = measured.choice
    assert choice is not None and not choice.recorded
    assert [t.name for t in choice.timings] == list(CHOICES)
    assert choice.name != "torch"  # the exports all match torch's vectors on this model
    assert (measured.backend, measured.quantize) == choice.settings
    chosen = next(t for t in choice.timings if t.name == choice.name)
    assert chosen.cosine >= MIN_COSINE and chosen.note == ""
    record = read_record(cache, topic(export_folder(measured.name, cache)))
    assert record is not None and record["name"] == choice.name
    assert record["machine"]["key"] == this_machine().key()
    # What runs gives torch's vectors.
    texts = list(SAMPLE[:4])
    assert ((measured.encode(texts) * embedder.encode(texts)).sum(axis=1) > 0.98).all()


def test_a_later_process_reads_the_record_instead_of_measuring(
    measured: Embedder, cache: Path
) -> None:
    assert measured.choice is not None
    later = Embedder(EmbeddingSettings(), cache_dir=cache)
    assert later.choice is not None and later.choice.recorded
    assert later.choice.name == measured.choice.name
    assert later.choice.measured_at == measured.choice.measured_at


@pytest.fixture
def upgraded(monkeypatch: pytest.MonkeyPatch) -> Iterator[machine.Machine]:
    """This machine with a newer onnxruntime (the key records are filed under changes); yields
    the machine as it was."""
    original = this_machine()
    newer = replace(original, packages=(*original.packages, ("onnxruntime", "99.0")))
    assert newer.key() != original.key()
    monkeypatch.setattr(machine, "this_machine", lambda: newer)
    yield original


def test_an_upgrade_or_another_machine_measures_again(
    measured: Embedder, cache: Path, upgraded: machine.Machine
) -> None:
    settings = EmbeddingSettings()
    assert recorded_backend(settings, cache) is None
    other_cpu = replace(upgraded, cpu="Some Other CPU", flags=("sse2",))
    name = topic(export_folder(settings.model, cache))
    assert read_record(cache, name, other_cpu) is None
    # The record of the machine as it was stays, for it alone.
    assert read_record(cache, name, upgraded) is not None
    assert record_path(cache, name, upgraded) != record_path(cache, name)


def test_an_explicit_backend_wins_over_the_record(measured: Embedder, cache: Path) -> None:
    assert measured.choice is not None
    other = next(name for name in ("onnx", "openvino") if name != measured.choice.name)
    named = Embedder(EmbeddingSettings(backend=other), cache_dir=cache)
    assert named.choice is None
    assert named.backend == other
    assert named.encode(["one sentence"]).shape == (1, 384)


def test_an_explicit_backend_never_measures(tmp_path: Path, cache: Path) -> None:
    fresh = tmp_path / "cache"
    shutil.copytree(cache, fresh, ignore=shutil.ignore_patterns("measured"))
    Embedder(EmbeddingSettings(backend="onnx"), cache_dir=fresh).encode(["one sentence"])
    assert not (fresh / "measured").exists()
    assert recorded_backend(EmbeddingSettings(), fresh) is None
