"""Feed posts, alerts and digests in Discord: slash commands through discord.py's command tree,
posts through its REST client, both against the loopback stand-in; feeds from a loopback site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.channels.delivery import Courier
from bot.discord.channel_posts import DiscordPoster
from bot.service import NewsService
from index.embedding import Embedder
from tests.support.channels import feed_service
from tests.support.discord import BotThread, DiscordStandIn, Request
from tests.support.discord_payloads import API, CHANNEL_ID, MANAGER_PERMISSIONS, USER_ID
from tests.support.newssite import NewsSite
from tests.support.wire import FERRY, FERRY_AGAIN, RAIL, SCHOOL, Outlet, made_up_story

MORNING = datetime.fromisoformat("2024-05-06T08:00:00+00:00")
CHANNEL_POSTS = f"{API}/channels/{CHANNEL_ID}/messages"


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture
def service(tmp_path: Path, embedder: Embedder) -> Iterator[NewsService]:
    running = feed_service(tmp_path / "data", embedder)
    yield running
    running.close()


def courier(service: NewsService, bot: BotThread) -> Courier:
    return service.channels.courier(DiscordPoster(bot.client))


def reply(standin: DiscordStandIn, name: str, manager: bool = True, **options: object) -> str:
    permissions = MANAGER_PERMISSIONS if manager else None
    sent = standin.slash(name, options, **({"permissions": permissions} if permissions else {}))
    callback = standin.callback(sent)
    if callback.body["type"] == 4:  # refused at once
        assert callback.body["data"]["flags"] & 64
        return callback.body["data"]["content"]
    followup = standin.followup(sent)
    assert followup.body["flags"] & 64  # only the member who asked sees it
    return followup.body["content"]


def posts(standin: DiscordStandIn, method: str = "POST") -> list[Request]:
    return [r for r in standin.requests if r.method == method and r.path == CHANNEL_POSTS]


def shown(request: Request) -> str:
    return json.dumps(request.body["embeds"], ensure_ascii=False)


def test_only_a_manager_follows_a_feed_and_each_article_is_posted_once(
    standin, run_bot, service, site
):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    outlet.publish(RAIL)
    refused = reply(standin, "follow", manager=False, feed=outlet.feed_url)
    assert "only server managers" in refused
    assert service.channels.store.subscriptions() == []
    said = reply(standin, "follow", feed=outlet.feed_url)
    assert said.startswith("Following") and "The one article in it now is not posted" in said
    (subscription,) = service.channels.store.subscriptions()
    assert subscription.place.channel == str(CHANNEL_ID)
    outlet.publish(FERRY)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    assert courier(service, bot).run_once().posts == 2
    first, second = posts(standin)
    assert FERRY[0] in shown(first) and SCHOOL[0] in shown(second)
    assert RAIL[0] not in shown(first) + shown(second)
    description = first.body["embeds"][0]["description"]
    sentences = [line.removeprefix("• “").removesuffix("”") for line in description.split("\n")]
    assert 2 <= len(sentences) <= 3
    assert all(any(s in p for p in FERRY[1]) for s in sentences), sentences
    assert "Island Times is not rated in newsbot" in shown(first)
    assert all(p.body["allowed_mentions"] == {"parse": []} for p in (first, second))
    service.poll_feeds()
    assert courier(service, bot).run_once().posts == 0
    assert len(posts(standin)) == 2
    listed = reply(standin, "following", manager=False)
    assert "Feeds followed here (1)" in listed


def test_a_near_duplicate_edits_the_first_post(standin, run_bot, service, site):
    bot = run_bot(service)
    first, second = Outlet(site, "Island Times", "island"), Outlet(site, "Coast Herald", "coast")
    reply(standin, "follow", feed=first.feed_url)
    reply(standin, "follow", feed=second.feed_url)
    first.publish(FERRY)
    service.poll_feeds()
    post_to = courier(service, bot)
    assert post_to.run_once().posts == 1
    second.publish(FERRY_AGAIN)
    service.poll_feeds()
    done = post_to.run_once()
    assert (done.posts, done.edits) == (0, 1)
    (posted,) = posts(standin)
    (edit,) = [r for r in standin.requests if r.method == "PATCH" and "/channels/" in r.path]
    assert edit.path.startswith(CHANNEL_POSTS + "/")
    assert "Also reported by Coast Herald." in shown(edit)
    assert edit.body["allowed_mentions"] == {"parse": []}
    assert "Also reported by" not in shown(posted)


def test_keywords_filter_and_an_alert_comes_as_a_direct_message(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    said = reply(standin, "follow", feed=outlet.feed_url, keywords="railway, embankment", cap=5)
    assert "“railway” or “embankment”" in said
    assert "direct message" in reply(standin, "alert", manager=False, words="ferry strike")
    refused = reply(standin, "alert", manager=False, words="school", channel=True)
    assert "only server managers" in refused
    for story in (FERRY, RAIL, SCHOOL):
        outlet.publish(story)
    service.poll_feeds()
    courier(service, bot).run_once()
    (in_channel,) = posts(standin)
    assert RAIL[0] in shown(in_channel)
    (opened,) = [r for r in standin.requests if r.path == f"{API}/users/@me/channels"]
    assert int(opened.body["recipient_id"]) == USER_ID
    (direct,) = [
        r
        for r in standin.requests
        if r.method == "POST" and r.path.endswith("/messages") and r.path != CHANNEL_POSTS
    ]
    assert "Alert:" in shown(direct) and FERRY[0] in shown(direct)
    assert "A strike by ferry crews that would have halted crossings" in shown(direct)
    assert "“ferry strike”" in reply(standin, "alerts", manager=False)
    assert "removed" in reply(standin, "alerts", manager=False, remove=1)


def test_a_digest_at_a_fixed_clock(standin, run_bot, tmp_path, embedder, site):
    service = feed_service(tmp_path / "clock", embedder, now=MORNING)
    try:
        bot = run_bot(service)
        assert "every Monday at 09:30" in reply(standin, "digest", every="weekly", at="9:30")
        first, second = Outlet(site, "Island Times", "island"), Outlet(site, "Coast Herald", "c")
        for outlet in (first, second):
            service.add_feed(outlet.feed_url)
        first.publish(SCHOOL)
        first.publish(FERRY)
        second.publish(FERRY_AGAIN)
        service.poll_feeds()
        assert courier(service, bot).run_once().posts == 0
        later = courier(service, bot)
        later.now = lambda: MORNING.replace(hour=9, minute=30)
        assert later.run_once().posts == 1
        (digest,) = posts(standin)
        text = shown(digest)
        assert "Weekly digest: the top 2 of 2 new stories since 6 May 2024" in text
        assert text.index(FERRY[0]) < text.index(SCHOOL[0])
        assert "reported by 2 outlets (Island Times, Coast Herald)" in text
    finally:
        service.close()


def test_subscriptions_survive_a_restart(standin, run_bot, tmp_path, embedder, site):
    outlet = Outlet(site, "Island Times", "island")
    before = feed_service(tmp_path / "data", embedder)
    first = run_bot(before)
    reply(standin, "follow", feed=outlet.feed_url)
    first.stop()
    before.close()
    after = feed_service(tmp_path / "data", embedder)
    try:
        bot = run_bot(after)
        assert outlet.feed_url in reply(standin, "following")
        outlet.publish(FERRY)
        after.poll_feeds()
        assert courier(after, bot).run_once().posts == 1
    finally:
        after.close()


def test_a_burst_of_fifty_articles_respects_the_cap(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    reply(standin, "follow", feed=outlet.feed_url, cap=10)
    for number in range(50):
        outlet.publish(made_up_story(number))
    service.poll_feeds()
    done = courier(service, bot).run_once()
    assert (done.posts, done.held_back) == (11, 40)
    assert "40 more new articles from Island Times not posted" in posts(standin)[-1].body["content"]
