"""Rendering answers as Discord messages: escaping, highlighting, and staying within limits."""

from __future__ import annotations

import random
import re

import discord
import pytest

from bot.core.hedges import Cue
from bot.core.models import Answer, Citation, Highlight, Quote, Revision, Summary, Update, Window
from bot.discord import embeds
from bot.discord.commands import choice_name
from bot.discord.embeds import CUT_NOTE, answer_reply, sources_reply, summary_reply
from bot.discord.markup import escape, quotation, size
from index.models import Article, IngestReport

CITATION = Citation(
    3, "Port reopens", "Harbour Gazette", "https://example.com/port", "2024-05-01", 2
)


def quote(text: str, span: str | None = None, citation: Citation = CITATION, **extra) -> Quote:
    highlight = None
    if span is not None:
        start = text.index(span)
        highlight = Highlight(start, start + len(span), span)
    return Quote(text, citation, 0.9, highlight, **extra)


def markers(text: str) -> list[str]:
    """The unescaped `**` and `__` in rendered text, in order."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i : i + 2] in ("**", "__"):
            found.append(text[i : i + 2])
            i += 2
        else:
            i += 1
    return found


def within_limits(reply: embeds.Reply) -> None:
    assert reply.content is None or 0 < size(reply.content) <= 2000
    assert len(reply.embeds) <= 10
    assert sum(len(e) for e in reply.embeds) <= 6000
    for embed in reply.embeds:
        data = embed.to_dict()
        assert size(data.get("title", "")) <= 256
        assert size(data.get("description", "")) <= 4096
        assert len(data.get("fields", [])) <= 25
        for field in data.get("fields", []):
            assert 0 < size(field["value"]) <= 1024 and size(field["name"]) <= 256
        assert size(data.get("footer", {}).get("text", "")) <= 2048


def test_escape_leaves_nothing_for_discord_to_format_or_ping():
    text = "**b** _i_ __u__ ~~s~~ ||sp|| `c` > q [l](https://e.x) <@123456789012345678> @here \\"
    assert escape(text) == (
        "\\*\\*b\\*\\* \\_i\\_ \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\`c\\` \\> q "
        "\\[l\\](https://e.x) \\<@\u200b123456789012345678\\> @\u200bhere \\\\"
    )
    assert escape("# Heading\n- item\n12. item\n-# small") == (
        "\\# Heading\n\\- item\n12\\. item\n\\-# small"
    )


def test_links_stay_clickable_and_whole():
    assert escape("see https://example.com/a_b*c?x=1, then") == (
        "see https://example.com/a_b*c?x=1, then"
    )


def test_the_highlight_is_bold_and_hedges_are_underlined():
    text = "Officials said the port may reopen after 12 days of repairs."
    cue = Cue(text.index("may"), text.index("may") + 3, "may", "speculation")
    rendered = quotation(quote(text, "12 days", hedges=(cue,))).full
    assert rendered == ("“Officials said the port __may__ reopen after **12 days** of repairs.”")


def test_an_answer_embed_cites_its_source_and_links_the_article():
    answer = Answer(
        "How long?", True, "medium", (quote("It took 12 days.", "12 days"),), ("c1",), (), 0.62
    )
    reply = answer_reply(answer)
    first, caveats = (e.to_dict() for e in reply.embeds)
    assert reply.content == "**Q:** How long?"
    assert first["title"] == "Port reopens" and first["url"] == "https://example.com/port"
    assert first["description"] == "“It took **12 days**.”"
    assert first["fields"][0]["value"] == (
        "Harbour Gazette · 2024-05-01 · paragraph 2 · article 3\nhttps://example.com/port"
    )
    assert caveats["description"] == "• c1"
    assert caveats["footer"]["text"].startswith("Confidence: medium (62% likely to answer).")
    assert first["color"] == caveats["color"] == embeds.COLOURS["medium"]


def test_a_url_that_could_break_the_markup_is_not_linked():
    odd = Citation(3, "T", None, "javascript:alert(1)", None, 1)
    answer = Answer("q", True, "high", (quote("A sentence here.", citation=odd),), ())
    first = answer_reply(answer).embeds[0].to_dict()
    assert "url" not in first
    assert first["fields"][0]["value"].endswith("\njavascript:alert(1)")


def test_an_over_long_answer_is_cut_cleanly_within_every_limit():
    rng = random.Random(4)
    words = ["news", "**bold**", "_x_", "`c`", "@everyone", "<@123456789012345678>", "😀", "||s||"]
    long = " ".join(rng.choice(words) for _ in range(2500)) + " the answer is 42 troops."
    quotes = tuple(quote(long, "42 troops" if i == 0 else "news") for i in range(12))
    caveats = tuple(f"Caveat {i}: " + "x " * 400 for i in range(40))
    answer = Answer("why? " * 1000, True, "low", quotes, caveats)
    reply = answer_reply(answer)
    within_limits(reply)
    assert reply.content.endswith("…")
    assert len(reply.embeds) == 9  # 8 quotes and the caveats
    assert CUT_NOTE in reply.embeds[-1].footer.text
    assert "4 more quotes not shown" in reply.embeds[-1].footer.text
    for embed in reply.embeds[:-1]:
        assert embed.description.endswith("…”")
        assert len(markers(embed.description)) % 2 == 0
        assert not embed.description.endswith("\\…”")
    assert "more caveats not shown" in reply.embeds[-1].description


def test_cuts_never_split_an_escape_or_leave_a_marker_open():
    rng = random.Random(7)
    alphabet = ["a", "b", " ", "*", "_", "\\", "`", "@everyone", "<", "[", "é", "😀"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 80)))
        start = rng.randrange(len(text) - 1)
        end = rng.randrange(start + 1, len(text) + 1)
        q = Quote(text, CITATION, 1.0, Highlight(start, end, text[start:end]))
        rendered = quotation(q)
        budget = rng.randint(0, size(rendered.full) + 5)
        shown = rendered.fitted(budget)
        assert size(shown) <= budget
        if shown:
            assert len(markers(shown)) in (0, 2)
            assert "@everyone" not in shown
            trailing = re.search(r"\\*$", shown[1:-1].removesuffix("…"))
            assert trailing is not None and len(trailing.group()) % 2 == 0, shown


def test_unanswered_shows_the_caveats_and_labels_the_near_miss():
    related = quote("North Korea launched a missile, thought to be a test.", "a missile")
    caveats = ("I couldn't find that in the indexed articles.", "No figure for this.")
    reply = answer_reply(Answer("How many?", False, "none", (), caveats, (related,)))
    missing, near = (e.to_dict() for e in reply.embeds)
    assert missing["title"] == "No answer"
    assert missing["description"] == (
        "I couldn't find that in the indexed articles.\n• No figure for this."
    )
    assert near["title"] == "Closest passage (it does not answer the question)"
    assert near["description"] == "“North Korea launched a missile, thought to be a test.”"
    assert near["fields"][0]["name"] == "From"
    assert near["fields"][0]["value"].startswith("Port reopens · Harbour Gazette")


def test_a_summary_keeps_the_articles_sentences_in_order():
    sentences = (quote("First sentence here."), quote("Second one *here*."))
    reply = summary_reply(Summary(CITATION, sentences, ("The sentences below are quoted.",)))
    summary, caveats = (e.to_dict() for e in reply.embeds)
    assert summary["title"] == "Summary: Port reopens"
    assert summary["description"] == "• “First sentence here.”\n• “Second one \\*here\\*.”"
    assert summary["fields"][0]["value"].startswith("Harbour Gazette · 2024-05-01 · article 3")
    assert caveats["description"] == "• The sentences below are quoted."


def test_a_long_source_list_is_cut_between_lines():
    articles = [
        Article(i, f"k{i}", f"Title number {i} " + "w" * 60, "Outlet", None, None, None, None, 5)
        for i in range(1, 301)
    ]
    reply = sources_reply(articles)
    within_limits(reply)
    (embed,) = reply.embeds
    lines = embed.description.split("\n")
    assert lines[0].startswith("**1** · Title number 1 ")
    assert re.fullmatch(r"…and \d+ more not shown\.", lines[-1])
    assert all(line.endswith("5 passages") for line in lines[:-2])
    assert lines[-2].endswith(("5 passages", "…"))
    assert embed.title == "Indexed articles (300)"
    assert sources_reply([]).content == embeds.NO_ARTICLES


def test_the_ingest_report_is_short_plain_text():
    report = IngestReport(added=["Port **reopens**"], passages=1)
    report.failed.append(("", "there is no text to index"))
    assert embeds.ingest_reply(report).content == (
        "added: Port \\*\\*reopens\\*\\*\nfailed: there is no text to index\n"
        "1 added, 0 updated, 0 unchanged, 1 failed; 1 passages indexed"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Port  reopens\n", "Port reopens"), ("", "Article 7"), ("x" * 150, "x" * 99 + "…")],
)
def test_autocomplete_choice_names_fit_discord(title, expected):
    assert choice_name(title, 7) == expected
    assert 1 <= len(choice_name(title, 7)) <= 100


def test_embeds_are_plain_discord_embeds():
    reply = answer_reply(Answer("q", True, "high", (quote("A b c d."),), ()))
    assert all(isinstance(e, discord.Embed) for e in reply.embeds)


def test_one_huge_caveat_is_cut_and_the_reply_says_so():
    caveats = ("short", "long " * 400, "last")
    answer = Answer("q", True, "high", (quote("A b c d."),), caveats, (), 0.9)
    caveats = answer_reply(answer).embeds[-1]
    bullets = caveats.description.split("\n")
    assert bullets[0] == "• short" and bullets[2] == "• last"
    assert bullets[1].endswith("…") and size(bullets[1]) <= embeds.CAVEAT_LIMIT
    assert caveats.footer.text.endswith(CUT_NOTE)
    assert caveats.footer.text.startswith("Confidence: high (90% likely to answer).")


def test_the_window_an_answer_looked_in_is_said_under_the_question():
    window = Window(since="2017-04-03", from_question=True)
    answered = Answer(
        "How long?", True, "high", (quote("It took 12 days."),), ("c1",), (), 0.9, window
    )
    assert answer_reply(answered).content == (
        "**Q:** How long?\nLooking at articles since 3 April 2017."
    )
    # A mention's reply sits under the question itself, so only the window is said.
    assert answer_reply(answered, show_question=False).content == (
        "Looking at articles since 3 April 2017."
    )
    missed = Answer("Why?" * 1000, False, "none", (), ("I couldn't find that.",), window=window)
    reply = answer_reply(missed)
    within_limits(reply)
    assert reply.content.endswith("…\nLooking at articles since 3 April 2017.")


def test_a_quote_the_latest_update_added_says_so_and_a_summary_shows_what_it_added():
    added = quote("It took 14 days.", revision=Revision("added", "2017-05-03"))
    answer = Answer("How long?", True, "high", (added,), ("c1",), (), 0.95)
    reply = answer_reply(answer)
    within_limits(reply)
    first = reply.embeds[0].to_dict()
    assert first["fields"][1] == {
        "name": "Updated",
        "value": "added in the update of 3 May 2017",
        "inline": False,
    }

    update = Update("2017-05-03", (quote("It took 14 days."),), 1)
    reply = summary_reply(Summary(CITATION, (quote("Port reopens."),), ("Header.",), update))
    within_limits(reply)
    summary, added_card, caveats = (e.to_dict() for e in reply.embeds)
    assert summary["description"] == "• “Port reopens.”"
    assert added_card["title"] == "Added in the update of 3 May 2017:"
    assert added_card["description"] == "• “It took 14 days.”"
    assert caveats["description"] == "• Header."
