"""Feed posts, alerts and digests in Discord: slash commands through discord.py's command tree,
posts through its REST client, both against the loopback stand-in; feeds from a loopback site."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.delivery import Courier
from bot.discord.channel_posts import DiscordPoster
from bot.service import NewsService
from index.embedding import Embedder
from tests.support.channels import feed_service
from tests.support.discord import BotThread, DiscordStandIn, Request
from tests.support.discord_payloads import (
    API,
    CHANNEL_ID,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    OTHER_GUILD_ID,
    USER_ID,
)
from tests.support.newssite import NewsSite
from tests.support.wire import FERRY, FERRY_AGAIN, PINGS, RAIL, SCHOOL, Outlet, made_up_story

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


def reply(
    standin: DiscordStandIn,
    name: str,
    manager: bool = True,
    guild: int = GUILD_ID,
    **options: object,
) -> str:
    permissions = MANAGER_PERMISSIONS if manager else None
    asked = {"permissions": permissions} if permissions else {}
    sent = standin.slash(name, options, guild=guild, **asked)  # type: ignore[arg-type]
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
    ferry = outlet.publish(FERRY)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    assert courier(service, bot).run_once().posts == 2
    first, second = posts(standin)
    assert FERRY[0] in shown(first) and SCHOOL[0] in shown(second)
    card = first.body["embeds"][0]
    assert (card["title"], card["url"]) == (FERRY[0], ferry)  # the title, linked
    assert card["fields"][0] == {
        "name": "Source",
        "value": "Island Times · 2024-05-03",
        "inline": False,
    }
    assert "According to Island Times's article" in shown(first)
    assert "The article attributes the second quote to others: “said”." in shown(first)
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


def test_bad_input_to_the_channel_commands_is_refused_in_one_line(standin, run_bot, service, site):
    run_bot(service)
    said = {
        "not a URL": reply(standin, "follow", feed="island-times"),
        "unreachable": reply(standin, "follow", feed=site.url("/missing/rss.xml")),
        "time": reply(standin, "digest", every="daily", at="noon"),
        "alert": reply(standin, "alerts", manager=False, remove=7),
    }
    for what, text in said.items():
        assert text.startswith("Sorry") and "\n" not in text, what
    assert "is not a feed's address" in said["not a URL"]
    assert "could not be fetched as an RSS or Atom feed" in said["unreachable"]
    assert "is not a time of day" in said["time"]
    assert "you have no alert 7" in said["alert"]
    store = service.channels.store
    assert (store.subscriptions(), store.digests(), store.alerts()) == ([], [], [])


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
    outlet.publish(FERRY)
    before.poll_feeds()
    assert courier(before, first).run_once().posts == 1
    first.stop()
    before.close()
    after = feed_service(tmp_path / "data", embedder)
    try:
        bot = run_bot(after)
        assert outlet.feed_url in reply(standin, "following")
        after.poll_feeds()
        assert courier(after, bot).run_once().posts == 0  # posted before: not again
        outlet.publish(SCHOOL)
        after.poll_feeds()
        assert courier(after, bot).run_once().posts == 1
        assert SCHOOL[0] in shown(posts(standin)[-1])
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


def test_unfollow_stops_the_posts_and_feeds_belong_to_their_server(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    reply(standin, "follow", feed=outlet.feed_url)
    listed = reply(standin, "following", guild=OTHER_GUILD_ID)
    assert listed.startswith("No feed is followed in this server or workspace")
    refused = reply(standin, "unfollow", guild=OTHER_GUILD_ID, feed=outlet.feed_url)
    assert "this channel follows no feed" in refused
    assert "only server managers" in reply(standin, "unfollow", manager=False, feed="1")
    assert len(service.channels.store.subscriptions()) == 1
    said = reply(standin, "unfollow", feed=outlet.feed_url)
    assert said.startswith(f"No longer posting {outlet.feed_url} here")
    assert reply(standin, "following").startswith("No feed is followed")
    outlet.publish(FERRY)
    service.poll_feeds()
    assert courier(service, bot).run_once().posts == 0
    assert posts(standin) == []


def test_a_channel_alert_is_a_managers_and_is_posted_in_the_channel(
    standin, run_bot, service, site
):
    bot = run_bot(service)
    assert "in this channel" in reply(standin, "alert", words="ferry strike", channel=True)
    outlet = Outlet(site, "Island Times", "island")
    service.add_feed(outlet.feed_url)  # indexed, but followed by no channel
    outlet.publish(FERRY)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    assert courier(service, bot).run_once().posts == 1
    (alert,) = posts(standin)
    assert "Alert: “ferry strike” matches" in shown(alert) and FERRY[0] in shown(alert)
    assert alert.body["allowed_mentions"] == {"parse": []}
    assert "you have no alert 1" in reply(standin, "alerts", manager=False, remove=1)
    assert "removed" in reply(standin, "alerts", remove=1)


def test_no_post_pings_anyone(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "@everyone Harbour News", "harbour")
    reply(standin, "follow", feed=outlet.feed_url, cap=1)
    outlet.publish(PINGS)  # the older, posted first
    outlet.publish(FERRY)
    service.poll_feeds()
    done = courier(service, bot).run_once()
    assert (done.posts, done.held_back) == (2, 1)  # an article, and the line naming the feed
    article, notice = posts(standin)
    assert "Ferry timetable changes" in shown(article)
    assert "1 more new article from" in notice.body["content"]
    sent = json.dumps([article.body, notice.body], ensure_ascii=False)
    assert "@everyone" not in sent and "@here" not in sent
    assert re.search(r"(?<!\\)<[@!#]", sent) is None  # every mention's < shown as written
    assert "from @\u200beveryone Harbour News" in notice.body["content"]  # as written, inert
    assert all(p.body["allowed_mentions"] == {"parse": []} for p in (article, notice))


def test_a_rate_limited_post_waits_and_is_sent_once(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    reply(standin, "follow", feed=outlet.feed_url)
    outlet.publish(FERRY)
    service.poll_feeds()
    standin.rate_limited = 1  # Discord says 429, retry after 1 s
    assert courier(service, bot).run_once().posts == 1
    refused, sent = posts(standin)
    assert (refused.status, sent.status) == (429, 200)
    assert sent.at - refused.at >= 1.0  # it waited as Discord asked
    assert FERRY[0] in shown(sent)


def test_a_failing_feed_is_told_once_a_day(standin, run_bot, service, site):
    bot = run_bot(service)
    outlet = Outlet(site, "Island Times", "island")
    reply(standin, "follow", feed=outlet.feed_url)
    outlet.fail()
    service.poll_feeds()
    post_to = courier(service, bot)
    assert post_to.run_once().posts == 1
    service.poll_feeds()
    assert post_to.run_once().posts == 0
    (notice,) = posts(standin)
    assert "could not read the feed" in notice.body["content"]
    assert "\n" not in notice.body["content"]
    post_to.now = lambda: datetime.now(UTC) + timedelta(hours=25)  # a day on, still failing
    assert post_to.run_once().posts == 1


def test_a_digest_schedule_survives_a_restart(standin, run_bot, tmp_path, embedder, site):
    outlet = Outlet(site, "Island Times", "island")
    before = feed_service(tmp_path / "data", embedder, now=MORNING)  # NEWSBOT_NOW
    first = run_bot(before)
    assert "every day at 09:30 (UTC)" in reply(standin, "digest", every="daily", at="09:30")
    before.add_feed(outlet.feed_url)
    outlet.publish(FERRY)
    before.poll_feeds()
    first.stop()
    before.close()
    after = feed_service(tmp_path / "data", embedder, now=MORNING.replace(hour=9, minute=31))
    try:
        bot = run_bot(after)
        assert courier(after, bot).run_once().posts == 1
        (digest,) = posts(standin)
        assert "Daily digest: the top 1 of 1 new story since 6 May 2024" in shown(digest)
        assert FERRY[0] in shown(digest)
        assert courier(after, bot).run_once().posts == 0
    finally:
        after.close()


def test_a_running_bot_posts_right_after_its_feed_poll(standin, run_bot, tmp_path, embedder, site):
    service = feed_service(tmp_path / "live", embedder, poll_interval_minutes=0.005)
    try:
        bot = run_bot(service)
        outlet = Outlet(site, "Island Times", "island")
        reply(standin, "follow", feed=outlet.feed_url)
        service.start_channel_posts(DiscordPoster(bot.client))
        service.start_feed_polling()
        outlet.publish(FERRY)
        post = standin.wait_for(lambda r: r.method == "POST" and r.path == CHANNEL_POSTS, 30)
        assert FERRY[0] in shown(post)
    finally:
        service.close()
