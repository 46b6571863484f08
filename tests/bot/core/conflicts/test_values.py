"""The values answer spans give, compared: one figure written many ways is one figure, and only
values that cannot both be true disagree."""

from __future__ import annotations

import math

import pytest

from bot.core.conflicts.days import Day, day_of, days_agree
from bot.core.conflicts.names import names_agree
from bot.core.conflicts.values import (
    comparable_figures,
    counted,
    figure_at,
    figure_words,
    figures_agree,
)


def figure(sentence: str):  # type: ignore[no-untyped-def]
    """The figure at the first digit (or number word) of the sentence."""
    start = next(i for i, c in enumerate(sentence) if c.isdigit() or c in "$€£")
    found = figure_at(sentence, start)
    assert found is not None, sentence
    return found


@pytest.mark.parametrize(
    ("sentence", "low", "high", "unit"),
    [
        ("China sent 150,000 troops.", 150_000, 150_000, "count"),
        ("China sent 150 000 troops.", 150_000, 150_000, "count"),
        ("China sent 150\u00a0000 troops.", 150_000, 150_000, "count"),
        ("China sent 150k troops.", 150_000, 150_000, "count"),
        ("China sent 150 thousand troops.", 150_000, 150_000, "count"),
        ("It cost $4 million.", 4e6, 4e6, "$"),
        ("It cost 4 million dollars.", 4e6, 4e6, "$"),
        ("It cost £3.5bn.", 3.5e9, 3.5e9, "£"),
        ("Turnout was 64%.", 64, 64, "%"),
        ("Turnout was 64 per cent.", 64, 64, "%"),
        ("The road is 12 km long.", 12, 12, "km"),
        ("Between 100,000 and 150,000 troops.", 100_000, 150_000, "count"),
        ("Some 2 to 3 million people fled.", 1.8e6, 3.3e6, "count"),
        ("About 150,000 troops.", 135_000, 165_000, "count"),
        ("More than 120,000 troops.", 120_000, math.inf, "count"),
        ("Up to 90,000 troops.", 0, 90_000, "count"),
    ],
)
def test_a_figure_is_the_range_it_allows_and_what_it_counts(sentence, low, high, unit):
    found = figure(sentence)
    assert found.low == pytest.approx(low)
    assert found.high == pytest.approx(high) if high != math.inf else found.high == math.inf
    assert found.unit == unit


def test_a_bound_before_the_number_is_read_when_the_span_starts_at_the_number():
    sentence = "Officials said about 150,000 troops had arrived."
    found = figure_at(sentence, sentence.index("150"))
    assert found is not None and found.low < 150_000 < found.high


def test_a_currency_sign_before_the_number_is_read_when_the_span_starts_at_the_number():
    sentence = "The bridge cost more than £40 million to build."
    found = figure_at(sentence, sentence.index("40"))
    assert found is not None and found.unit == "£" and found.low == 40e6 and found.high > 1e9


@pytest.mark.parametrize(
    ("sentence", "number", "words"),
    [
        ("More than 500,000 refugees have crossed.", "500", "more than 500,000"),
        ("This week about 450,000 refugees crossed.", "450", "about 450,000"),
        ("China sent 150 thousand troops.", "150", "150 thousand"),
        ("It cost $4 million to build.", "4", "$4 million"),
        ("Turnout was 64 per cent in the city.", "64", "64 per cent"),
        ("Between 100,000 and 150,000 troops.", "100", "between 100,000 and 150,000"),
        ("China sent 150,000 troops.", "150", "150,000"),
    ],
)
def test_a_figure_is_given_as_written_with_its_bound(sentence, number, words):
    assert figure_words(sentence, sentence.index(number)) == words


@pytest.mark.parametrize(
    ("sentence", "is_figure"),
    [
        ("In 2015 China sent 100,000 troops.", False),
        ("2015 China sent 100,000 troops.", False),
        ("The plan dates from 2015, officials said.", False),
        ("Officials counted 2015 troops at the border.", True),
        ("Officials counted 1,950 troops at the border.", True),
        ("About 2015 troops were counted.", True),
    ],
)
def test_a_year_is_no_figure(sentence, is_figure):
    start = sentence.index(next(c for c in sentence if c.isdigit()))
    assert (figure_at(sentence, start) is not None) is is_figure
    assert (figure_words(sentence, start) is not None) is is_figure


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("China sent 150,000 troops.", "China sent 150 000 troops."),
        ("China sent 150,000 troops.", "China sent 150k troops."),
        ("China sent 150,000 troops.", "China sent 150 thousand troops."),
        ("China sent about 150,000 troops.", "China sent 150,000 troops."),
        ("China sent more than 120,000 troops.", "China sent 150,000 troops."),
        ("China sent 140,000 to 160,000 troops.", "China sent 150,000 troops."),
        ("China sent about 140,000 troops.", "China sent 150,000 troops."),
        ("It cost $4 million.", "It cost 4 million dollars."),
        ("It cost $1.5 million.", "It cost $1.52 million."),
        ("The city has 3.2 million people.", "The city has 3,213,000 people."),
    ],
)
def test_the_same_figure_written_differently_or_overlapping_agrees(a, b):
    assert figures_agree(figure(a), figure(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("China sent 150,000 troops.", "China sent 100,000 troops."),
        ("China sent 150k troops.", "China sent 100 thousand troops."),
        ("China sent up to 90,000 troops.", "China sent 150,000 troops."),
        ("China sent more than 200,000 troops.", "China sent 150,000 troops."),
        ("It cost $4 million.", "It cost $6 million."),
        ("It cost $1.5 million.", "It cost $1.6 million."),
        ("Turnout was 64%.", "Turnout was 65%."),
        ("The club has 100 members.", "The club has 120 members."),
        ("China sent more than 200,000 troops.", "China sent 195,000 troops."),
    ],
)
def test_figures_that_cannot_both_be_true_disagree(a, b):
    assert not figures_agree(figure(a), figure(b))


@pytest.mark.parametrize(
    ("a", "b", "asked", "comparable"),
    [
        ("It cost $4 million.", "It cost £4 million.", "", False),
        ("Turnout was 64%.", "Turnout was 64,000 voters.", "", False),
        ("The road is 12 km long.", "The road is 12 miles long.", "", False),
        ("China sent 150,000 troops.", "China sent 100,000 soldiers.", "troops", True),
        ("China sent 150,000 troops.", "China sent 2,000 tanks.", "", False),
        ("China sent 150,000 troops.", "China sent 100,000 troops.", "", True),
        ("China sent 150,000 troops.", "China sent 100,000 to the border.", "", True),
        ("China sent 150,000 troops.", "China sent 100,000 more troops.", "", True),
        ("The city has 300 ferries.", "The city has 250 ferry.", "", True),
    ],
)
def test_only_figures_of_one_unit_are_compared(a, b, asked, comparable):
    words = frozenset(counted(w) for w in asked.split())
    assert comparable_figures(figure(a), figure(b), words) is comparable


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("Mike Pence", "Pence", True),
        ("President Mike Pence", "Mike Pence", True),
        ("mike pence", "Mike Pence", True),
        ("Beijing", "China", True),
        ("Mike Pence", "Rex Tillerson", False),
        ("Pyongyang", "Seoul", False),
    ],
)
def test_names_agree_when_one_may_be_the_other(a, b, agree):
    assert names_agree(a, b) is agree


@pytest.mark.parametrize(
    ("span", "day"),
    [
        ("3 April 2017", Day(2017, 4, 3)),
        ("April 3, 2017", Day(2017, 4, 3)),
        ("April 2017", Day(2017, 4)),
        ("in 2017", Day(2017)),
        ("on Monday", Day(weekday=0)),
        ("yesterday", Day()),
    ],
)
def test_a_date_is_the_parts_it_names(span, day):
    assert day_of(span) == day


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("3 April 2017", "April 3, 2017", True),
        ("April 2017", "3 April 2017", True),
        ("in 2017", "3 April 2017", True),
        ("3 April 2017", "4 April 2017", False),
        ("April 2017", "May 2017", False),
        ("in 2016", "in 2017", False),
    ],
)
def test_dates_disagree_only_on_a_part_both_give(a, b, agree):
    assert days_agree(day_of(a), day_of(b)) is agree
