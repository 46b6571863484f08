"""Slash commands end to end: the real discord.py client against the loopback stand-in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.discord.embeds import NO_ARTICLES
from tests.support.discord import DiscordStandIn
from tests.support.discord_payloads import API, APP_ID, GUILD_ID

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SEED_TITLE = "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"


def texts(body: dict[str, Any]) -> str:
    """Every piece of text a message payload would show."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f["name"] + "\n" + f["value"] for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def unescaped(text: str) -> str:
    """Markdown escapes removed, as Discord displays them."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


def test_commands_are_registered_in_the_development_guild(standin: DiscordStandIn, run_bot):
    run_bot()
    synced = standin.wait_for(lambda r: r.method == "PUT" and "/commands" in r.path)
    assert synced.path == f"{API}/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert {c["name"] for c in synced.body} == {
        *("ask", "summarize", "sources", "ingest"),
        *("follow", "unfollow", "following", "alert", "alerts", "digest"),
    }
    summarize = next(c for c in synced.body if c["name"] == "summarize")
    assert summarize["options"][0] == {
        "type": 3,
        "name": "article",
        "description": "Start typing its title, or give its id from /sources",
        "required": True,
        "autocomplete": True,
    }


def test_ask_is_deferred_at_once_then_answered_with_the_highlighted_quote(
    standin: DiscordStandIn, run_bot
):
    run_bot()
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    callback = standin.callback(sent)
    assert (callback.status, callback.body) == (200, {"type": 5})
    assert callback.at - sent.at < 1.0
    followup = standin.followup(sent)
    assert followup.status == 200 and followup.query.get("wait") == "1"
    body = followup.body
    assert body["content"] == "**Q:** how many Chinese troops?"
    quote, caveats = body["embeds"]
    assert quote["title"] == SEED_TITLE
    assert "send **150,000** troops" in quote["description"]
    assert quote["description"].startswith("“") and quote["description"].endswith("”")
    assert quote["fields"] == [
        {
            "name": "Source",
            "value": "outlet unknown · date unknown · paragraph 7 · article 1",
            "inline": False,
        }
    ]
    assert caveats["title"] == "Caveats"
    assert re.match(
        r"Confidence: (high|medium) \(\d+% likely to answer\)\.", caveats["footer"]["text"]
    )
    assert "• According to the article “Putin Sends Troops" in caveats["description"]
    assert body["allowed_mentions"] == {"parse": []}
    assert not body.get("flags", 0) & 64, "replies are public unless asked otherwise"
    assert [c.status for c in sent.callbacks] == [200]


def test_quotes_are_the_article_verbatim(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    description = standin.followup(sent).body["embeds"][0]["description"]
    shown = unescaped(description.replace("**", "").replace("__", "")).strip("“”")
    article = " ".join((SEEDS / "000_fe66f4055116d4c5.txt").read_text().split())
    assert " ".join(shown.split()) in article


def test_summarize_autocompletes_titles_then_summarises_the_chosen_id(
    standin: DiscordStandIn, run_bot
):
    run_bot()
    typing = standin.slash("summarize", {"article": "north KOREAN"}, focused="article")
    callback = standin.callback(typing)
    assert callback.body == {"type": 8, "data": {"choices": [{"name": SEED_TITLE, "value": "1"}]}}
    everything = standin.slash("summarize", {"article": ""}, focused="article")
    assert len(standin.callback(everything).body["data"]["choices"]) == 2
    nothing = standin.slash("summarize", {"article": "banana bread"}, focused="article")
    assert standin.callback(nothing).body["data"]["choices"] == []

    sent = standin.slash("summarize", {"article": "1", "sentences": 2})
    assert standin.callback(sent).body == {"type": 5}
    summary, caveats = standin.followup(sent).body["embeds"]
    assert summary["title"] == f"Summary: {SEED_TITLE}"
    bullets = summary["description"].split("\n")
    assert len(bullets) == 2 and all(b.startswith("• “") for b in bullets)
    article = " ".join((SEEDS / "000_fe66f4055116d4c5.txt").read_text().split())
    for bullet in bullets:
        assert unescaped(bullet.removeprefix("• “").removesuffix("”")) in article
    assert "quoted verbatim from the article" in caveats["description"]


def test_an_unknown_article_is_explained_in_the_cores_words(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("summarize", {"article": "banana bread"})
    followup = standin.followup(sent)
    assert followup.status == 200 and not followup.body["embeds"]
    assert "banana bread" in followup.body["content"]


def test_an_unanswerable_question_gets_the_cores_caveat_and_no_quote(
    standin: DiscordStandIn, run_bot
):
    run_bot()
    sent = standin.slash("ask", {"question": "What is the population of Tokyo?"})
    body = standin.followup(sent).body
    assert [e["title"] for e in body["embeds"]] == ["No answer"]
    assert body["embeds"][0]["description"] == (
        "I couldn't find that in the indexed articles.\n"
        "• The closest passages do not mention Tokyo."
    )
    assert "**" not in texts(body).replace("**Q:**", "")


def test_a_near_miss_is_labelled_as_not_an_answer(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("ask", {"question": "How many missiles did North Korea launch?"})
    missing, related = standin.followup(sent).body["embeds"]
    assert missing["title"] == "No answer"
    assert "give no figure for this" in missing["description"]
    assert related["title"] == "Closest passage (it does not answer the question)"
    assert "**" not in related["description"]
    assert related["fields"][0]["name"] == "From"


def test_sources_lists_the_indexed_articles(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("sources")
    (embed,) = standin.followup(sent).body["embeds"]
    assert embed["title"] == "Indexed articles (2)"
    assert embed["description"].startswith(f"**1** · {SEED_TITLE} — outlet unknown")
    assert NO_ARTICLES not in texts(standin.followup(sent).body)


def test_private_option_and_config_make_replies_ephemeral(standin: DiscordStandIn, run_bot):
    run_bot(ephemeral=True)
    default = standin.slash("sources")
    assert standin.callback(default).body == {"type": 5, "data": {"flags": 64}}
    assert standin.followup(default).body["flags"] & 64
    public = standin.slash("sources", {"private": False})
    assert standin.callback(public).body == {"type": 5}


def test_a_too_long_question_is_refused_with_the_cores_reason(standin: DiscordStandIn, run_bot):
    run_bot()
    sent = standin.slash("ask", {"question": "why " * 400})
    body = standin.followup(sent).body
    assert body["content"] == "the question is 1,599 characters long; the limit is 1,000"
    assert body["allowed_mentions"] == {"parse": []}
