"""Articles that disagree, and articles that only seem to: what the answer core says of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answer import ask
from index.embedding import Embedder
from index.library import Library
from index.settings import IndexSettings
from tests.support import conflicts as stories


@pytest.fixture
def library_of(tmp_path: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    """A fresh library holding one set of stories."""
    opened: list[Library] = []

    def build(chosen: tuple[stories.Story, ...]) -> Library:
        folder = stories.write_stories(tmp_path / "articles", chosen)
        library = Library(tmp_path / "data", IndexSettings(), embedder)
        assert not library.ingest_paths([folder]).failed
        opened.append(library)
        return library

    yield build
    for library in opened:
        library.close()


def test_two_outlets_with_different_troop_figures_are_flagged_with_a_quote_from_each(library_of):
    answer = ask(library_of(stories.DISAGREEING_FIGURES), stories.TROOPS)
    (conflict,) = answer.conflicts
    assert conflict.kind == "figure"
    assert sorted(conflict.values) == ["100,000", "150,000"]
    shown = {answer.quotes[i].citation.source: answer.quotes[i].text for i in conflict.quotes}
    assert "150,000" in shown["Northern Herald"] and "100,000" in shown["Eastern Post"]
    first, second = (answer.quotes[i] for i in conflict.quotes)
    assert conflict.note == (
        f"The articles disagree: {first.citation.source} ({first.citation.published}) says "
        f"{first.highlight.text}; {second.citation.source} ({second.citation.published}) says "
        f"{second.highlight.text}."
    )
    assert conflict.note not in answer.caveats  # shown on its own, above the quotes


def test_an_undated_report_is_compared_but_one_weeks_later_is_not(library_of):
    answer = ask(library_of(stories.ONE_UNDATED), stories.TROOPS)
    (conflict,) = answer.conflicts
    assert sorted(conflict.values) == ["100,000", "150,000"]
    assert "Eastern Post (undated) says 100,000" in conflict.note
    assert ask(library_of(stories.WEEKS_APART), stories.TROOPS).conflicts == ()


@pytest.mark.parametrize(
    ("chosen", "question", "kind", "values"),
    [
        (stories.DISAGREEING_NAMES, stories.INQUIRY, "name", {"Judge Mary Hughes", "Peter Grant"}),
        (stories.DISAGREEING_DATES, stories.REOPENING, "date", {"3 June 2017", "10 June 2017"}),
    ],
    ids=["names", "dates"],
)
def test_articles_naming_different_people_or_days_are_flagged(
    library_of, chosen, question, kind, values
):
    answer = ask(library_of(chosen), question)
    (conflict,) = answer.conflicts
    assert conflict.kind == kind
    assert set(conflict.values) == values  # each in its article's own words
    assert {answer.quotes[i].citation.source for i in conflict.quotes} == {
        "Millbrook Echo",
        "County Times",
    }


def test_a_report_naming_the_other_reports_person_too_is_not_flagged(library_of):
    answer = ask(library_of(stories.ONE_LEADER_TWO_NAMES), stories.INQUIRY, compare=True)
    assert {q.citation.source for q in answer.quotes} == {"Millbrook Echo", "County Times"}
    assert answer.conflicts == ()


def test_one_figure_in_three_spellings_is_not_flagged(library_of):
    answer = ask(library_of(stories.SAME_FIGURE_THREE_WAYS), stories.TROOPS, compare=True)
    assert {q.highlight.text for q in answer.quotes} == {"150,000", "150 000", "150k"}
    assert answer.conflicts == ()


def test_a_figure_about_another_country_is_not_flagged(library_of):
    answer = ask(library_of(stories.ANOTHER_COUNTRY), stories.TROOPS, compare=True)
    texts = " ".join(q.text for q in answer.quotes)
    assert "India has moved 100,000" in texts and "China has sent 150,000" in texts
    assert answer.conflicts == ()


def test_a_count_of_another_thing_is_not_flagged(library_of):
    answer = ask(library_of(stories.ANOTHER_THING), stories.SENT, compare=True)
    texts = " ".join(q.text for q in answer.quotes)
    assert "2,000 tanks" in texts and "150,000 troops" in texts
    assert answer.conflicts == ()


def test_an_approximation_and_the_figure_in_words_are_not_flagged(library_of):
    answer = ask(library_of(stories.APPROXIMATE_AND_EXACT), stories.TROOPS, compare=True)
    texts = " ".join(q.text for q in answer.quotes)
    assert "about 150,000" in texts and "150 thousand" in texts
    assert answer.conflicts == ()


@pytest.mark.parametrize(
    "lead",
    [
        "In 2015 China sent 100,000 troops to the border, during a similar stand-off.",
        "China sent 100,000 troops to the border in 2015, during a similar stand-off.",
    ],
    ids=["year-first", "year-after"],
)
def test_a_figure_of_another_year_is_not_flagged(library_of, lead):
    answer = ask(library_of(stories.another_year(lead)), stories.TROOPS, compare=True)
    assert lead in [q.text for q in answer.quotes]
    assert answer.conflicts == ()


def test_the_caveat_gives_each_figure_with_its_bound(library_of):
    answer = ask(library_of(stories.BOUNDS_APART), stories.TROOPS)
    (conflict,) = answer.conflicts
    assert sorted(conflict.values) == ["about 100,000", "more than 150,000"]
    assert "says more than 150,000" in conflict.note and "says about 100,000" in conflict.note


def test_linked_near_duplicates_are_never_flagged_against_each_other(library_of):
    library = library_of(stories.NEAR_DUPLICATES)
    (herald,) = [a for a in library.articles() if a.source == "Northern Herald"]
    assert [a.source for a in library.also_reported(herald.id)] == ["Eastern Post"]
    for compare in (False, True):
        answer = ask(library, stories.TROOPS, compare=compare)
        assert answer.answered and answer.conflicts == ()


def test_one_answering_article_has_no_conflicts(library_of):
    answer = ask(library_of(stories.DISAGREEING_FIGURES[:1]), stories.TROOPS, compare=True)
    assert len(answer.quotes) == 1
    assert answer.to_dict()["conflicts"] == []


def test_a_claim_and_its_debunking_are_flagged_as_a_stance(library_of):
    answer = ask(library_of(stories.CLAIM_AND_DEBUNKING), stories.CROCODILE)
    (conflict,) = answer.conflicts
    assert conflict.kind == "stance"
    assert conflict.values == ("reports it", "hoax")
    reporting, denying = (answer.quotes[i] for i in conflict.quotes)
    assert reporting.citation.source == "Millbrook Echo"
    assert denying.citation.source == "County Times" and "hoax" in denying.text
    assert conflict.note == (
        "Reports conflict: Millbrook Echo reports it; County Times says it is a hoax."
    )


def test_agreeing_reports_are_not_flagged(library_of):
    answer = ask(library_of(stories.AGREEING_REPORTS), stories.CROCODILE)
    assert answer.answered and answer.conflicts == ()
    assert answer.to_dict()["conflicts"] == []


def test_compare_quotes_each_article_once_newest_first(library_of):
    answer = ask(library_of(stories.CLAIM_AND_DEBUNKING), stories.CROCODILE, compare=True)
    assert [q.citation.source for q in answer.quotes] == ["County Times", "Millbrook Echo"]
    assert [c.quotes for c in answer.conflicts] == [(1, 0)]


def test_a_json_conflict_points_into_the_quotes(library_of):
    data = ask(library_of(stories.DISAGREEING_FIGURES), stories.TROOPS).to_dict()
    (conflict,) = data["conflicts"]
    assert set(conflict) == {"kind", "values", "quotes", "note"}
    for value, index in zip(conflict["values"], conflict["quotes"], strict=True):
        assert value in data["quotes"][index]["text"]
