"""Answers from an updated article: a quote the latest update added or changed says so, and
how it read before, in the earlier version's words."""

from __future__ import annotations

from bot.core import caveats
from bot.core.answer import ask
from bot.core.models import Revision
from tests.bot.core.conftest import Ingest
from tests.support import updates


def test_a_sentence_changed_in_the_update_quotes_how_it_read_before(story: Ingest) -> None:
    story(1)
    answer = ask(story(2), updates.BILL_QUESTION)
    quote = answer.quotes[0]
    assert quote.text == updates.SECOND_BILL
    assert quote.revision == Revision("changed", "2017-05-03", updates.FIRST_BILL)
    changed = "This sentence changed in the update of 3 May 2017; before, it read: "
    assert f"{changed}“{updates.FIRST_BILL}”" in answer.caveats
    assert answer.to_dict()["quotes"][0]["revision"] == {
        "kind": "changed",
        "since": "2017-05-03",
        "before": updates.FIRST_BILL,
    }


def test_a_sentence_added_in_the_update_says_the_earlier_version_lacked_it(
    story: Ingest,
) -> None:
    story(1)
    answer = ask(story(2), updates.FERRY_QUESTION)
    assert answer.quotes[0].text == updates.FERRIES
    assert answer.quotes[0].revision == Revision("added", "2017-05-03")
    assert (
        "This sentence was added in the update of 3 May 2017; the earlier version did not have it."
        in answer.caveats
    )


def test_only_the_latest_update_is_told(story: Ingest) -> None:
    for number in (1, 2, 3):
        library = story(number)
    answer = ask(library, updates.FERRY_QUESTION)  # added by the update before the latest
    assert answer.quotes[0].text == updates.FERRIES
    assert answer.quotes[0].revision is None
    assert answer.to_dict()["quotes"][0]["revision"] is None
    assert not any("update of" in note for note in answer.caveats)


def test_an_article_never_updated_has_no_revisions(story: Ingest) -> None:
    answer = ask(story(1), updates.BILL_QUESTION)
    assert answer.quotes[0].text == updates.FIRST_BILL
    assert answer.quotes[0].revision is None


def test_the_revision_caveats_name_which_quote_and_the_day() -> None:
    added = Revision("added", "2017-05-03")
    assert caveats.revision(added, position=1) == [
        "The second quote was added in the update of 3 May 2017; "
        "the earlier version did not have it."
    ]
    assert caveats.revision(None) == []
    assert caveats.revision_tag(Revision("changed", "2017-11-30T10:00:00", "Before.")) == (
        "changed in the update of 30 November 2017"
    )
