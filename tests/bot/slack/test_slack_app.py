"""Slack end to end: signed requests in over HTTP, real answers out to a stand-in for Slack."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bot.service import NewsService
from bot.slack.app import FAILED, NOT_ADMIN, USAGE
from tests.bot.slack.conftest import SECRET
from tests.support.slack import (
    BOT_USER_ID,
    block_problems,
    command_body,
    mention_body,
    send,
    signature,
)


def texts(post) -> str:  # type: ignore[no-untyped-def]
    return post.all_text()


def test_ask_is_acked_empty_then_answered_in_channel_with_the_quote(slack):
    status, ack, _, key = slack.command("/ask", "how many Chinese troops?")
    assert status == 200 and ack == b""  # nothing shown before the answer
    (post,) = slack.stand_in.wait_for(key)
    body = post.body
    assert body["response_type"] == "in_channel"
    assert body["replace_original"] is False
    assert "150,000" in body["text"]
    quote = next(b for b in body["blocks"] if b["text"]["text"].startswith(">"))
    # The answering span is bold inside the block quote, the quote otherwise verbatim.
    assert "*150,000*" in quote["text"]["text"]
    assert quote["text"]["text"].startswith("> The news follows China’s decision to send")
    context = " ".join(
        e["text"] for b in body["blocks"] if b["type"] == "context" for e in b["elements"]
    )
    assert "Putin Sends Troops To North Korean Border" in context
    assert "paragraph 7" in context
    assert re.search(r"\*Confidence:\* (high|medium) \(\d+% likely to answer\)", context)
    assert "outlet unknown" in context
    assert not block_problems(body["blocks"])


def test_unanswerable_question_says_so_and_quotes_nothing_as_an_answer(slack):
    _, _, _, key = slack.command("/ask", "What is the population of Tokyo?")
    (post,) = slack.stand_in.wait_for(key)
    sections = [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]
    assert "I couldn't find that in the indexed articles." in sections
    assert not any(s.startswith(">") for s in sections)
    assert "Confidence" not in post.all_text()


def test_related_passage_is_labelled_not_an_answer(slack):
    _, _, _, key = slack.command("/ask", "How many Russian troops?")
    (post,) = slack.stand_in.wait_for(key)
    sections = [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]
    assert sections[1] == "I couldn't find that in the indexed articles."
    assert "give no figure for this" in post.all_text()
    # The near miss comes after the label, in plain text: no bold answer span.
    assert sections[2] == "*Closest passage.* It does not answer the question:"
    assert sections[3].startswith("> ") and "Russian" in sections[3]
    assert "*" not in sections[3]


def test_summarize_quotes_the_article_under_its_header(slack):
    _, ack, _, key = slack.command("/summarize", "putin troops")
    assert ack == b""
    (post,) = slack.stand_in.wait_for(key)
    blocks = post.body["blocks"]
    assert blocks[0]["text"]["text"].startswith("*Summary of “Putin Sends Troops")
    quotes = [b for b in blocks if b["type"] == "section" and b["text"]["text"].startswith(">")]
    assert len(quotes) == 4  # [summary] sentences default
    assert "quoted verbatim from the article" in post.all_text()


def test_sources_lists_the_seed_article(slack):
    _, _, _, key = slack.command("/sources", "")
    (post,) = slack.stand_in.wait_for(key)
    assert "*Indexed articles (1)*" in post.all_text()
    assert "Putin Sends Troops To North Korean Border" in post.all_text()


def test_unknown_article_is_told_to_the_asker_alone(slack):
    _, _, _, key = slack.command("/summarize", "banana bread recipes")
    (post,) = slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    assert "no indexed article matches" in post.body["text"]
    assert "`/sources` lists the indexed articles." in post.all_text()


def test_empty_command_gets_usage_in_the_ack_and_no_answer(slack):
    status, ack, _, key = slack.command("/ask", "  --private  ")
    assert status == 200
    assert json.loads(ack)["text"] == USAGE["/ask"]
    time.sleep(0.3)
    assert slack.stand_in.posts(key) == []


def test_mention_is_answered_in_its_thread(slack):
    ts = "1712345678.000100"
    status, ack, _ = slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", ts)
    assert ack == b""
    assert status == 200
    (post,) = slack.stand_in.wait_for("/api/chat.postMessage")
    assert post.body["channel"] == "C0NEWS"
    assert post.body["thread_ts"] == ts
    assert post.body["unfurl_links"] is False
    assert "150,000" in post.all_text()
    assert "Q:* how many Chinese troops?" in post.all_text()  # the mention itself is dropped
    assert post.token == slack.stand_in.posts("/api/auth.test")[0].token  # the bot token


def test_mention_inside_a_thread_answers_in_that_thread(slack):
    slack.mention(
        f"<@{BOT_USER_ID}> how many Chinese troops?",
        "1712345699.000200",
        thread_ts="1712345600.000100",
    )
    (post,) = slack.stand_in.wait_for("/api/chat.postMessage")
    assert post.body["thread_ts"] == "1712345600.000100"


def test_a_redelivered_event_is_answered_once(slack):
    ts = "1712345678.000300"
    for _ in range(2):
        assert (
            slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", ts, event_id="Ev1")[0]
            == 200
        )
    slack.stand_in.wait_for("/api/chat.postMessage")
    time.sleep(0.5)
    assert len(slack.stand_in.posts("/api/chat.postMessage")) == 1


def test_a_retried_event_is_acknowledged_without_running_again(slack):
    ts = "1712345678.000310"
    body = mention_body(f"<@{BOT_USER_ID}> how many Chinese troops?", ts, event_id="Ev310")
    assert slack.send(body)[0] == 200
    # Slack's retry: the same event, signed anew, with the retry headers.
    stamp = int(time.time()) + 1
    retry = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(SECRET, stamp, body),
        "X-Slack-Retry-Num": "1",
        "X-Slack-Retry-Reason": "http_timeout",
    }
    parts = urlsplit(slack.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("POST", parts.path, body=body, headers=retry)
    reply = connection.getresponse()
    assert reply.status == 200 and reply.read() == b""
    assert reply.getheader("X-Slack-No-Retry") == "1"  # and Slack need not try again
    connection.close()
    slack.stand_in.wait_for("/api/chat.postMessage")
    time.sleep(0.5)
    assert len(slack.stand_in.posts("/api/chat.postMessage")) == 1


def test_a_replayed_slash_command_is_answered_once(slack):
    body = command_body("/ask", "how many Chinese troops?", slack.stand_in.response_url("again"))
    stamp = int(time.time())
    assert [send(slack.url, body, SECRET, timestamp=stamp)[0] for _ in range(3)] == [200] * 3
    slack.stand_in.wait_for("/response/again")
    time.sleep(0.5)
    assert len(slack.stand_in.posts("/response/again")) == 1
    # The same command sent again, with a timestamp of its own, is a new request.
    assert send(slack.url, body, SECRET, timestamp=stamp + 1)[0] == 200
    slack.stand_in.wait_for("/response/again", count=2)


def test_a_forged_request_does_not_stop_the_real_one(slack):
    body = mention_body(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712345678.000320")
    assert send(slack.url, body, SECRET, signed_with="not-the-secret")[0] == 401
    assert slack.send(body)[0] == 200  # its event id was not remembered from the forgery
    assert "150,000" in slack.stand_in.wait_for("/api/chat.postMessage")[0].all_text()


def test_private_flag_and_ephemeral_default(make_slack):
    slack = make_slack(visibility="ephemeral")
    _, _, _, private = slack.command("/ask", "how many Chinese troops?")
    _, _, _, public = slack.command("/ask", "--public how many Chinese troops?")
    assert slack.stand_in.wait_for(private)[0].body["response_type"] == "ephemeral"
    assert slack.stand_in.wait_for(public)[0].body["response_type"] == "in_channel"
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712345678.000400")
    (post,) = slack.stand_in.wait_for("/api/chat.postEphemeral")
    assert post.body["user"] == "U0ASKER" and post.body["thread_ts"] == "1712345678.000400"
    assert "150,000" in post.all_text()
    assert slack.stand_in.posts("/api/chat.postMessage") == []


def test_forged_signature_is_rejected(slack):
    status, _, _, key = slack.command(
        "/ask", "how many Chinese troops?", signed_with="not-the-secret"
    )
    assert status == 401
    time.sleep(0.3)
    assert slack.stand_in.posts(key) == []


def test_stale_timestamp_is_rejected(slack):
    stale = int(time.time()) - 6 * 60  # Slack's window is 5 minutes
    status, _, _, key = slack.command("/ask", "how many Chinese troops?", timestamp=stale)
    assert status == 401
    time.sleep(0.3)
    assert slack.stand_in.posts(key) == []


class HeldService(NewsService):
    """The real service, except that every answer waits until the test lets it go."""

    def __init__(self, service: NewsService):
        super().__init__(service.config, service.library)
        self.gate = threading.Event()
        self.waiting = threading.Semaphore(0)

    def ask(self, question: str, scope: str | None = None, filters=None):  # type: ignore[no-untyped-def]
        self.waiting.release()
        assert self.gate.wait(timeout=60), "the test never let the answers go"
        return super().ask(question, scope, filters)


def test_acks_do_not_wait_for_answers_in_a_burst_while_every_worker_is_busy(
    make_slack, news_service
):
    held = HeldService(news_service)
    slack = make_slack(held)
    try:
        with ThreadPoolExecutor(20) as pool:  # at once, and more than the 8 workers answering
            sent = list(
                pool.map(lambda _: slack.command("/ask", "how many Chinese troops?"), range(20))
            )
        # Every request was acknowledged while no answer could be given.
        assert {status for status, _, _, _ in sent} == {200}
        assert held.waiting.acquire(timeout=30)  # an answer is being worked on, held
        for _, _, _, key in sent:
            assert slack.stand_in.posts(key) == []
    finally:
        held.gate.set()
    for _, _, _, key in sent:
        (post,) = slack.stand_in.wait_for(key, timeout=30)
        assert "150,000" in post.body["text"]


def test_only_admins_may_ingest(make_slack, fresh_service):
    slack = make_slack(fresh_service, admins=("T0NEWS:U0ADMIN",))
    status, ack, _, key = slack.command("/ingest", "Port reopens\nThe port reopened after 12 days.")
    assert status == 200 and json.loads(ack)["text"] == NOT_ADMIN
    time.sleep(0.3)
    assert slack.stand_in.posts(key) == []
    assert [a.title for a in fresh_service.sources()] == [
        "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"
    ]


def test_admin_ingest_is_indexed_and_quoted_harmlessly(make_slack, fresh_service):
    slack = make_slack(fresh_service, admins=("T0NEWS:U0ADMIN",))
    # Slack sends what the admin typed with &, < and > as entities.
    article = (
        "Harbour closes &lt;!channel&gt;\n"
        "The harbour master told &lt;@U123&gt; that 42 boats were stranded by the storm."
    )
    _, ack, _, key = slack.command("/ingest", article, user="U0ADMIN")
    assert ack == b""
    (report,) = slack.stand_in.wait_for(key)
    assert report.body["response_type"] == "ephemeral"
    assert "added: Harbour closes &lt;!channel&gt;" in report.all_text()
    assert "1 added, 0 updated, 0 unchanged, 0 failed" in report.body["text"]

    _, _, _, key = slack.command("/ask", "How many boats were stranded by the storm?")
    (answer,) = slack.stand_in.wait_for(key)
    shown = answer.all_text()
    assert "*42*" in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt;" in shown
    assert "<!channel>" not in shown and "<@U123>" not in shown


def test_rate_limit_refuses_in_the_ack_per_user(make_slack):
    slack = make_slack(rate_limit=2, rate_window_seconds=60)
    keys = [slack.command("/ask", "how many Chinese troops?")[3] for _ in range(2)]
    status, ack, _, refused = slack.command("/ask", "how many Chinese troops?")
    assert status == 200
    assert json.loads(ack)["text"].startswith("You're asking faster than I can keep up with.")
    _, other_ack, _, other = slack.command("/ask", "how many Chinese troops?", user="U0OTHER")
    assert other_ack == b""
    for key in [*keys, other]:
        slack.stand_in.wait_for(key)
    time.sleep(0.3)
    assert slack.stand_in.posts(refused) == []
    # A mention counts against the same limit and is refused to the asker alone.
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712345678.000500")
    (post,) = slack.stand_in.wait_for("/api/chat.postEphemeral")
    assert "faster than I can keep up" in post.body["text"]
    assert slack.stand_in.posts("/api/chat.postMessage") == []


class BrokenService(NewsService):
    """The real service, except that answering fails in a way the asker cannot fix."""

    def ask(self, question: str, scope: str | None = None, filters=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is on fire")


def test_a_question_the_core_refuses_is_told_in_its_words(slack):
    _, _, _, key = slack.command("/ask", "why " * 400)
    (post,) = slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    assert post.body["text"] == "Sorry, the question is 1,599 characters long; the limit is 1,000."
    assert "`/sources`" not in post.all_text()  # the hint is /summarize's alone


def test_any_other_failure_is_logged_and_answered_with_the_apology(
    make_slack, news_service, caplog
):
    slack = make_slack(BrokenService(news_service.config, news_service.library))
    _, _, _, key = slack.command("/ask", "how many Chinese troops?")
    (post,) = slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    assert post.body["text"] == FAILED
    assert "on fire" not in post.all_text()
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712345678.000900")
    (mention,) = slack.stand_in.wait_for("/api/chat.postEphemeral")
    assert mention.body["text"] == FAILED
    assert "a Slack request failed" in caplog.text and "on fire" in caplog.text
