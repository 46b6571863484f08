"""Block Kit rendering: verbatim quotes made inert, and every reply within Slack's limits."""

from __future__ import annotations

from dataclasses import replace

from bot.core.hedges import Cue
from bot.core.models import Answer, Citation, Highlight, Quote, Revision, Summary, Update, Window
from bot.slack.blocks import (
    LEFT_OUT,
    NOT_AN_ANSWER,
    QUOTE_CUT,
    answer_messages,
    ingest_message,
    notice,
    sources_messages,
    summary_messages,
)
from bot.slack.mrkdwn import clip, from_slack, link, literal, quoted
from index.models import Article, IngestReport
from tests.support.slack import block_problems

TOKEN = "<!date^00000000^{_}|%s>"
CITATION = Citation(7, "Port reopens", "Harbour Times", "https://example.org/port", "2024-03-02", 3)


def quote(text: str, highlight: tuple[int, int] | None = None) -> Quote:
    span = Highlight(*highlight, text[slice(*highlight)]) if highlight else None
    return Quote(text, CITATION, 0.9, span, (Cue(0, 3, "may", "speculation"),))


def sections(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def contexts(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]


def assert_within_limits(messages) -> None:  # type: ignore[no-untyped-def]
    assert 1 <= len(messages) <= 4  # a response_url takes 5 posts
    for message in messages:
        blocks = message["blocks"]
        assert len(blocks) <= 50
        assert block_problems(blocks) == []
        for block in blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
                assert block["text"]["verbatim"] is True
            else:
                assert len(block["elements"]) <= 10
                assert all(len(e["text"]) <= 3000 for e in block["elements"])
        assert len(message["text"]) <= 3000


def test_control_characters_become_entities_so_nobody_is_pinged():
    shown = literal("Hi <!channel> & <!here>, ask <@U123> or <#C1|general>")
    assert (
        shown == "Hi &lt;!channel&gt; &amp; &lt;!here&gt;, ask &lt;@U123&gt; or &lt;#C1|general&gt;"
    )
    assert "<!channel>" not in shown and "<@U123>" not in shown


def test_formatting_characters_that_could_format_are_shown_as_themselves():
    assert literal("a *bold* claim") == f"a {TOKEN % '*'}bold{TOKEN % '*'} claim"
    assert literal("snake_case_name") == f"snake{TOKEN % '_'}case{TOKEN % '_'}name"
    assert literal("~20 ships and `code`").startswith(TOKEN % "~")
    assert literal("it was :fire: hot") == f"it was {TOKEN % ':'}fire: hot"
    # Alone between spaces they cannot format anything, and stay as they are.
    assert literal("5 * 3 _ 2 ~ 1") == "5 * 3 _ 2 ~ 1"
    # A line starting with ">" would be a block quote.
    assert literal("> not a quote") == "\u00ad&gt; not a quote"


def test_quote_is_a_block_quote_with_the_answer_in_bold():
    text = "China sent 150,000 troops <soon>."
    shown = quoted(text, Highlight(11, 18, "150,000"))
    assert shown == "> China sent \u200b*150,000*\u200b troops &lt;soon&gt;."
    # Spaces at the span's edges would stop Slack from making it bold.
    assert quoted(text, Highlight(10, 19, " 150,000 ")).count("*150,000*") == 1
    assert quoted("one\ntwo") == "> one\n> two"


def test_clip_cuts_between_words_and_says_so():
    shown, cut = clip("alpha beta gamma delta", 13)
    assert cut and shown == "alpha beta…"
    assert clip("short", 10) == ("short", False)
    # The limit holds for the rendered text, entities and all.
    shown, cut = clip("<" * 100, 50)
    assert cut and len(shown) <= 50 and shown.endswith("…")


def test_links_are_escaped_and_only_for_http():
    assert link("https://ex.org/a?b=1&c=2|x", "open") == "<https://ex.org/a?b=1&amp;c=2%7Cx|open>"
    assert link("javascript:alert(1)", "open") == "javascript:alert(1)"


def test_slack_markup_in_what_users_type_becomes_plain_text():
    assert from_slack("a &lt;b&gt; &amp;amp; c") == "a <b> &amp; c"
    assert from_slack("<https://ex.org/x|ex.org/x> story") == "https://ex.org/x story"
    assert from_slack("ask <@U123|ann> and <@U456>") == "ask @ann and @U456"
    assert from_slack("<#C123|general> <!channel> <!subteam^S1|@desk>") == "#general @channel @desk"


def test_answer_has_question_quote_citation_confidence_and_caveats():
    answer = Answer(
        "How long?",
        True,
        "medium",
        (quote("It took *12* days.", (8, 12)),),
        ("A.", "B."),
        probability=0.6,
    )
    (message,) = answer_messages(answer)
    assert_within_limits([message])
    q, body = sections(message)
    assert q == "*Q:* How long?"
    assert body == f"> It took \u200b*{TOKEN % '*'}12{TOKEN % '*'}*\u200b days."
    notes = contexts(message)
    assert notes[0].startswith(
        "— Port reopens · Harbour Times · 2024-03-02 · paragraph 3 · article 7"
    )
    assert notes[0].endswith("<https://example.org/port|open the article>")
    assert notes[1:] == ["*Confidence:* medium (60% likely to answer)", "• A.", "• B."]
    assert "It took *12* days." in message["text"]  # the fallback is plain text


def test_unanswered_shows_the_caveat_and_labels_the_related_passage():
    related = quote("Troops were seen near the border.", (0, 6))
    answer = Answer(
        "How many?", False, "none", (), ("I couldn't find that.", "No figure."), (related,)
    )
    (message,) = answer_messages(answer)
    shown = sections(message)
    assert shown[1] == "I couldn't find that."
    assert shown[2] == NOT_AN_ANSWER
    assert shown[3] == "> Troops were seen near the border."  # not bold: it is no answer
    assert "• No figure." in contexts(message)
    assert "Confidence" not in str(message)


def test_a_huge_answer_is_cut_to_fit_slack_and_says_what_was_left_out():
    long_text = "The council said " + "many more boats and *nets* were lost " * 400 + "in 2024."
    quotes = tuple(quote(long_text, (17, 21)) for _ in range(100))
    caveats = tuple(f"Caveat {i}: " + "“hedge” " * 500 for i in range(300))
    messages = answer_messages(Answer("Q?" * 3000, True, "low", quotes, caveats))
    assert_within_limits(messages)
    assert len(messages) == 4
    first = sections(messages[0])
    assert first[0].endswith("…")  # even the question is cut
    assert first[1].startswith("> The council said") and first[1].endswith("…")
    assert QUOTE_CUT in contexts(messages[0])
    assert contexts(messages[-1])[-1] == LEFT_OUT
    assert [m["text"] for m in messages[1:]] == ["(continued)"] * 3


def test_many_caveats_are_spread_over_context_blocks_of_ten():
    caveats = tuple(f"Caveat {i}." for i in range(25))
    (message,) = answer_messages(Answer("Q?", True, "high", (quote("Yes."),), caveats))
    assert_within_limits([message])
    assert sum(1 for c in contexts(message) if c.startswith("• Caveat")) == 25


def test_summary_quotes_without_bold_and_with_paragraphs():
    summary = Summary(CITATION, (quote("First *point*."), quote("Second.")), ("Header.", "Who."))
    (message,) = summary_messages(summary)
    assert_within_limits([message])
    shown = sections(message)
    assert shown[0] == "*Summary of “Port reopens”*"
    assert shown[1:] == [f"> First {TOKEN % '*'}point{TOKEN % '*'}.", "> Second."]
    assert "— paragraph 3" in contexts(message)


def test_hundreds_of_sources_fit_in_the_allowed_messages():
    articles = [
        Article(
            i, f"k{i}", f"Story number {i} " + "x" * 80, "Outlet", "2024-01-01", None, None, None, 3
        )
        for i in range(1, 10001)
    ]
    messages = sources_messages(articles)
    assert_within_limits(messages)
    assert sections(messages[0])[0] == "*Indexed articles (10000)*"
    assert contexts(messages[-1])[-1] == LEFT_OUT
    assert sources_messages([])[0]["text"] == "No articles are indexed."


def test_ingest_report_and_notices_are_inert():
    report = IngestReport(added=["<!here> news"], failed=[("x", "there is no text to index")])
    message = ingest_message(report)
    assert "added: &lt;!here&gt; news" in sections(message)[0]
    assert "failed: there is no text to index" in sections(message)[0]
    assert "1 added, 0 updated, 0 unchanged, 1 failed; 0 passages indexed" in message["text"]
    assert notice("no match for '<!channel>'")["text"] == "no match for '&lt;!channel&gt;'"


def test_the_window_an_answer_looked_in_is_said_under_the_question():
    window = Window("2017-04-10", "2017-04-17", from_question=True, prefer="newest")
    for answer in (
        Answer("Latest?", True, "high", (quote("Yes."),), ("A.",), probability=0.9, window=window),
        Answer("Latest?", False, "none", (), ("I couldn't find that.",), window=window),
    ):
        (message,) = answer_messages(answer)
        assert_within_limits([message])
        first, second = message["blocks"][:2]
        assert first["text"]["text"] == "*Q:* Latest?"
        assert second["elements"][0]["text"] == (
            "Looking at articles from 10 to 17 April 2017, the newest first."
        )
        assert "Looking at articles from 10 to 17 April 2017" in message["text"]
    (plain,) = answer_messages(Answer("Q?", True, "high", (quote("Yes."),), ("A.",)))
    assert not any("Looking at" in t for t in contexts(plain))


def test_a_quote_the_latest_update_changed_says_so_and_a_summary_shows_what_it_added():
    revised = replace(quote("It took 14 days."), revision=Revision("changed", "2017-05-03", "Was."))
    answer = Answer("How long?", True, "high", (revised,), ("A.",), probability=0.95)
    (message,) = answer_messages(answer)
    assert_within_limits([message])
    assert contexts(message)[1] == "_changed in the update of 3 May 2017_"
    assert "changed in the update of 3 May 2017" in message["text"]

    update = Update("2017-05-03", (quote("It took 14 days."),), 1)
    summary = Summary(CITATION, (quote("Port reopens."),), ("Header.",), update)
    (message,) = summary_messages(summary)
    assert_within_limits([message])
    assert sections(message)[2:] == ["*Added in the update of 3 May 2017:*", "> It took 14 days."]
    assert "Added in the update of 3 May 2017:" in message["text"]
