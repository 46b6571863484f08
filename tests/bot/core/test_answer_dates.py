"""Answers to questions with time words, over one story told across weeks (tests.support.dated):
20 million on 20 March, 35 million on 3 April (updated 10 April), 48 million on 24 April, and
12 million in an undated article. The clock is Wednesday 26 April 2017."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.answer import QuestionError, ask
from bot.core.caveats import NOT_FOUND, looking_at
from bot.core.models import Answer, Window
from index.embedding import Embedder
from index.library import Library
from index.models import Filters
from index.settings import IndexSettings
from tests.support.dated import QUESTION, dated_documents

NOW = datetime(2017, 4, 26, 12, 0, tzinfo=UTC)
BILL = "the repair bill for the Harbour Bridge"


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Library:
    library = Library(tmp_path_factory.mktemp("dated"), IndexSettings(), embedder)
    assert len(library.ingest(dated_documents()).added) == 4
    return library


def figures(answer: Answer) -> list[str]:
    return [q.text.split("reached ")[1].split(" pounds")[0] for q in answer.quotes]


def test_latest_picks_the_newest_article_that_answers(dated: Library) -> None:
    plain = ask(dated, QUESTION, now=NOW)
    assert figures(plain) != ["48 million"]  # the reader alone prefers another telling
    for question in (f"What is the latest figure for {BILL}?", f"How big is {BILL} now?"):
        answer = ask(dated, question, now=NOW)
        assert answer.answered and figures(answer) == ["48 million"]
        assert answer.question == question
        assert answer.window == Window(None, None, from_question=True, prefer="newest")
        assert looking_at(answer.window) == "Looking at all the articles, the newest first."
        assert answer.probability == answer.quotes[0].probability >= 0.4


def test_an_explicit_window_leaves_out_the_articles_outside_it(dated: Library) -> None:
    for question in (f"How big was {BILL} in March 2017?", f"How big was {BILL} last month?"):
        answer = ask(dated, question, now=NOW)
        assert figures(answer) == ["20 million"]
        assert answer.window == Window("2017-03-01", "2017-03-31", from_question=True)
        assert looking_at(answer.window) == "Looking at articles from 1 to 31 March 2017."
    between = ask(dated, f"How big was {BILL} between 1 and 15 April 2017?", now=NOW)
    assert figures(between) == ["35 million"]


def test_latest_within_a_window_is_the_newest_inside_it(dated: Library) -> None:
    answer = ask(dated, f"How big was {BILL} as of 15 April 2017?", now=NOW)
    assert figures(answer) == ["35 million"]
    assert (
        looking_at(answer.window) == "Looking at articles before 16 April 2017, the newest first."
    )


def test_the_question_window_and_the_askers_dates_both_apply(dated: Library) -> None:
    answer = ask(
        dated, f"How big was {BILL} this month?", filters=Filters(until="2017-04-20"), now=NOW
    )
    assert answer.window == Window("2017-04-01", "2017-04-20", from_question=True)
    assert figures(answer) == ["35 million"]


def test_a_question_window_outside_the_askers_dates_is_refused_in_one_line(dated: Library):
    with pytest.raises(QuestionError) as refused:
        ask(dated, f"How big was {BILL} last month?", filters=Filters(since="2017-04-01"), now=NOW)
    assert str(refused.value) == (
        "the question asks for articles from 1 to 31 March 2017, but the dates given allow "
        "only articles since 1 April 2017, so no article could match"
    )
    with pytest.raises(QuestionError) as refused:
        ask(dated, f"How big was {BILL} last month since Monday?", now=NOW)
    assert str(refused.value) == (
        "the question's time words (“last month”, “since Monday”) leave no day between them"
    )


def test_a_window_with_no_article_in_it_says_so(dated: Library) -> None:
    answer = ask(dated, f"How big was {BILL} last week?", now=NOW)
    assert not answer.answered and answer.quotes == answer.related == ()
    assert answer.caveats == (NOT_FOUND, "There are no indexed articles from 17 to 23 April 2017.")
    assert looking_at(answer.window) == "Looking at articles from 17 to 23 April 2017."


def test_a_date_no_article_is_dated_in_is_what_the_question_is_about(dated: Library) -> None:
    answer = ask(dated, f"Who paid {BILL} in 1851?", now=NOW)
    assert answer.window == Window()  # it bounded nothing
    assert answer.caveats[-1] == (
        "There are no indexed articles from 1 January to 31 December 1851, so “in 1851” is "
        "read as what the question is about, not as when its articles appeared."
    )
    assert any("“1851”" in c for c in answer.caveats)  # searched for, and not found, as a word


def test_an_undated_answer_is_said_to_be_undated(dated: Library) -> None:
    answer_filters = Filters(source="Harbour Gazette")
    answer = ask(dated, QUESTION, filters=answer_filters, now=NOW)
    assert figures(answer) == ["12 million"]
    assert (
        "“Bridge repair bill reaches 12 million pounds” is undated: newsbot does not know how "
        "current it is." in answer.caveats
    )
    # The newest first, but an undated answer is still an answer when no dated one is had.
    latest = ask(dated, f"What is the latest on {BILL}?", filters=answer_filters, now=NOW)
    assert figures(latest) == ["12 million"] and latest.window.prefer == "newest"
    assert any(
        c.endswith("is undated: newsbot does not know how current it is.") for c in latest.caveats
    )


def test_windows_are_said_in_words() -> None:
    assert looking_at(Window()) is None
    assert looking_at(Window("2017-04-10", "2017-04-17")) == (
        "Looking at articles from 10 to 17 April 2017."
    )
    assert looking_at(Window("2017-03-20", "2017-04-10")) == (
        "Looking at articles from 20 March to 10 April 2017."
    )
    assert looking_at(Window("2016-12-20", "2017-01-03")) == (
        "Looking at articles from 20 December 2016 to 3 January 2017."
    )
    assert looking_at(Window("2017-04-16", "2017-04-16")) == (
        "Looking at articles dated 16 April 2017."
    )
    assert looking_at(Window("2017-04-03")) == "Looking at articles since 3 April 2017."
    assert looking_at(Window(until="2015-12-31", prefer="newest")) == (
        "Looking at articles before 1 January 2016, the newest first."
    )


def test_a_seed_question_without_time_words_is_searched_as_asked(seeded: Library) -> None:
    answer = ask(seeded, "How many Chinese troops?", now=NOW)
    assert "150,000" in answer.quotes[0].text and answer.window == Window()


def test_an_empty_index_still_says_which_dates_were_asked_for(tmp_path: Path, embedder):
    library = Library(tmp_path, IndexSettings(), embedder)
    answer = ask(library, "What happened yesterday?", filters=Filters(since="2017-01-01"), now=NOW)
    assert answer.window == Window("2017-01-01")


def test_other_reports_of_the_story_are_named_from_within_the_window(dated: Library) -> None:
    def also(answer: Answer) -> list[str]:
        return [c for c in answer.caveats if c.startswith("Also reported by")]

    assert len(also(ask(dated, QUESTION, now=NOW))) == 1  # every other telling, undated too
    assert also(ask(dated, f"How big was {BILL} last month?", now=NOW)) == []
    april = ask(dated, QUESTION, filters=Filters(since="2017-04-01", source="Coastal Herald"))
    assert also(april) == [
        "Also reported by: Viral Thread (“Bridge repair bill reaches 48 million pounds”)."
    ]
