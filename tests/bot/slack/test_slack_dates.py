"""/ask's `since:`, `until:` and `source:` words end to end, over a dated corpus."""

from __future__ import annotations

import pytest

from bot.slack.app import asked_with_filters
from index.models import Filters
from tests.support.dated import QUESTION, dated_documents


def test_filters_are_read_from_anywhere_in_the_text_and_taken_out_of_the_question() -> None:
    assert asked_with_filters(
        'since:2017-04-01 how big is the bill? source:"Viral Thread" until:“30 April 2017”'
    ) == ("how big is the bill?", Filters("2017-04-01", "2017-04-30", "Viral Thread"))
    assert asked_with_filters("what happened since: Monday") == (
        "what happened since: Monday",
        Filters(),
    )


def sections(post) -> list[dict]:  # type: ignore[no-untyped-def]
    return [b for b in post.body["blocks"] if b["type"] == "section"]


@pytest.fixture
def dated_slack(make_slack, fresh_service):  # type: ignore[no-untyped-def]
    assert fresh_service.library.ingest(dated_documents()).added
    return make_slack(fresh_service)


def test_ask_with_since_and_source_quotes_only_what_they_allow(dated_slack):
    _, ack, _, key = dated_slack.command(
        "/ask", f'{QUESTION} since:2017-04-01 source:"Viral Thread"'
    )
    assert ack == b""
    (post,) = dated_slack.stand_in.wait_for(key)
    shown = "\n".join(
        e["text"]
        for b in post.body["blocks"]
        if b["type"] != "actions"  # the feedback buttons
        for e in ([b["text"]] if "text" in b else b.get("elements", []))
    )
    quote = next(b for b in sections(post) if b["text"]["text"].startswith(">"))
    assert "48 million" in quote["text"]["text"]
    assert "Viral Thread · 2017-04-24" in shown
    assert "Looking at articles since 1 April 2017." in shown
    assert (
        "As of 2017-04-24, when “Bridge repair bill reaches 48 million pounds” was published."
        in (shown)
    )


def test_ask_with_a_bad_date_is_told_to_the_asker_alone(dated_slack):
    _, _, _, key = dated_slack.command("/ask", f"{QUESTION} until:someday")
    (post,) = dated_slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    assert post.body["text"] == ("Sorry, until: 'someday' is not a date; write it like 2017-04-01.")


def test_latest_with_until_is_the_newest_before_it_and_the_reply_says_so(dated_slack):
    latest = "What is the latest figure for the repair bill for the Harbour Bridge?"
    _, _, _, key = dated_slack.command("/ask", f"{latest} until:2017-04-15")
    (post,) = dated_slack.stand_in.wait_for(key)
    question, window = post.body["blocks"][:2]
    assert question["text"]["text"] == f"*Q:* {latest}"
    assert window["elements"][0]["text"] == (
        "Looking at articles before 16 April 2017, the newest first."
    )
    quote = next(b for b in sections(post) if b["text"]["text"].startswith(">"))
    assert "35 million" in quote["text"]["text"]
