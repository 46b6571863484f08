"""`make bench-stance`: the held-out figures from FNC-1-shaped data, or the stored ones."""

from __future__ import annotations

import json

from bench import stance as bench_stance
from tests.support.fnc import fnc_folder


def test_bench_prints_the_held_out_figures(tmp_path, capsys):
    bench_stance.main(["--fnc", str(fnc_folder(tmp_path / "fnc-1"))])
    figures = json.loads(capsys.readouterr().out)
    assert figures["held_out_related_pairs"] > 0
    assert set(figures["claims"]) >= {"disagreeing_flagged", "agreeing_wrongly_flagged"}


def test_bench_without_the_data_prints_the_stored_figures(tmp_path, capsys):
    bench_stance.main(["--fnc", str(tmp_path / "absent")])
    printed = capsys.readouterr().out
    assert printed.startswith(f"no FNC-1 data at {tmp_path / 'absent'}")
    assert "disagreeing_flagged" in printed
