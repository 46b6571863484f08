"""`newsbot doctor`: the backend and vector index chosen for this machine, with the timings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import machine
from index.embedding import EmbeddingSettings
from index.embedding.choice import SAMPLE, measure, topic
from index.embedding.export import export_folder, export_model
from tests.support.backends import FakeClock, fakes


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache with the export in it and a measurement recorded in which int8 won: made
    by the measuring code over stand-in encoders, as quick as a record read from disk."""
    folder = tmp_path_factory.mktemp("doctor-cache")
    model = EmbeddingSettings().model
    existing = export_folder(model, machine.cache_dir())
    if (existing / "newsbot-export.json").exists():
        shutil.copytree(existing, export_folder(model, folder))
    export_model(model, folder, quantize="int8")
    clock = FakeClock()
    choice = measure(
        fakes(clock, onnx=0.2, onnx_int8=0.1, openvino=0.15, torch=0.6), SAMPLE, clock=clock
    )
    machine.write_record(folder, topic(export_folder(model, folder)), choice.as_dict())
    return folder


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "port.md"
    path.write_text(
        "---\ntitle: Port reopens after repairs\nsource: Harbour Times\n---\n"
        "The port reopened on Monday after 12 days of repairs to the main quay.\n\n"
        "Harbour officials said 40 ships had waited offshore during the closure.\n",
        encoding="utf-8",
    )
    return path


def test_doctor_shows_the_measured_choice_and_the_vector_index(newsbot, cache, article):
    env = {"NEWSBOT_CACHE_DIR": str(cache)}
    assert newsbot("ingest", str(article), env=env).exit_code == 0
    result = newsbot("doctor", env=env)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Machine: {machine.this_machine().cpu}" in out
    assert "Encoder backend: onnx-int8 (measured on this machine)" in out
    assert "why: fastest of onnx, onnx-int8, openvino" in out
    assert "6.00x torch" in out  # 0.6 s against 0.1 s
    for name in ("onnx ", "openvino", "torch"):
        assert f"    {name}" in out
    assert "Vector index: flat for 2 passages (kind = 'auto')" in out
    assert "an exact scan costs" in out and "ns a passage here" in out


def test_doctor_json_carries_the_timings_and_the_scan_cost(newsbot, cache, article):
    env = {"NEWSBOT_CACHE_DIR": str(cache)}
    newsbot("ingest", str(article), env=env)
    found = json.loads(newsbot("doctor", "--json", env=env).output)
    assert found["backend_setting"] == "auto" and found["backend"] == "onnx-int8"
    assert [t["name"] for t in found["choice"]["timings"]] == [
        "onnx",
        "onnx-int8",
        "openvino",
        "torch",
    ]
    assert found["machine"]["key"] == machine.this_machine().key()
    vectors = found["vectors"]
    assert vectors["in_use"] == vectors["kind"] == "flat" and vectors["passages"] == 2
    assert vectors["seconds_per_vector"] > 0
    assert vectors["flat_limit"] == min(
        100_000, max(1_000, round(0.002 / vectors["seconds_per_vector"]))
    )


def test_doctor_says_a_named_backend_comes_from_the_config(newsbot, cache, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[model]\nbackend = "onnx"\n', encoding="utf-8")
    result = newsbot("--config", str(config), "doctor", env={"NEWSBOT_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert "Encoder backend: onnx (set by the config)" in result.output
    assert "auto would choose onnx-int8" in result.output
    assert "Vector index: flat for 0 passages" in result.output
