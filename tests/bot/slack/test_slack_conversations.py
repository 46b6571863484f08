"""Conversations in Slack threads, end to end: a mention, follow-ups in its thread without a
mention, a context that survives a restart and one that expires, and feedback buttons clicked
as signed `block_actions` requests and listed by `newsbot feedback`."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime, timedelta

from click.testing import CliRunner

from bot.chat_state import ChatState
from bot.cli import cli
from bot.feedback import THANKS, FeedbackStore
from bot.service import NewsService
from bot.slack.app import NOT_HERE
from tests.bot.slack.conftest import SECRET
from tests.support.slack import BOT_USER_ID, block_actions_body, message_body, send

RUSSIAN_QUOTE = "Images surfaced today purporting to show Russian military troops"
CHINESE_QUOTE = "The news follows China’s decision to send"
T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")


def sections(post) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]


def context_text(post) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        e["text"] for b in post.body["blocks"] if b["type"] == "context" for e in b["elements"]
    )


def answers(slack, count: int):  # type: ignore[no-untyped-def]
    return slack.stand_in.wait_for("/api/chat.postMessage", count=count, timeout=30)


def test_follow_ups_in_a_thread_are_read_with_its_last_answer(slack):
    thread = "1712000000.000100"
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", thread)
    (first,) = answers(slack, 1)
    assert first.body["thread_ts"] == thread and "*150,000*" in first.all_text()
    assert "Read as" not in first.all_text()  # a question of its own

    # A reply in the thread, without a mention: a follow-up, about Russia, from the seed article.
    slack.send(message_body("and Russia?", "1712000001.000100", thread_ts=thread))
    second = answers(slack, 2)[1]
    assert second.body["thread_ts"] == thread
    assert "*Q:* and Russia?" in sections(second)[0]
    assert "*Read as:* how many Russian troops?" in context_text(second)
    assert any(s.startswith("> " + RUSSIAN_QUOTE) for s in sections(second))
    assert "Putin Sends Troops To North Korean Border" in context_text(second)

    # "who says so?" is answered from that same quote's attribution.
    slack.send(message_body("who says so?", "1712000002.000100", thread_ts=thread))
    third = answers(slack, 3)[2]
    assert "*Read as:* who is the source of the last quote?" in context_text(third)
    (quoted,) = [s for s in sections(third) if s.startswith(">")]
    assert quoted.startswith("> " + RUSSIAN_QUOTE)
    notes = context_text(third)
    assert "According to the article “Putin Sends Troops" in notes
    assert "The quoted sentence names no source of its own" in notes
    assert "“purporting”, “officials have not confirmed”" in notes

    # A question with its own subject starts afresh, in the same thread.
    slack.send(message_body("What did the propaganda video show?", "1712000003.0001", thread))
    fourth = answers(slack, 4)[3]
    assert "Read as" not in fourth.all_text()
    assert "submarine launching a missile" in fourth.all_text()


def test_a_reply_in_the_thread_of_an_ask_answer_follows_it(slack):
    _, _, _, key = slack.command("/ask", "how many Chinese troops?")
    (shown,) = slack.stand_in.wait_for(key, timeout=30)
    assert shown.body["response_type"] == "in_channel"
    # Slack posts the answer as a message of the channel; a reply in its thread names it.
    thread = "1712000400.000100"
    slack.stand_in.messages[("C0NEWS", thread)] = {"ts": thread, **shown.body}
    reply = message_body("and Russia?", "1712000401.0001", thread, parent_user_id=BOT_USER_ID)
    slack.send(reply)
    (answer,) = answers(slack, 1)
    assert answer.body["thread_ts"] == thread
    assert "*Read as:* how many Russian troops?" in context_text(answer)
    # The thread is newsbot's from then on: the next reply follows that answer.
    slack.send(message_body("who says so?", "1712000402.0001", thread, parent_user_id=BOT_USER_ID))
    second = answers(slack, 2)[1]
    assert "*Read as:* who is the source of the last quote?" in context_text(second)


def test_a_reply_in_a_thread_newsbot_did_not_start_is_left_alone(slack):
    thread = "1712000500.000100"
    slack.stand_in.messages[("C0NEWS", thread)] = {"ts": thread, "text": "lunch?", "blocks": []}
    slack.send(message_body("and Russia?", "1712000501.0001", thread, parent_user_id=BOT_USER_ID))
    slack.send(message_body("and Russia?", "1712000502.0001", thread, parent_user_id="U0OTHER"))
    time.sleep(0.5)
    assert slack.stand_in.posts("/api/chat.postMessage") == []


def test_a_mention_delivered_twice_is_answered_once_and_other_messages_are_left_alone(slack):
    ts = "1712000100.000100"
    text = f"<@{BOT_USER_ID}> how many Chinese troops?"
    assert slack.mention(text, ts)[0] == 200
    assert slack.send(message_body(text, ts))[0] == 200  # the same mention, as a message event
    answers(slack, 1)
    # Not newsbot's thread, a channel message, and no question in newsbot's own thread: each
    # acknowledged, none answered.
    assert slack.send(message_body("and Russia?", "1712000102.0001", "1712000050.0001"))[0] == 200
    assert slack.send(message_body("thanks, that helps!", "1712000104.0001", ts))[0] == 200
    assert slack.send(message_body("how many Chinese troops?", "1712000103.0001"))[0] == 200
    time.sleep(0.5)
    assert len(slack.stand_in.posts("/api/chat.postMessage")) == 1


def test_the_thread_keeps_its_context_across_a_restart_and_loses_it_when_it_expires(
    make_slack, fresh_service
):
    config = replace(fresh_service.config, fixed_now=T0)
    before = make_slack(NewsService(config, fresh_service.library))
    thread = "1712000200.000100"
    before.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", thread)
    answers(before, 1)
    before.server.close()

    # A new app over the same data folder, 29 minutes on: the thread is still a conversation.
    later = replace(config, fixed_now=T0 + timedelta(minutes=29))
    after = make_slack(NewsService(later, fresh_service.library))
    after.send(message_body("and Russia?", "1712000201.000100", thread_ts=thread))
    (followed,) = answers(after, 1)
    assert "*Read as:* how many Russian troops?" in context_text(followed)

    # 31 minutes after that answer (context_minutes = 30) the question is read as it stands.
    expired = replace(config, fixed_now=T0 + timedelta(minutes=29 + 31))
    last = make_slack(NewsService(expired, fresh_service.library))
    last.send(message_body("and Japan?", "1712000202.000100", thread_ts=thread))
    (fresh,) = answers(last, 1)
    assert fresh.body["thread_ts"] == thread  # still newsbot's thread, so answered there
    assert "Read as" not in fresh.all_text()
    assert "*Q:* and Japan?" in sections(fresh)[0]


def test_a_feedback_click_is_thanked_at_once_recorded_and_listed(make_slack, fresh_service):
    slack = make_slack(fresh_service)
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712000300.000100")
    (answer,) = answers(slack, 1)
    (actions,) = [b for b in answer.body["blocks"] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions["elements"]]
    assert labels == ["👍", "👎 wrong quote", "👎 should have said “not found”"]
    wrong = next(e for e in actions["elements"] if e["text"]["text"] == "👎 wrong quote")
    message = {"type": "message", "ts": "1712000300.000200", "blocks": answer.body["blocks"]}

    url = slack.stand_in.response_url("click")
    status, ack, _ = slack.send(block_actions_body(wrong, message, url, user="U0RATER"))
    assert status == 200 and ack == b""
    (thanks,) = slack.stand_in.wait_for("/response/click")
    assert thanks.body["response_type"] == "ephemeral" and thanks.body["text"] == THANKS
    assert thanks.body["replace_original"] is False

    # A click on a /ask answer too, by someone else.
    _, _, _, key = slack.command("/ask", "What is the population of Tokyo?", user="U0OTHER")
    (missed,) = slack.stand_in.wait_for(key)
    (buttons,) = [b for b in missed.body["blocks"] if b["type"] == "actions"]
    up = buttons["elements"][0]
    slack.send(block_actions_body(up, {"blocks": missed.body["blocks"]}, url, user="U0OTHER"))
    slack.stand_in.wait_for("/response/click", count=2)

    data = fresh_service.config.data_dir
    listed = CliRunner().invoke(cli, ["--data-dir", str(data), "feedback", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["kind"], r["question"], r["platform"]) for r in rows] == [
        ("wrong_quote", "how many Chinese troops?", "slack"),
        ("up", "What is the population of Tokyo?", "slack"),
    ]
    assert rows[0]["article_ids"] == [1] and rows[0]["quotes"][0].startswith(CHINESE_QUOTE)
    assert rows[0]["probability"] > 0.4 and rows[1]["article_ids"] == []
    assert rows[0]["user"] != rows[1]["user"] and datetime.fromisoformat(rows[0]["at"])
    # The raw user id is kept nowhere: neither listed nor in the database.
    assert "U0RATER" not in listed.output
    assert all(b"U0RATER" not in path.read_bytes() for path in data.glob("chat.sqlite3*"))


def test_channels_limit_where_newsbot_listens_and_misses_can_stay_private(make_slack):
    slack = make_slack(channels=("C0ELSEWHERE",))
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712000400.000100")
    (refusal,) = slack.stand_in.wait_for("/api/chat.postEphemeral")
    assert refusal.body["text"] == NOT_HERE
    assert slack.stand_in.posts("/api/chat.postMessage") == []

    quiet = make_slack(unanswered="ephemeral")
    quiet.mention(f"<@{BOT_USER_ID}> What is the population of Tokyo?", "1712000401.000100")
    (miss,) = quiet.stand_in.wait_for("/api/chat.postEphemeral")
    assert miss.body["user"] == "U0ASKER" and "couldn't find that" in miss.all_text()
    quiet.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712000402.000100")
    (hit,) = quiet.stand_in.wait_for("/api/chat.postMessage")
    assert "150,000" in hit.all_text()


def test_a_click_not_signed_by_slack_is_refused_and_records_nothing(make_slack, fresh_service):
    slack = make_slack(fresh_service)
    slack.mention(f"<@{BOT_USER_ID}> how many Chinese troops?", "1712000500.000100")
    (answer,) = answers(slack, 1)
    (actions,) = [b for b in answer.body["blocks"] if b["type"] == "actions"]
    body = block_actions_body(actions["elements"][0], answer.body, slack.stand_in.response_url("x"))
    assert send(slack.url, body, SECRET, signed_with="not-the-secret")[0] == 401
    assert FeedbackStore(ChatState(fresh_service.config.data_dir), datetime.now).listed() == []
