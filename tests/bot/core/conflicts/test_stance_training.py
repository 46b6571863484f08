"""`make train-stance` end to end on a small FNC-1-shaped folder: it reads the two training
files and writes weights newsbot can load."""

from __future__ import annotations

import json

from bot.core.conflicts.stance import StanceModel
from bot.core.conflicts.stance_training import main
from tests.support.fnc import DENIAL, REPORT, fnc_folder


def test_training_writes_weights_that_load_and_tell_a_hoax_from_a_report(tmp_path, capsys):
    folder = fnc_folder(tmp_path / "fnc-1")
    out = tmp_path / "stance.json.gz"
    main(["--fnc", str(folder), "--out", str(out)])
    printed = json.loads(capsys.readouterr().out)
    assert printed["files"] == ["train_bodies.csv", "train_stances.csv"]
    assert printed["related_pairs"]["held_out"] > 0
    model = StanceModel.load(out)
    claim = "Was the old lighthouse bell found near the river?"
    denial = [DENIAL.format(thing="old lighthouse bell")]
    assert model.denial(claim, denial) == ("hoax", "hoax")
    assert model.denial(claim, [REPORT.format(thing="old lighthouse bell")]) is None
