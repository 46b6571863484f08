"""`newsbot ask` over a dated corpus: how current each answer is, and --since/--until/--source."""

from __future__ import annotations

import json

import pytest

from tests.support.dated import QUESTION, write_dated_corpus


@pytest.fixture
def dated(newsbot, tmp_path):
    result = newsbot("ingest", str(write_dated_corpus(tmp_path / "dated")))
    assert result.exit_code == 0, result.stderr

    def ask(*options: str, question: str = QUESTION, now: str | None = None) -> dict:
        env = {"NEWSBOT_NOW": now} if now else None
        result = newsbot("ask", "--json", *options, question, env=env)
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


LATEST = "What is the latest figure for the repair bill for the Harbour Bridge?"
LAST_MONTH = "How big was the repair bill for the Harbour Bridge last month?"


def test_newsbot_now_fixes_the_clock_of_the_questions_time_words(dated):
    march = dated(question=LAST_MONTH, now="2017-04-26T12:00:00Z")
    assert march["window"] == {
        "since": "2017-03-01",
        "until": "2017-03-31",
        "from_question": True,
        "prefer": None,
    }
    assert [q["published"] for q in march["quotes"]] == ["2017-03-20"]
    april = dated(question=LAST_MONTH, now="2017-05-02T09:00:00+02:00")
    assert (april["window"]["since"], april["window"]["until"]) == ("2017-04-01", "2017-04-30")
    assert april["answered"] and all(q["published"] >= "2017-04" for q in april["quotes"])


def test_latest_answers_from_the_newest_article(dated):
    data = dated(question=LATEST, now="2017-04-26T12:00:00Z")
    assert data["question"] == LATEST
    assert "48 million" in data["quotes"][0]["text"]
    assert data["window"] == {
        "since": None,
        "until": None,
        "from_question": True,
        "prefer": "newest",
    }
    narrowed = dated("--until", "2017-04-15", question=LATEST, now="2017-04-26T12:00:00Z")
    assert "35 million" in narrowed["quotes"][0]["text"]
    assert narrowed["window"]["until"] == "2017-04-15" and narrowed["window"]["from_question"]


def test_the_text_answer_says_which_window_it_used(newsbot, dated):
    result = newsbot("ask", LAST_MONTH, env={"NEWSBOT_NOW": "2017-04-26T12:00:00Z"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Q: {LAST_MONTH}",
        "Looking at articles from 1 to 31 March 2017.",
    ]
    assert "20 million" in result.stdout


def test_an_invalid_newsbot_now_is_one_line(newsbot):
    result = newsbot("ask", QUESTION, env={"NEWSBOT_NOW": "last tuesday"})
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        "Error: NEWSBOT_NOW='last tuesday' is not an ISO 8601 time; "
        "write it like 2017-04-26T12:00:00Z"
    )


def test_an_invalid_timezone_is_one_line(newsbot, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[answer]\ntimezone = "Moon/Tranquility"\n', encoding="utf-8")
    result = newsbot("--config", str(config), "ask", QUESTION)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: {config}: [answer] timezone must be an IANA time zone name such as "
        "\"Europe/London\", not 'Moon/Tranquility'"
    )


def test_a_question_window_outside_the_dates_given_is_refused_and_the_next_line_answered(
    newsbot, dated
):
    lines = f"{LAST_MONTH}\n{QUESTION}\n"
    result = newsbot(
        "ask",
        "--json",
        "--since",
        "2017-04-01",
        "-",
        input=lines,
        env={"NEWSBOT_NOW": "2017-04-26T12:00:00Z"},
    )
    assert result.exit_code == 1
    refused, answered = (json.loads(line) for line in result.stdout.splitlines())
    assert refused["error"] == (
        "the question asks for articles from 1 to 31 March 2017, but the dates given allow "
        "only articles since 1 April 2017, so no article could match"
    )
    assert answered["answered"] and answered["window"]["since"] == "2017-04-01"
