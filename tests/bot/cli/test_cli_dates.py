"""`newsbot ask` over a dated corpus: how current each answer is, and --since/--until/--source."""

from __future__ import annotations

import json

import pytest

from tests.support.dated import QUESTION, write_dated_corpus


@pytest.fixture
def dated(newsbot, tmp_path):
    result = newsbot("ingest", str(write_dated_corpus(tmp_path / "dated")))
    assert result.exit_code == 0, result.stderr

    def ask(*options: str) -> dict:
        result = newsbot("ask", "--json", *options, QUESTION)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return ask


def test_each_quote_carries_its_dates_and_the_caveats_say_as_of_when(dated):
    data = dated("--source", "Coastal Herald", "--since", "2017-04-01")
    quote = data["quotes"][0]
    assert "35 million" in quote["text"]
    assert (quote["published"], quote["updated"]) == ("2017-04-03", "2017-04-10")
    assert (
        "As of 2017-04-10: “Bridge repair bill reaches 35 million pounds” was published "
        "2017-04-03 and last updated 2017-04-10."
    ) in data["caveats"]
    assert data["window"] == {
        "since": "2017-04-01",
        "until": None,
        "from_question": False,
        "prefer": None,
    }


def test_an_article_with_no_date_is_said_to_be_undated(dated):
    data = dated("--source", "harbour gazette")
    assert "12 million" in data["quotes"][0]["text"]
    assert data["quotes"][0]["published"] is None and data["quotes"][0]["updated"] is None
    assert (
        "“Bridge repair bill reaches 12 million pounds” is undated: "
        "newsbot does not know how current it is."
    ) in data["caveats"]


def test_a_window_leaves_out_articles_dated_outside_it_and_undated_ones(dated):
    data = dated("--since", "2017-03-01", "--until", "31 March 2017")
    assert data["window"] == {
        "since": "2017-03-01",
        "until": "2017-03-31",
        "from_question": False,
        "prefer": None,
    }
    figures = {q["text"].split("reached ")[1].split(" pounds")[0] for q in data["quotes"]}
    assert figures == {"20 million"}
    assert (
        "As of 2017-03-20, when “Bridge repair bill reaches 20 million pounds” was published."
        in (data["caveats"])
    )
    everything = dated()
    assert everything["window"] == {
        "since": None,
        "until": None,
        "from_question": False,
        "prefer": None,
    }


def test_an_outlet_filter_keeps_only_that_outlets_articles(dated):
    data = dated("--source", "viral thread")
    assert data["answered"] and {q["source"] for q in data["quotes"]} == {"Viral Thread"}
    assert "48 million" in data["quotes"][0]["text"]


def test_a_window_with_nothing_in_it_finds_nothing(dated):
    data = dated("--since", "2018-01-01")
    assert data["answered"] is False and data["quotes"] == data["related"] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ("--since", "next blursday"),
            "Error: since: 'next blursday' is not a date; write it like 2017-04-01",
        ),
        (
            ("--since", "2017-05-01", "--until", "2017-04-01"),
            "Error: since 2017-05-01 is after until 2017-04-01, so no article could match",
        ),
    ],
)
def test_a_bad_date_is_one_line(newsbot, options, message):
    result = newsbot("ask", *options, QUESTION)
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert result.stdout == ""
