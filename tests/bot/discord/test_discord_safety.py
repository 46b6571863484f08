"""An article full of pings and markdown is shown literally and pings nobody."""

from __future__ import annotations

import json

from tests.support.discord import DiscordStandIn
from tests.support.discord_payloads import APP_ID

MENTION_FREE = {"parse": []}


def _all_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def test_a_mischievous_article_is_quoted_harmlessly(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash(
        "ask", {"question": "How many visitors did the **harbour festival** draw? @everyone"}
    )
    body = standin.followup(sent).body
    quote, caveats = body["embeds"]
    # The article's own asterisks are shown as asterisks; only the answer span is bold.
    assert "drew \\*\\***12,000**\\*\\* visitors" in quote["description"]
    assert quote["title"] == "Harbour \\*\\*festival\\*\\* draws \\`crowds\\` @\u200beveryone"
    assert (
        "“Harbour \\*\\*festival\\*\\* draws \\`crowds\\` @\u200beveryone”"
        in (caveats["description"])
    )
    assert body["content"] == (
        "**Q:** How many visitors did the \\*\\*harbour festival\\*\\* draw? @\u200beveryone"
    )
    assert quote["url"] == "https://example.com/harbour_news?id=1"
    assert "https://example.com/harbour_news?id=1" in quote["fields"][0]["value"]
    assert "@everyone" not in _all_text(body)
    assert body["allowed_mentions"] == MENTION_FREE


def test_mentions_links_and_spoilers_in_an_article_stay_inert(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("summarize", {"article": "harbour", "sentences": 3})
    (summary, _) = standin.followup(sent).body["embeds"]
    text = summary["description"]
    assert "\\<@\u200b123456789012345678\\>" in text  # not a user mention
    assert "\\[a parade\\](https://evil.example)" in text  # not a masked link
    assert "\\`boat races\\`" in text
    assert "\\_Tickets\\_ cost \\~\\~£5\\~\\~ £7 \\|\\|now\\|\\|." in text
    for forbidden in ("<@1", "[a parade](", "||now||", "~~£5~~", "@everyone"):
        assert forbidden not in text


def test_every_message_the_bot_sends_forbids_pings(standin: DiscordStandIn, run_bot):
    run_bot(rate_limit=1)
    standin.followup(standin.slash("ask", {"question": "How many visitors came to the festival?"}))
    standin.callback(standin.slash("ask", {"question": "again?"}))  # refused by the cooldown
    standin.callback(standin.slash("ingest", {"content": "@everyone hello"}))  # not an admin
    standin.mention(f"<@{APP_ID}> how many visitors came to the festival?")
    standin.wait_for(lambda r: r.path.endswith("/messages"))
    sent = standin.messages_sent()
    carrying_text = [r for r in sent if not r.path.endswith("/callback") or r.body["type"] == 4]
    assert len(carrying_text) == 4
    for request in carrying_text:
        body = request.body.get("data", request.body)
        assert body["allowed_mentions"]["parse"] == [], request.path
        assert not {"users", "roles"} & set(body["allowed_mentions"]), request.path
