"""`newsbot ask --json` says where the articles disagree, and `newsbot compare` shows what each
outlet says: end to end, from article files on disk to what the terminal prints."""

from __future__ import annotations

import json

import pytest

from tests.support import conflicts as stories


@pytest.fixture
def ingested(newsbot, tmp_path):  # type: ignore[no-untyped-def]
    def ingest(chosen: tuple[stories.Story, ...]) -> None:
        folder = stories.write_stories(tmp_path / "articles", chosen)
        result = newsbot("ingest", str(folder))
        assert result.exit_code == 0, result.stderr

    return ingest


def _json(newsbot, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = newsbot(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ask_json_lists_the_conflicting_figures(newsbot, ingested):
    ingested(stories.DISAGREEING_FIGURES)
    data = _json(newsbot, "ask", "--json", stories.TROOPS)
    (conflict,) = data["conflicts"]
    assert conflict["kind"] == "figure"
    assert sorted(conflict["values"]) == ["100,000", "150,000"]
    sources = {data["quotes"][i]["source"] for i in conflict["quotes"]}
    assert sources == {"Northern Herald", "Eastern Post"}


@pytest.mark.parametrize(
    ("chosen", "question"),
    [
        (stories.SAME_FIGURE_THREE_WAYS, stories.TROOPS),
        (stories.ANOTHER_COUNTRY, stories.TROOPS),
        (stories.AGREEING_REPORTS, stories.CROCODILE),
    ],
    ids=["three-spellings", "another-country", "agreeing-reports"],
)
def test_ask_json_has_no_conflicts_when_the_articles_agree(newsbot, ingested, chosen, question):
    ingested(chosen)
    data = _json(newsbot, "ask", "--json", question)
    assert data["answered"] and data["conflicts"] == []


def test_compare_prints_the_conflict_on_top_then_one_quote_an_article_newest_first(
    newsbot, ingested
):
    ingested(stories.CLAIM_AND_DEBUNKING)
    result = newsbot(
        "compare", "Was", "a", "crocodile", "found", "in", "the", "Millbrook", "reservoir?"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Q: Was a crocodile found in the Millbrook reservoir?"
    assert lines[1:3] == [
        "Conflicting reports:",
        "  ! Reports conflict: Millbrook Echo reports it; County Times says it is a hoax.",
    ]
    citations = [line for line in lines if line.lstrip().startswith("— ")]
    assert [c.split(" · ")[1] for c in citations] == ["County Times", "Millbrook Echo"]
    assert result.stdout.index("Conflicting reports") < result.stdout.index("“")


def test_compare_json_shows_every_outlet_and_points_its_conflicts_at_their_quotes(
    newsbot, ingested
):
    ingested(stories.DISAGREEING_FIGURES)
    data = _json(newsbot, "compare", "--json", stories.TROOPS)
    assert [q["source"] for q in data["quotes"]] == ["Eastern Post", "Northern Herald"]
    (conflict,) = data["conflicts"]
    assert [data["quotes"][i]["highlight"]["text"] for i in conflict["quotes"]] == conflict[
        "values"
    ]
    assert conflict["note"].startswith("The articles disagree: ")


def test_compare_refuses_an_empty_question_in_one_line(newsbot, ingested):
    ingested(stories.AGREEING_REPORTS)
    result = newsbot("compare", "  ")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the question is empty"
