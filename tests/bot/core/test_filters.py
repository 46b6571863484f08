"""The asker's date and outlet options, read with dateutil into ISO days."""

from __future__ import annotations

import pytest

from bot.core.caveats import as_of
from bot.core.filters import FilterError, filters
from bot.core.models import Citation
from index.errors import UserError
from index.models import Filters


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2017-04-01", "2017-04-01"),
        ("1 April 2017", "2017-04-01"),
        ("April 2017", "2017-04-01"),
        ("2017-04-01T18:30:00Z", "2017-04-01"),
        ("  4/1/2017 ", "2017-04-01"),
    ],
)
def test_common_ways_of_writing_a_day_are_read(typed: str, day: str) -> None:
    assert filters(since=typed) == Filters(since=day)


def test_blank_options_filter_nothing_and_an_outlet_is_trimmed() -> None:
    assert filters("", "  ", "  Viral Thread ") == Filters(source="Viral Thread")
    assert filters() == Filters()


def test_a_bad_or_empty_window_is_a_user_error() -> None:
    with pytest.raises(FilterError, match=r"^since: 'soon' is not a date") as caught:
        filters(since="soon")
    assert isinstance(caught.value, UserError)
    with pytest.raises(FilterError, match="is after until"):
        filters("2017-05-01", "2017-04-01")


@pytest.mark.parametrize("typed", ["Monday", "1 April", "April"])
def test_a_date_without_its_year_is_refused_rather_than_guessed(typed: str) -> None:
    with pytest.raises(FilterError, match=rf"^until: '{typed}' names no year"):
        filters(until=typed)


def test_as_of_names_the_newest_date_the_article_gives() -> None:
    def cited(published: str | None, updated: str | None) -> Citation:
        return Citation(1, "Ferry strike", "Island Times", None, published, 1, updated=updated)

    assert (
        as_of(cited(None, "2017-04-10"))
        == "As of 2017-04-10, when “Ferry strike” was last updated."
    )
    assert (
        as_of(cited("2017-04-03", None)) == "As of 2017-04-03, when “Ferry strike” was published."
    )
    assert as_of(cited(None, None)) == (
        "“Ferry strike” is undated: newsbot does not know how current it is."
    )
