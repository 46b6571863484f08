"""Time words in questions, read as windows of article dates at a fixed moment.

NOW is Wednesday 26 April 2017, noon UTC: weeks start on Monday 24 April, "last week" is 17 to
23 April, and a date still to come bounds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.timewords import time_words

NOW = datetime(2017, 4, 26, 12, 0, tzinfo=UTC)
D = date.fromisoformat

# (question, since, until, prefers the newest); None, None, False: no time words are read.
PHRASES = [
    # vague recency: no bound, the newest first
    ("What is the latest on the bridge?", None, None, True),
    ("How big is the bill now?", None, None, True),
    ("What is the most recent figure?", None, None, True),
    ("How many troops are currently at the border?", None, None, True),
    ("What has happened recently?", None, None, True),
    ("What's new on the bridge?", None, None, True),
    ("What happened in the past few days?", None, None, True),
    ("What is the name of the latest epoch?", None, None, True),
    # "today" bounds a question about the past; of the present, it asks for the newest
    ("Which country today is a remnant of the Ottoman empire?", None, None, True),
    # relative days and calendar periods
    ("What happened today?", "2017-04-26", "2017-04-26", False),
    ("What happened yesterday?", "2017-04-25", "2017-04-25", False),
    ("What happened the day before yesterday?", "2017-04-24", "2017-04-24", False),
    ("What happened this week?", "2017-04-24", "2017-04-26", False),
    ("What happened last week?", "2017-04-17", "2017-04-23", False),
    ("What happened this month?", "2017-04-01", "2017-04-26", False),
    ("What did the council say last month?", "2017-03-01", "2017-03-31", False),
    ("What happened this year?", "2017-01-01", "2017-04-26", False),
    ("How many were hurt so far this year?", "2017-01-01", "2017-04-26", False),
    ("What happened last year?", "2016-01-01", "2016-12-31", False),
    ("What happened over the weekend?", "2017-04-22", "2017-04-23", False),
    # weekdays: the latest one; "last Monday" said on a Wednesday is two days ago
    ("What has happened since Monday?", "2017-04-24", None, False),
    ("What did the council say on Monday?", "2017-04-24", "2017-04-24", False),
    ("What happened this Monday?", "2017-04-24", "2017-04-24", False),
    ("What happened last Friday?", "2017-04-21", "2017-04-21", False),
    # counted back from today
    ("What happened 3 days ago?", "2017-04-23", "2017-04-23", False),
    ("What happened two weeks ago?", "2017-04-10", "2017-04-16", False),
    ("What happened a fortnight ago?", "2017-04-10", "2017-04-16", False),
    ("What happened in the last 3 days?", "2017-04-23", "2017-04-26", False),
    ("What happened in the past week?", "2017-04-19", "2017-04-26", False),
    ("What happened in the past 3 months?", "2017-01-26", "2017-04-26", False),
    ("What has changed since last week?", "2017-04-17", None, False),
    # absolute dates
    ("How big was the bill in March 2017?", "2017-03-01", "2017-03-31", False),
    ("What happened on 3 April 2017?", "2017-04-03", "2017-04-03", False),
    ("What happened on the 3rd of April?", "2017-04-03", "2017-04-03", False),
    ("What happened on 4/3/2017?", "2017-04-03", "2017-04-03", False),
    ("What happened since 2017-04-03?", "2017-04-03", None, False),
    ("What happened in April?", "2017-04-01", "2017-04-26", False),
    ("What happened in December?", "2016-12-01", "2016-12-31", False),
    ("What was reported before 2016?", None, "2015-12-31", False),
    ("What happened after 2016?", "2017-01-01", None, False),
    ("What happened after April 10, 2017?", "2017-04-11", None, False),
    ("What was known until March 2017?", None, "2017-03-31", False),
    ("What happened between 1 and 10 April 2017?", "2017-04-01", "2017-04-10", False),
    ("What happened from 3 April to 10 April 2017?", "2017-04-03", "2017-04-10", False),
    ("What happened between March and April 2017?", "2017-03-01", "2017-04-26", False),
    ("What happened since the start of April?", "2017-04-01", None, False),
    ("What happened in the 1990s?", "1990-01-01", "1999-12-31", False),
    ("What happened in 1851?", "1851-01-01", "1851-12-31", False),
    ("What was the bill as of 10 April 2017?", None, "2017-04-10", True),
    ("What is the most recent repair bill in April 2017?", "2017-04-01", "2017-04-26", True),
    # not read as times: names, verbs, adjectives, the future, and what the grammar lacks
    ("Who won the 2018 World Cup?", None, None, False),
    ("What did Theresa May say?", None, None, False),
    ("Where did the protesters march?", None, None, False),
    ("What did experts doubt about the new missiles?", None, None, False),
    ("What will happen next week?", None, None, False),
    ("What will happen tomorrow?", None, None, False),
    ("What happened on 9/11?", None, None, False),
    ("What happened at 10 am?", None, None, False),
    ("What happened in mid-April?", None, None, False),
    ("What happened in early April?", None, None, False),
    ("What happened in spring 2017?", None, None, False),
    ("What happened in Q1 2017?", None, None, False),
    ("What happened since the start of the year?", None, None, False),
    ("Who directed Stormy Monday?", None, None, False),
    ("Who did the Broncos play in the last week of the regular season?", None, None, False),
    ("Which company was in its last year of discounts?", None, None, False),
]


@pytest.mark.parametrize(("question", "since", "until", "newest"), PHRASES, ids=lambda v: v)
def test_each_phrase_gives_its_window_at_a_fixed_now(
    question: str, since: str | None, until: str | None, newest: bool
) -> None:
    words = time_words(question, NOW)
    assert words.bounds() == (since and D(since), until and D(until))
    assert words.prefer == ("newest" if newest else None)


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("How big was the bill in March 2017?", "How big was the bill?"),
        ("What is the latest on the repair bill?", "What is the repair bill?"),
        ("What's the latest news about the strike?", "What's the strike?"),
        # an adjective of the question's own noun stays: "the latest epoch" is no news
        ("What is the name of the latest epoch?", "What is the name of the latest epoch?"),
        ("Who is the current Premier of Victoria?", "Who is the current Premier of Victoria?"),
        (
            "Which country today is a remnant of the empire?",
            "Which country is a remnant of the empire?",
        ),
        ("How many troops are there now?", "How many troops are there?"),
        ("What has changed since last week at the port?", "What has changed at the port?"),
        ("Who won the 2018 World Cup?", "Who won the 2018 World Cup?"),
        ("Latest?", "Latest?"),
    ],
)
def test_the_time_words_are_left_out_of_what_is_searched(question: str, searched: str) -> None:
    assert time_words(question, NOW).matching_text() == searched


def test_relative_words_always_bound_and_absolute_dates_may_be_the_subject() -> None:
    words = time_words("What happened in 1851 and since last week?", NOW)
    assert [(words.words(p), p.relative) for p in words.phrases] == [
        ("in 1851", False),
        ("since last week", True),
    ]
    subject = words.relative_only()
    assert subject.bounds() == (D("2017-04-17"), None)
    assert subject.matching_text() == "What happened in 1851 and?"


def test_two_phrases_that_share_no_day_leave_an_empty_window() -> None:
    since, until = time_words("What happened last month since Monday?", NOW).bounds()
    assert since == D("2017-04-24") and until == D("2017-03-31")


def test_today_is_the_day_in_the_clocks_own_zone() -> None:
    late = datetime(2017, 4, 26, 23, 30, tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert time_words("What happened today?", late).bounds() == (D("2017-04-27"), D("2017-04-27"))
    assert time_words("What happened yesterday?", late).bounds() == (
        D("2017-04-26"),
        D("2017-04-26"),
    )
