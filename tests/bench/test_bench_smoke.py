"""The benchmark suite end to end on a tiny corpus: it runs and writes its report and figures."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

# bench/ is scripts beside the package, not part of it: import it from the repository root.
from bench import sections
from bench.common import DEFAULT_SQUAD, squad_path
from bench.suite import MODES, run

ARTICLES = {
    "Harbour_Bridge": [
        (
            "The Harbour Bridge opened in 1932 after eight years of work. It carries eight "
            "lanes of traffic and two railway tracks. About 1,400 workers built it.",
            [
                ("When did the Harbour Bridge open?", "1932"),
                ("How many workers built it?", "1,400"),
            ],
        ),
        (
            "The bridge was painted grey because the paint was cheap. Repainting takes ten "
            "years and uses 30,000 litres of paint. The painters work from steel cradles.",
            [("Why was the bridge painted grey?", "the paint was cheap")],
        ),
        (
            "Tolls pay for the upkeep of the bridge. Drivers heading south pay four dollars. "
            "Cyclists and walkers cross for free on the western path.",
            [("How much do drivers heading south pay?", "four dollars")],
        ),
    ],
    "Coffee": [
        (
            "Coffee plants grow best in the highlands of Ethiopia, where the crop began. "
            "Farmers there pick the cherries by hand. A tree yields about a kilogram a year.",
            [
                ("Where did the coffee crop begin?", "Ethiopia"),
                ("How are cherries picked?", "by hand"),
            ],
        ),
        (
            "Roasting turns green beans brown and releases oils. A light roast takes ten "
            "minutes at 200 degrees. Dark roasts lose more caffeine than light ones.",
            [("How long does a light roast take?", "ten minutes")],
        ),
        (
            "Brazil has been the largest producer of coffee for 150 years. Vietnam is second, "
            "mostly growing robusta beans for instant coffee.",
            [
                ("Which country produces the most coffee?", "Brazil"),
                ("What does Vietnam grow?", "robusta"),
            ],
        ),
    ],
}


def squad_file(folder: Path) -> Path:
    data = {
        "version": "1.1",
        "data": [
            {
                "title": title,
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {
                                "id": f"{title}-{p}-{q}",
                                "question": question,
                                "answers": [{"text": answer, "answer_start": context.find(answer)}],
                            }
                            for q, (question, answer) in enumerate(questions)
                        ],
                    }
                    for p, (context, questions) in enumerate(paragraphs)
                ],
            }
            for title, paragraphs in ARTICLES.items()
        ],
    }
    path = folder / "squad.json"
    path.write_text(json.dumps(data))
    return path


def test_smoke_run_writes_the_report_with_its_tables_and_figures(tmp_path: Path) -> None:
    plan = replace(
        MODES["smoke"],
        sizes=(300,),
        questions=None,
        asks=None,
        scale_questions=5,
        ingest_paragraphs=3,
        encoder_sentences=20,
        squad_articles=None,
    )
    out = tmp_path / "out"
    results = run(plan, out, squad_file(tmp_path), work=tmp_path)

    report = (out / "report.md").read_text()
    for heading in (
        "## What `auto` chose on this machine",
        "## Targets",
        "## 1. Quality on SQuAD",
        "### Weights tuned on the even half",
        "## 2. Speed",
        "## 3. Warm ask, throughput and memory by corpus size",
        "### Cold start",
        "## 4. Vector index kinds at 300 passages",
        "## 5. Peers",
        "## 6. Where a warm ask spends its time",
    ):
        assert heading in report
    assert "| method | R@1 | R@5 | R@20 | MRR |" in report
    assert re.search(r"^\| 300 \| flat \| [\d.]+ \| [\d.]+ \|", report, re.MULTILINE)
    for picture in re.findall(r"!\[[^]]*\]\(([^)]+)\)", report):
        size = (out / picture).stat().st_size
        assert 5_000 < size < 150_000, picture

    quality = results["quality"]
    assert quality["questions"] == {"report": 5, "tune": 4}
    # Six paragraphs in all: newsbot's top 20 always holds the right one.
    assert quality["newsbot"]["onnx"]["search"]["R@20"] == 1.0
    assert 0.0 <= quality["newsbot"]["onnx"]["answer"]["top_quote_has_answer"] <= 1.0
    measured = results["scale"][300]["measure"]
    assert measured["ask"]["count"] == 5
    assert measured["passages"] == 300
    assert set(measured["kinds"]) == {"flat", "hnsw", "ivfpq"}
    assert results["cold_start"]["onnx"]["median_s"] > 0
    # What auto chose, measured in the run, and the default settings against torch.
    chosen = results["auto"]["backend"]["name"]
    assert chosen in {t["name"] for t in results["auto"]["backend"]["timings"]}
    assert f"Encoder backend **{chosen}**" in report
    assert results["auto"]["flat_limit"] >= 1_000
    assert results["cold_start"]["auto"]["median_s"] > 0
    assert results["ingest"]["auto"]["tokens_per_s"] > 0
    assert "with the default settings (auto) ≥ 2.5× the torch path" in report
    assert results["cli_ingest"]["auto"]["median_s"] > 0
    assert "process start included: default settings ≥ 2× faster than torch" in report
    saved = json.loads((out / "results.json").read_text())
    assert saved["plan"]["sizes"] == [300]


def test_without_squad_the_quality_part_says_it_was_skipped() -> None:
    text = sections._quality({"squad_missing": "/nowhere/squad.json"}, None)  # type: ignore[arg-type]
    assert "Skipped: no SQuAD file at `/nowhere/squad.json`" in text


def test_squad_path_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEWSBOT_SQUAD", raising=False)
    assert squad_path() == DEFAULT_SQUAD
    monkeypatch.setenv("NEWSBOT_SQUAD", "/data/squad.json")
    assert squad_path() == Path("/data/squad.json")
    assert squad_path("/other.json") == Path("/other.json")
