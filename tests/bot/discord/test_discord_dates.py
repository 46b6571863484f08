"""/ask's since, until and source options end to end, over a dated corpus on the stand-in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.service import NewsService
from tests.bot.discord.test_discord_commands import texts
from tests.support.dated import QUESTION, dated_documents
from tests.support.discord import DiscordStandIn


def test_ask_registers_since_until_and_an_autocompleted_source(standin: DiscordStandIn, run_bot):
    run_bot()
    synced = standin.wait_for(lambda r: r.method == "PUT" and "/commands" in r.path)
    ask = next(c for c in synced.body if c["name"] == "ask")
    options = {o["name"]: o for o in ask["options"]}
    assert {"since", "until", "source"} <= set(options)
    assert options["source"].get("autocomplete") is True
    assert not options["since"].get("required") and not options["source"].get("required")


def test_ask_with_a_window_and_an_outlet_quotes_only_what_they_allow(
    standin: DiscordStandIn, run_bot, fresh_service
):
    assert fresh_service.library.ingest(dated_documents()).added
    run_bot(fresh_service)
    typing = standin.slash("ask", {"question": QUESTION, "source": "coast"}, focused="source")
    assert standin.callback(typing).body == {
        "type": 8,
        "data": {"choices": [{"name": "Coastal Herald", "value": "Coastal Herald"}]},
    }

    sent = standin.slash(
        "ask", {"question": QUESTION, "since": "2017-04-01", "source": "Coastal Herald"}
    )
    quote, caveats = standin.followup(sent).body["embeds"]
    assert quote["title"] == "Bridge repair bill reaches 35 million pounds"
    assert quote["fields"][0]["value"].startswith(
        "Coastal Herald · 2017-04-03 · updated 2017-04-10"
    )
    assert "• As of 2017-04-10:" in caveats["description"]


def test_ask_with_a_bad_date_is_told_so_privately(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("ask", {"question": QUESTION, "until": "someday"})
    body = standin.callback(sent).body
    assert "until: 'someday' is not a date; write it like 2017-04-01" in texts(body["data"])
    assert body["data"]["flags"] & 64


def test_time_words_in_the_question_set_the_window_and_the_reply_says_so(
    standin: DiscordStandIn, run_bot, fresh_service
):
    assert fresh_service.library.ingest(dated_documents()).added
    clocked = NewsService(
        replace(fresh_service.config, fixed_now=datetime(2017, 4, 26, 12, tzinfo=UTC)),
        fresh_service.library,
    )
    run_bot(clocked)
    question = "How big was the repair bill for the Harbour Bridge last month?"
    body = standin.followup(standin.slash("ask", {"question": question})).body
    assert body["content"].endswith("\nLooking at articles from 1 to 31 March 2017.")
    assert body["embeds"][0]["title"] == "Bridge repair bill reaches 20 million pounds"
