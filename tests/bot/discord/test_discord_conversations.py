"""Conversations in Discord, end to end: follow-ups in a chain of replies and in a thread, and
feedback buttons clicked as component interactions and listed by `newsbot feedback`."""

from __future__ import annotations

import json
import sqlite3
import time

from click.testing import CliRunner

from bot.cli import cli
from bot.feedback import THANKS, UNKNOWN_ANSWER
from tests.support.discord import DiscordStandIn, Request
from tests.support.discord_payloads import API, APP_ID, CHANNEL_ID, OTHER_CHANNEL_ID

RUSSIAN_QUOTE = "to show Russian military troops and equipment on its way to the border"
THREAD_ID = 1_200_000_000_000_000_090


def answer_to(standin: DiscordStandIn, message_id: int) -> Request:
    """The bot's reply to the message `message_id`."""
    return standin.wait_for(
        lambda r: (
            r.method == "POST"
            and r.path.endswith("/messages")
            and (r.body or {}).get("message_reference", {}).get("message_id") == message_id
        ),
        timeout=30,
    )


def buttons(request: Request) -> list[dict]:
    (row,) = request.body["components"]
    return row["components"]


def everything(request: Request) -> str:
    return json.dumps({"content": request.body.get("content"), "embeds": request.body["embeds"]})


def test_replies_to_newsbot_are_follow_ups_of_its_last_answer(standin: DiscordStandIn, run_bot):
    run_bot()
    first = answer_to(standin, standin.mention(f"<@{APP_ID}> how many Chinese troops?"))
    assert "**150,000**" in first.body["embeds"][0]["description"]
    assert first.body.get("content") is None  # nothing was read otherwise than asked
    assert [b["label"] for b in buttons(first)] == [
        "👍",
        "👎 wrong quote",
        "👎 should have said “not found”",
    ]

    # A reply to the answer, without a mention: about Russia, from the seed article.
    second = answer_to(standin, standin.reply("and Russia?", to=first))
    assert second.body["content"].startswith("**Read as:** how many Russian troops?")
    assert RUSSIAN_QUOTE in everything(second)
    assert second.body["allowed_mentions"] == {"parse": [], "replied_user": False}

    third = answer_to(standin, standin.reply("who says so?", to=second))
    assert third.body["content"].startswith("**Read as:** who is the source of the last quote?")
    assert RUSSIAN_QUOTE in third.body["embeds"][0]["description"]
    assert "The quoted sentence names no source of its own" in everything(third)

    # Its own subject: read as it stands, though it continues the chain.
    fourth = answer_to(standin, standin.reply("What did the propaganda video show?", to=third))
    assert "Read as" not in everything(fourth)
    assert "submarine launching a missile" in everything(fourth)


def kept_under(service, thread: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until newsbot keeps a conversation's turn under `thread` (a slash command's answer
    is kept once Discord says which message it became, just after it is posted)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with sqlite3.connect(service.config.data_dir / "chat.sqlite3") as db:
            if db.execute("SELECT 1 FROM contexts WHERE thread = ?", (thread,)).fetchone():
                return
        time.sleep(0.05)
    raise AssertionError(f"no turn kept under {thread}")


def test_a_reply_to_an_ask_answer_follows_it_and_starts_a_chain(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(fresh_service)
    asked = standin.followup(standin.slash("ask", {"question": "how many Chinese troops?"}))
    kept_under(fresh_service, asked.reply["id"])
    first = answer_to(standin, standin.reply("and Russia?", to=asked))
    assert first.body["content"].startswith("**Read as:** how many Russian troops?")
    followed = answer_to(standin, standin.reply("who says so?", to=first))
    assert followed.body["content"].startswith("**Read as:** who is the source of the last")


def test_a_reply_to_a_private_ask_answer_is_its_own_question(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(fresh_service)
    asked = standin.followup(
        standin.slash("ask", {"question": "how many Chinese troops?", "private": True})
    )
    first = answer_to(standin, standin.reply("and Russia?", to=asked))
    assert "Read as" not in everything(first)
    with sqlite3.connect(fresh_service.config.data_dir / "chat.sqlite3") as db:
        kept = db.execute("SELECT 1 FROM contexts WHERE thread = ?", (asked.reply["id"],))
        assert kept.fetchone() is None  # only its asker sees it: nobody can reply to it


def test_a_mention_in_a_thread_follows_the_thread(standin: DiscordStandIn, run_bot):
    run_bot()
    standin.open_thread(THREAD_ID)
    answer_to(standin, standin.in_thread(f"<@{APP_ID}> how many Chinese troops?", THREAD_ID))
    followed = answer_to(standin, standin.in_thread(f"<@{APP_ID}> and Russia?", THREAD_ID))
    assert followed.path == f"{API}/channels/{THREAD_ID}/messages"
    assert followed.body["content"].startswith("**Read as:** how many Russian troops?")
    # The same follow-up in the channel itself starts no conversation: nothing came before.
    elsewhere = answer_to(standin, standin.mention(f"<@{APP_ID}> and Russia?"))
    assert "Read as" not in everything(elsewhere)


def test_feedback_clicks_are_thanked_privately_recorded_and_listed(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(fresh_service)
    answer = answer_to(standin, standin.mention(f"<@{APP_ID}> how many Chinese troops?"))
    wrong = next(b for b in buttons(answer) if b["label"] == "👎 wrong quote")
    click = standin.click(wrong["custom_id"], on=answer)
    callback = standin.callback(click)
    assert callback.status == 200
    assert callback.body["type"] == 4
    assert callback.body["data"]["content"] == THANKS
    assert callback.body["data"]["flags"] & 64  # the clicker alone sees it

    # An /ask answer carries the buttons too.
    asked = standin.slash("ask", {"question": "What is the population of Tokyo?"})
    followup = standin.followup(asked)
    abstained = next(b for b in buttons(followup) if b["label"].startswith("👍"))
    standin.callback(standin.click(abstained["custom_id"], on=followup))

    data = fresh_service.config.data_dir
    listed = CliRunner().invoke(cli, ["--data-dir", str(data), "feedback", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["kind"], r["question"], r["platform"]) for r in rows] == [
        ("wrong_quote", "how many Chinese troops?", "discord"),
        ("up", "What is the population of Tokyo?", "discord"),
    ]
    assert rows[0]["article_ids"] == [1]
    # The clicker's id is kept nowhere in the data folder (database, write-ahead log, salt).
    clicker = str(1_200_000_000_000_000_005).encode()
    assert all(clicker not in path.read_bytes() for path in data.glob("chat.sqlite3*"))

    # A button whose answer newsbot no longer has is refused to the clicker alone.
    old = answer_to(standin, standin.mention(f"<@{APP_ID}> What did the propaganda video show?"))
    up = buttons(old)[0]["custom_id"]
    with sqlite3.connect(data / "chat.sqlite3") as connection:  # as if forgotten, unrated
        connection.execute("DELETE FROM shown WHERE id = ?", (int(up.rsplit(":", 1)[1]),))
    made_up = standin.callback(standin.click(up, on=old))
    assert made_up.body["data"]["content"] == UNKNOWN_ANSWER
    assert made_up.body["data"]["flags"] & 64
    again = CliRunner().invoke(cli, ["--data-dir", str(data), "feedback", "--json"])
    assert len(again.stdout.splitlines()) == 2


def test_channels_limit_where_mentions_are_answered(standin: DiscordStandIn, run_bot):
    run_bot(channels=(OTHER_CHANNEL_ID,))
    standin.mention(f"<@{APP_ID}> how many Chinese troops?")
    # An /ask in the same channel is answered: slash commands are not limited.
    standin.followup(standin.slash("ask", {"question": "how many Chinese troops?"}))
    time.sleep(0.3)
    assert not [r for r in standin.requests if r.path == f"{API}/channels/{CHANNEL_ID}/messages"]


def test_buttons_and_replies_keep_working_after_a_restart(standin: DiscordStandIn, run_bot):
    before = run_bot()
    answer = answer_to(standin, standin.mention(f"<@{APP_ID}> how many Chinese troops?"))
    before.stop()
    run_bot()  # a new process would hold nothing of the old one's views or replies
    up = buttons(answer)[0]
    assert standin.callback(standin.click(up["custom_id"], on=answer)).body["data"]["content"] == (
        THANKS
    )
    standin.reply("thanks, that helps!", to=answer)  # asks nothing: left alone
    followed = answer_to(standin, standin.reply("and Russia?", to=answer))
    assert followed.body["content"].startswith("**Read as:** how many Russian troops?")
    replies = [r for r in standin.requests if r.path == f"{API}/channels/{CHANNEL_ID}/messages"]
    assert len(replies) == 2  # the first answer and the follow-up's
