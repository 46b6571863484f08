"""`make bench-answers` end to end on a tiny evaluation folder, through the real `newsbot`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from bench import answers
from bot.core.reader.evalsets import QUAIL, SQUAD1, SQUAD2

# Two articles of two paragraphs: article 0 is the even half, article 1 the odd one.
# (context, [(question, answer)])
SQUAD = {
    "Harwick_Lighthouse": [
        (
            "The Harwick lighthouse was built in 1858 on a granite reef. Its keeper, Edith "
            "Moreland, kept the lamp lit for forty years. Ships passing the reef blew their "
            "horns to greet her.",
            [
                ("When was the Harwick lighthouse built?", "1858"),
                ("Who kept the lamp lit for forty years?", "Edith Moreland"),
            ],
        ),
        (
            "A storm in 1893 cracked the tower's lantern glass. Engineers replaced it with a "
            "fourth-order Fresnel lens shipped from Paris.",
            [("Where was the replacement Fresnel lens shipped from?", "Paris")],
        ),
    ],
    "Glassblowing": [
        (
            # One sentence, and its question shares every content word with it.
            "Venetian glassblowers moved their furnaces to the island of Murano in 1291.",
            [("Where did Venetian glassblowers move their furnaces in 1291?", "Murano")],
        ),
        (
            "Cobalt oxide gives glass a deep blue colour. Manganese was once added to remove "
            "the green tint left by iron. Modern studios melt their batches at about 1,100 "
            "degrees Celsius.",
            [("What gives glass a deep blue colour?", "Cobalt oxide")],
        ),
    ],
}
UNANSWERABLE = {
    "Harwick_Lighthouse": "When was the Harwick lighthouse demolished?",
    "Glassblowing": "Who moved the furnaces away from Murano in 1891?",
}
# (id, title, lines, [(type, question, correct_text, answerable)])
QUAIL_TEXTS = [
    (
        "f0",
        "The Bakery",
        [
            "Maria opened the bakery on Elm Street before dawn.",
            "She kneaded rye dough while her brother Tomas lit the wood oven.",
            "By seven o'clock the first customers were queuing outside.",
        ],
        [
            ("Factual", "What street was the bakery on?", "Elm Street", True),
            ("Character_identity", "Who lit the wood oven?", "her brother Tomas", True),
            ("Unanswerable", "How much did Maria pay for the flour?", "not enough info", False),
            ("Temporal_order", "When did customers queue?", "after dawn", True),
        ],
    ),
    (
        "b1",
        "The Tandem",
        [
            "Jonah repaired bicycles in a garage behind the train station.",
            "His neighbour Priya brought him a rusted red tandem in June.",
            "He replaced its chain and both tyres in a single afternoon.",
        ],
        [
            ("Factual", "What did Jonah replace on the tandem?", "its chain and both tyres", True),
            ("Character_identity", "Who brought Jonah the tandem?", "His neighbour Priya", True),
            ("Unanswerable", "What was Jonah's favourite song?", "not enough info", False),
        ],
    ),
]


def _squad(version: str, unanswerable: bool) -> dict:
    data = []
    for title, paragraphs in SQUAD.items():
        written = []
        for p, (context, questions) in enumerate(paragraphs):
            qas = [
                {
                    "id": f"{title}-{p}-{q}",
                    "question": question,
                    "answers": [{"text": answer, "answer_start": context.find(answer)}],
                    **({"is_impossible": False} if unanswerable else {}),
                }
                for q, (question, answer) in enumerate(questions)
            ]
            if unanswerable and p == 0:
                qas.append(
                    {
                        "id": f"{title}-impossible",
                        "question": UNANSWERABLE[title],
                        "answers": [],
                        "plausible_answers": [{"text": "1858", "answer_start": 0}],
                        "is_impossible": True,
                    }
                )
            written.append({"context": context, "qas": qas})
        data.append({"title": title, "paragraphs": written})
    return {"version": version, "data": data}


def _quail() -> dict:
    articles, questions = [], []
    for article_id, title, lines, asked in QUAIL_TEXTS:
        articles.append(
            {
                "id": article_id,
                "domain": "fiction",
                "title": title,
                "author": "nobody",
                "url": "",
                "text": "\n".join(lines),
            }
        )
        for kind, question, correct, answerable in asked:
            options = [correct, "a fox", "not enough information", "twice"]
            questions.append(
                {
                    "id": f"{article_id}-{kind}",
                    "article_id": article_id,
                    "domain": "fiction",
                    "type": kind,
                    "question": question,
                    "options": options,
                    "correct_index": 0,
                    "correct_text": correct,
                    "answerable": answerable,
                }
            )
    return {"articles": articles, "questions": questions}


def write_eval(folder: Path) -> Path:
    folder.mkdir()
    (folder / SQUAD1).write_text(json.dumps(_squad("1.1", unanswerable=False)))
    (folder / SQUAD2).write_text(json.dumps(_squad("v2.0", unanswerable=True)))
    (folder / QUAIL).write_text(json.dumps(_quail()))
    return folder


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    root = tmp_path_factory.mktemp("answers")
    out = root / "out"
    folder = write_eval(root / "eval")
    work = root / "work"
    answers.main(["--eval", str(folder), "--out", str(out), "--smoke", "--work", str(work)])
    return json.loads((out / "results.json").read_text()), out


def test_every_set_half_variant_and_baseline_is_scored_or_says_why_not(bench_run) -> None:
    results, _ = bench_run
    halves = {"squad1": {"odd", "even"}, "squad2": {"odd", "even"}, "quail": {"odd", "even"}}
    halves["seeds"] = {"all"}
    assert set(results["sets"]) == set(halves)
    assert set(results["variants"]) == {*answers.VARIANTS, *answers.BASELINES}
    ran = set()
    for name, record in results["variants"].items():
        for set_name, wanted in halves.items():
            if set_name in record["failed"]:
                assert record["kind"] == "newsbot" and record["failed"][set_name]
                continue
            ran.add(name)
            assert set(results["scores"][set_name]) == wanted
            for half in wanted:
                scored = results["scores"][set_name][half][name]
                assert scored and all(0.0 <= v <= 1.0 for v in scored.values()), scored
    # newsbot itself answered under at least one config, and both baselines ran everywhere.
    assert ran & set(answers.VARIANTS)
    assert set(answers.BASELINES) <= ran
    assert results["sets"]["quail"]["questions"] == {"odd": 3, "even": 3}
    assert results["sets"]["squad2"]["questions"] == {"odd": 3, "even": 4}


def test_always_abstaining_scores_the_share_of_unanswerable_questions(bench_run) -> None:
    results, _ = bench_run
    scores = results["scores"]
    assert scores["squad2"]["even"][answers.ABSTAIN]["right quote or right abstention"] == 0.25
    assert scores["squad2"]["odd"][answers.ABSTAIN]["right quote or right abstention"] == 0.3333
    assert scores["squad1"]["odd"][answers.ABSTAIN] == {
        "right paragraph": 0.0,
        "holds answer": 0.0,
        "abstained": 1.0,
    }
    for half in ("odd", "even"):
        assert scores["quail"][half][answers.ABSTAIN]["combined"] == 0.3333
        assert scores["quail"][half][answers.ABSTAIN]["Unanswerable"] == 1.0
    seeds = tomllib.loads(answers.SEED_QUESTIONS.read_text())
    unanswerable = len(seeds["unanswerable"])
    assert results["right_counts"]["seeds"]["all"][answers.ABSTAIN] == unanswerable
    total = unanswerable + len(seeds["answerable"])
    assert results["sets"]["seeds"]["questions"] == {"all": total}


def test_the_bm25_baseline_finds_a_sentence_given_in_the_question(bench_run) -> None:
    results, _ = bench_run
    odd = results["scores"]["squad1"]["odd"][answers.BM25]
    assert odd == {"right paragraph": 1.0, "holds answer": 1.0, "abstained": 0.0}
    # It never abstains, so it is wrong on every unanswerable question.
    assert results["scores"]["squad2"]["odd"][answers.BM25]["abstained (unanswerable)"] == 0.0


def test_the_report_has_every_table_and_its_figures_are_pngs(bench_run) -> None:
    results, out = bench_run
    report = (out / "report.md").read_text()
    assert "python -m bench.answers" in report and "--smoke" in report
    assert results["machine"]["short"] in report
    for name in ("squad1", "squad2", "quail", "seeds"):
        assert f"### {name}" in report
    for variant in results["variants"]:
        assert f"| {variant} |" in report
    assert "## Confidence" in report and "## Calibration" in report
    pictures = re.findall(r"!\[[^]]*\]\(([^)]+)\)", report)
    assert "headline.png" in pictures
    assert sorted(pictures) == sorted(results["figures"])
    for picture in pictures:
        assert (out / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for variant, sets in results["calibration"].items():
        assert any("reliability-" in p and "odd" in p for p in pictures), variant
        for halves in sets.values():
            assert all(0.0 <= h["ece"] <= 1.0 for h in halves.values())


def test_calibration_bins_and_expected_error() -> None:
    got = answers.calibration(
        [(0.05, False), (0.95, True), (0.95, True), (0.55, True), (1.0, True)]
    )
    assert [b["n"] for b in got["bins"]] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 3]
    assert got["bins"][9]["observed"] == 1.0
    # (1/5)·0.05 + (1/5)·0.45 + (3/5)·|0.9667 − 1|
    assert got["ece"] == pytest.approx(0.01 + 0.09 + 0.02, abs=1e-3)
