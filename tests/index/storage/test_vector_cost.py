"""Exact search kept while it is cheap here: the scan cost measured once, the limit it gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index import machine
from index.storage.faiss import MIN_TRAIN, VectorIndexSettings, choose_kind
from index.storage.vector_cost import (
    flat_limit,
    flat_scan_cost,
    measure_flat_scan,
    measured_settings,
    topic,
)


class StepClock:
    """Each reading `step` seconds after the last: every timed search takes `step`."""

    def __init__(self, step: float):
        self.step, self.now = step, 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_the_scan_is_timed_per_vector_by_real_searches() -> None:
    # 20,000 vectors scanned in 2 ms a search: 100 ns a vector.
    assert measure_flat_scan(384, StepClock(0.002)) == pytest.approx(1e-7)
    # And on the real clock, a positive cost well under a microsecond a vector.
    assert 0 < measure_flat_scan(64) < 1e-5


def test_the_limit_is_what_a_scan_affords_within_the_count_cap() -> None:
    settings = VectorIndexSettings(flat_max_milliseconds=2.0)
    assert flat_limit(settings, 1e-7) == 20_000
    assert flat_limit(settings, 1e-9) == settings.flat_max_passages  # a fast machine: the cap
    assert flat_limit(settings, 1e-3) == MIN_TRAIN  # never below what training needs
    assert flat_limit(replace(settings, flat_max_milliseconds=0), 1e-7) == 100_000
    assert flat_limit(VectorIndexSettings(kind="hnsw"), 1e-7) == 100_000


def test_the_cost_is_measured_once_and_recorded(tmp_path: Path) -> None:
    first = flat_scan_cost(384, tmp_path, StepClock(0.004))
    assert first == pytest.approx(2e-7)
    # Recorded: a later call reads it rather than timing again.
    assert flat_scan_cost(384, tmp_path, StepClock(0.001)) == first
    assert machine.read_record(tmp_path, topic(384))["seconds_per_vector"] == first
    # Asked to, it measures again.
    assert flat_scan_cost(384, tmp_path, StepClock(0.001), remeasure=True) == pytest.approx(5e-8)


def test_another_machine_measures_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flat_scan_cost(384, tmp_path, StepClock(0.004))
    other = replace(machine.this_machine(), cpu="Another CPU")
    monkeypatch.setattr(machine, "this_machine", lambda: other)
    assert flat_scan_cost(384, tmp_path, StepClock(0.001)) == pytest.approx(5e-8)


def test_auto_switches_to_hnsw_where_a_scan_stops_being_cheap(tmp_path: Path) -> None:
    flat_scan_cost(384, tmp_path, StepClock(0.002))  # 100 ns a vector on this "machine"
    settings = measured_settings(VectorIndexSettings(), 384, tmp_path)
    assert settings.flat_max_passages == 20_000
    assert choose_kind(20_000, settings) == "flat"
    assert choose_kind(20_001, settings) == "hnsw"
    # A named kind, or a limit by count alone, is left as the config says.
    assert measured_settings(VectorIndexSettings(kind="flat"), 384, tmp_path).kind == "flat"
    by_count = VectorIndexSettings(flat_max_milliseconds=0)
    assert measured_settings(by_count, 384, tmp_path) == by_count


def test_a_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="flat_max_milliseconds"):
        VectorIndexSettings(flat_max_milliseconds=-1)
