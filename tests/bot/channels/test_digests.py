"""When a digest falls due: every day or every Monday, at its time on newsbot's clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.channels.digests import checked_at, next_due
from index.errors import UserError

UTC = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_daily_digest_is_due_at_its_next_time_of_day():
    at_eight = moment("2024-05-08T08:00:00+00:00")  # a Wednesday
    assert next_due("daily", "09:30", at_eight, UTC) == moment("2024-05-08T09:30:00+00:00")
    at_ten = moment("2024-05-08T10:00:00+00:00")
    assert next_due("daily", "09:30", at_ten, UTC) == moment("2024-05-09T09:30:00+00:00")
    on_time = moment("2024-05-08T09:30:00+00:00")  # the one just sent: the next is tomorrow
    assert next_due("daily", "09:30", on_time, UTC) == moment("2024-05-09T09:30:00+00:00")


def test_a_weekly_digest_is_due_on_mondays():
    wednesday = moment("2024-05-08T08:00:00+00:00")
    assert next_due("weekly", "09:00", wednesday, UTC) == moment("2024-05-13T09:00:00+00:00")
    monday_early = moment("2024-05-13T07:00:00+00:00")
    assert next_due("weekly", "09:00", monday_early, UTC) == moment("2024-05-13T09:00:00+00:00")


def test_the_time_of_day_is_the_configured_zones():
    # 09:00 in London in May is 08:00 UTC; in January it is 09:00 UTC.
    may = next_due("daily", "09:00", moment("2024-05-08T07:00:00+00:00"), LONDON)
    assert may == moment("2024-05-08T08:00:00+00:00")
    january = next_due("daily", "09:00", moment("2024-01-10T07:00:00+00:00"), LONDON)
    assert january == moment("2024-01-10T09:00:00+00:00")


@pytest.mark.parametrize(
    ("typed", "kept"), [(None, "09:00"), ("9:30", "09:30"), ("23:59", "23:59")]
)
def test_a_time_of_day_is_written_hh_mm(typed, kept):
    assert checked_at(typed) == kept


@pytest.mark.parametrize("typed", ["25:00", "9", "noon", "09:60"])
def test_a_time_that_is_not_one_is_refused_in_one_line(typed):
    with pytest.raises(UserError, match="is not a time of day; write it like 09:00"):
        checked_at(typed)
