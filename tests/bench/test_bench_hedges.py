"""`make bench-hedges`: held-out figures with precision and recall, written to its report."""

from __future__ import annotations

import json

from bench import hedges as bench_hedges


def _rows(doc: str, extra: dict) -> list[dict]:
    hedged = "The toll may rise, the mayor warned."
    plain = "The bridge opened in 1932."
    start = hedged.index("may")
    return [
        {"doc_id": doc, **extra, "text": hedged, "label": "uncertain",
         "cues": [{"start": start, "end": start + 3, "text": "may", "kind": "speculation"}]},
        {"doc_id": doc, **extra, "text": plain, "label": "certain", "cues": []},
    ]  # fmt: skip


def _write(folder, rows):
    folder.mkdir()
    (folder / "sentences.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def test_bench_writes_precision_recall_and_f1_of_both_held_out_parts(tmp_path, capsys):
    wiki = _write(tmp_path / "wiki", [r for d in range(10) for r in _rows(f"doc{d}", {})])
    news = _write(
        tmp_path / "news",
        _rows("a", {"story": "a", "part": "tune"}) + _rows("b", {"story": "b", "part": "held_out"}),
    )
    out = tmp_path / "hedges.json"
    bench_hedges.main(["--data", str(wiki), "--news", str(news), "--out", str(out)])
    figures = json.loads(out.read_text())
    assert figures == json.loads(capsys.readouterr().out)
    assert figures["news"]["sentences"] == 2
    for part in ("wikipedia", "news"):
        assert set(figures[part]["detector"]) == {"precision", "recall", "f1"}
        assert figures[part]["detector"]["recall"] == 1.0
    assert figures["sentences_per_second"] > 0
    assert "news_tune_unseen" in figures["tune_parts"]


def test_bench_without_the_wikipedia_data_says_so(tmp_path, capsys):
    bench_hedges.main(["--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out.json")])
    assert capsys.readouterr().out.startswith("skipped: no WikiWeasel data")
    assert not (tmp_path / "out.json").exists()
