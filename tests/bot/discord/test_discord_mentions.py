"""`@newsbot <question>` in a channel is answered as a reply to that message."""

from __future__ import annotations

import time

from bot.discord.client import MENTION_USAGE
from tests.support.discord import DiscordStandIn, Request
from tests.support.discord_payloads import API, APP_ID, CHANNEL_ID

CHANNEL_MESSAGES = f"{API}/channels/{CHANNEL_ID}/messages"


def _replies(standin: DiscordStandIn, count: int) -> list[Request]:
    standin.wait_for(lambda r: sum(x.path == CHANNEL_MESSAGES for x in standin.requests) >= count)
    return [r for r in standin.requests if r.path == CHANNEL_MESSAGES]


def test_a_mention_gets_the_answer_as_a_reply(standin: DiscordStandIn, run_bot):
    run_bot()
    asked = standin.mention(f"<@{APP_ID}> how many Chinese troops?")
    (reply,) = _replies(standin, 1)
    assert reply.method == "POST" and reply.status == 200
    assert reply.body["message_reference"]["message_id"] == asked
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "send **150,000** troops" in reply.body["embeds"][0]["description"]
    assert reply.body.get("content") is None, "the question is right above the reply"


def test_only_messages_that_mention_the_bot_in_their_text_are_answered(
    standin: DiscordStandIn, run_bot
):
    run_bot()
    standin.mention("how many Chinese troops?", mentions_bot=False)
    # Replying to the bot lists it in `mentions` without a mention in the text.
    standin.mention("thanks, that helps", mentions_bot=True)
    asked = standin.mention(f"<@!{APP_ID}> what is the population of Tokyo?")
    asked_only = standin.mention(f"<@{APP_ID}>")
    replies = {r.body["message_reference"]["message_id"]: r.body for r in _replies(standin, 2)}
    assert set(replies) == {asked, asked_only}
    assert replies[asked]["embeds"][0]["title"] == "No answer"
    assert replies[asked_only]["content"] == MENTION_USAGE
    assert len([r for r in standin.requests if r.path == CHANNEL_MESSAGES]) == 2


def test_mentions_can_be_turned_off(standin: DiscordStandIn, run_bot):
    bot = run_bot(mentions=False)
    assert not bot.client.intents.guild_messages
    standin.mention(f"<@{APP_ID}> how many Chinese troops?")
    # An answer to the same question, asked after the mention, has had time to arrive.
    standin.followup(standin.slash("ask", {"question": "how many Chinese troops?"}))
    time.sleep(0.2)
    assert not [r for r in standin.requests if r.path == CHANNEL_MESSAGES]
