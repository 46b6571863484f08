"""The 3-second deadline, admin-only /ingest and the per-user cooldown."""

from __future__ import annotations

import re
import time

import pytest

from bot.core.models import Answer
from bot.discord.client import build_client
from bot.discord.commands import FAILED, NOT_ADMIN
from bot.discord.settings import DiscordSettings
from bot.service import NewsService
from index.models import Filters, Scope
from tests.support.discord import BotThread, DiscordStandIn
from tests.support.discord_payloads import APP_ID, MANAGER_PERMISSIONS

SLOW_SECONDS = 3.5
PORT_ARTICLE = (
    "Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
)


class SlowService(NewsService):
    """The real core, but every answer takes longer than Discord waits for an acknowledgement."""

    delay = SLOW_SECONDS

    def ask(self, question: str, scope: Scope = None, filters: Filters | None = None) -> Answer:
        time.sleep(self.delay)
        return super().ask(question, scope, filters)


def test_a_slow_answer_is_deferred_within_the_deadline_and_still_delivered(
    standin: DiscordStandIn, run_bot, news_service
):
    run_bot(service=SlowService(news_service.config, news_service.library))
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    callback = standin.callback(sent)
    assert callback.status == 200 and callback.body["type"] == 5
    assert callback.at - sent.at < 1.0 < standin.deadline
    # While the answer is being worked out, the event loop still serves other users.
    typing = standin.slash("summarize", {"article": "korean"}, focused="article")
    assert standin.callback(typing).status == 200
    followup = standin.followup(sent, timeout=15)
    assert followup.at - sent.at > standin.deadline, "the answer really was slow"
    assert typing.callbacks[0].at < followup.at
    assert followup.status == 200 and "**150,000**" in followup.body["embeds"][0]["description"]
    assert [c.status for c in sent.callbacks] == [200]


def test_shutting_down_lets_an_answer_in_progress_reach_its_asker(
    standin: DiscordStandIn, run_bot, news_service
):
    slow = SlowService(news_service.config, news_service.library)
    slow.delay = 1.0
    bot = run_bot(service=slow)
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    assert standin.callback(sent).status == 200
    bot.stop()
    assert [f.status for f in sent.followups] == [200]
    assert "**150,000**" in sent.followups[0].body["embeds"][0]["description"]


def test_the_standin_refuses_a_late_acknowledgement_like_discord(news_service):
    """The deadline check above can fail: with no time allowed, the same defer is refused."""
    late = DiscordStandIn(deadline=0.0).start()
    with late.install():
        settings = DiscordSettings(sync="none")
        bot = BotThread(build_client(news_service, settings, guild_ready_timeout=0.05)).start()
        try:
            sent = late.slash("ask", {"question": "how many Chinese troops?"})
            callback = late.callback(sent)
            assert (callback.status, callback.body["type"]) == (404, 5)
            assert not any(c.status == 200 for c in sent.callbacks)
        finally:
            bot.stop()
    late.close()


def test_ingest_is_refused_politely_to_members_who_are_not_admins(
    standin: DiscordStandIn, run_bot, news_service
):
    run_bot(admins=(APP_ID + 99,))
    before = news_service.sources()
    sent = standin.slash("ingest", {"content": PORT_ARTICLE})
    callback = standin.callback(sent)
    assert callback.body["type"] == 4
    assert (callback.body["data"]["content"], callback.body["data"]["flags"]) == (NOT_ADMIN, 64)
    assert news_service.sources() == before
    assert not sent.followups


@pytest.mark.parametrize("who", ["configured admin", "server manager"])
def test_admins_can_ingest_and_the_article_is_then_answerable(
    standin: DiscordStandIn, run_bot, fresh_service, who
):
    admin = 1_200_000_000_000_000_777
    run_bot(service=fresh_service, admins=(admin,))
    if who == "configured admin":
        sent = standin.slash("ingest", {"content": PORT_ARTICLE}, user_id=admin)
    else:
        sent = standin.slash("ingest", {"content": PORT_ARTICLE}, permissions=MANAGER_PERMISSIONS)
    assert standin.callback(sent).body == {"type": 5, "data": {"flags": 64}}
    report = standin.followup(sent, timeout=20).body
    assert report["content"].startswith("added: Port reopens\n1 added, 0 updated")
    asked = standin.slash("ask", {"question": "How many days of repairs did the port need?"})
    quote = standin.followup(asked).body["embeds"][0]
    assert quote["title"] == "Port reopens" and "**12**" in quote["description"]


def test_the_cooldown_refuses_a_fast_asker_in_friendly_words(standin: DiscordStandIn, run_bot):
    run_bot(rate_limit=2, rate_window_seconds=60)
    for _ in range(2):
        standin.followup(standin.slash("sources"))
    refused = standin.slash("ask", {"question": "how many Chinese troops?"})
    callback = standin.callback(refused)
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] == 64
    wait = re.fullmatch(
        r"You're asking faster than I can keep up with\. Please try again in (\d+) seconds\.",
        callback.body["data"]["content"],
    )
    assert wait is not None and 50 <= int(wait[1]) <= 60
    assert not refused.followups
    someone_else = standin.slash("sources", user_id=APP_ID + 1)
    assert standin.callback(someone_else).body["type"] == 5
    standin.mention(f"<@{APP_ID}> how many Chinese troops?")
    reply = standin.wait_for(lambda r: r.path.endswith("/messages"))
    assert reply.body["content"].startswith("You're asking faster")


class BrokenService(NewsService):
    """The real service, except that answering fails in a way the asker cannot fix."""

    def ask(self, question: str, scope: Scope = None, filters: Filters | None = None) -> Answer:
        raise RuntimeError("the disk is on fire")


def test_any_other_failure_is_logged_and_answered_with_the_apology(
    standin: DiscordStandIn, run_bot, news_service, caplog
):
    run_bot(service=BrokenService(news_service.config, news_service.library))
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    body = standin.followup(sent).body
    assert (body["content"], body["flags"] & 64) == (FAILED, 64)
    standin.mention(f"<@{APP_ID}> how many Chinese troops?")
    reply = standin.wait_for(lambda r: r.path.endswith("/messages"))
    assert reply.body["content"] == FAILED
    assert "/ask failed" in caplog.text and "an @mention failed" in caplog.text
    assert "on fire" in caplog.text
