"""Feed posts, alerts and digests in Slack: commands through bolt over signed HTTP, posts
through slack_sdk's Web client to the loopback stand-in, feeds from a loopback news site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.channels.delivery import Courier
from bot.channels.models import Place
from bot.service import NewsService
from bot.slack.channel_posts import SlackPoster
from index.embedding import Embedder
from tests.bot.slack.conftest import BOT_TOKEN
from tests.support.channels import feed_service
from tests.support.newssite import NewsSite
from tests.support.slack import SlackStandIn
from tests.support.wire import FERRY, FERRY_AGAIN, PINGS, RAIL, SCHOOL, Outlet, made_up_story

ADMIN = "U0ADMIN"
ADMINS = ("T0NEWS:U0ADMIN",)
MORNING = datetime.fromisoformat("2024-05-06T08:00:00+00:00")


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture
def service(tmp_path: Path, embedder: Embedder) -> Iterator[NewsService]:
    running = feed_service(tmp_path / "data", embedder)
    yield running
    running.close()


def courier(service: NewsService, stand_in: SlackStandIn) -> Courier:
    client = WebClient(token=BOT_TOKEN, base_url=stand_in.base_url)
    return service.channels.courier(SlackPoster(client))


def reply(slack, command: str, text: str, user: str = ADMIN, **team: tuple[str, str]) -> str:  # type: ignore[no-untyped-def]
    status, ack, _, key = slack.command(command, text, user=user, **team)
    assert status == 200
    if ack:
        return json.loads(ack)["text"]
    (post,) = slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    return post.body["text"]


def posts(stand_in: SlackStandIn) -> list[dict]:
    return [p.body for p in stand_in.posts("/api/chat.postMessage")]


def test_only_an_admin_follows_a_feed(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    refused = reply(slack, "/follow", outlet.feed_url, user="U0ASKER")
    assert "only newsbot's admins" in refused
    assert service.channels.store.subscriptions() == []
    said = reply(slack, "/follow", outlet.feed_url)
    assert said.startswith(f"Following {outlet.feed_url} here")
    (subscription,) = service.channels.store.subscriptions()
    assert (subscription.place.community, subscription.place.channel) == ("T0NEWS", "C0NEWS")
    assert "Feeds followed here (1)" in reply(slack, "/following", "", user="U0ASKER")


def test_bad_input_to_the_channel_commands_is_refused_in_one_line(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    page = site.serve("/island/about.html", "<html><body><p>About us</p></body></html>")
    said = {
        "no URL": reply(slack, "/follow", ""),
        "not a URL": reply(slack, "/follow", "island-times ferry"),
        "not a feed": reply(slack, "/follow", page),
        "unreachable": reply(slack, "/follow", site.url("/missing/rss.xml")),
        "cap": reply(slack, "/follow", f"{site.url('/x.xml')} cap:500"),
        "how often": reply(slack, "/digest", "hourly"),
        "time": reply(slack, "/digest", "daily at 25:00"),
        "alert": reply(slack, "/alerts", "remove 7"),
        "no words": reply(slack, "/alert", "--channel"),
    }
    for what, text in said.items():
        assert text.startswith(("Sorry", "Usage")) and "\n" not in text, what
    assert said["no URL"].startswith("Usage: `/follow FEED_URL")
    assert "is not a feed's address" in said["not a URL"]
    for what in ("not a feed", "unreachable"):  # why is logged: it may name inner addresses
        assert "could not be fetched as an RSS or Atom feed" in said[what]
    assert "the cap must be from 1 to 100" in said["cap"]
    assert "25:00” is not a time of day" in said["time"]
    assert "you have no alert 7" in said["alert"]
    assert "give the words to be alerted to" in said["no words"]
    store = service.channels.store
    assert (store.subscriptions(), store.digests(), store.alerts()) == ([], [], [])
    said = reply(slack, "/alert", "--channelferry", user="U0ASKER")  # words, not the flag
    assert "“--channelferry” are posted to you" in said


def test_each_new_article_is_posted_once_with_its_verbatim_summary(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    outlet.publish(RAIL)  # listed when the channel follows: not new
    assert "The one article in it now is not posted" in reply(slack, "/follow", outlet.feed_url)
    ferry = outlet.publish(FERRY)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    done = courier(service, slack.stand_in).run_once()
    assert done.posts == 2
    sent = posts(slack.stand_in)
    assert [p["channel"] for p in sent] == ["C0NEWS", "C0NEWS"]
    shown = [json.dumps(p["blocks"], ensure_ascii=False) for p in sent]
    assert FERRY[0] in shown[0] and SCHOOL[0] in shown[1]
    head, where = (b["text"]["text"] for b in sent[0]["blocks"][:1]), sent[0]["blocks"][1]
    assert next(head) == f"*<{ferry}|{FERRY[0]}>*"  # the title, linked to the article
    assert where["elements"][0]["text"] == "Island Times · 2024-05-03"  # outlet and date
    assert RAIL[0] not in "".join(shown)
    sections = [b["text"]["text"] for b in sent[0]["blocks"] if b["type"] == "section"]
    quotes = [s for s in sections if s.startswith("> ")]
    assert 2 <= len(quotes) <= 3
    for quote in quotes:  # each a sentence of the article, word for word
        sentence = quote.removeprefix("> ")
        assert any(sentence in paragraph for paragraph in FERRY[1]), sentence
    assert "The 3 quotes are the article's most central sentences, chosen by newsbot" in shown[0]
    assert "Island Times is not rated in newsbot's source list." in shown[0]
    assert "The article attributes the second quote to others: “said”." in shown[0]
    assert "According to Island Times's article" in shown[0]
    assert all(p["unfurl_links"] is False for p in sent)
    assert "<!" not in "".join(shown).replace("<!date^00000000^", "")  # no @channel, @here
    # A second poll finds nothing new, and nothing more is posted.
    service.poll_feeds()
    assert courier(service, slack.stand_in).run_once().posts == 0
    assert len(posts(slack.stand_in)) == 2


def test_a_near_duplicate_adds_also_reported_to_the_first_post(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    first, second = Outlet(site, "Island Times", "island"), Outlet(site, "Coast Herald", "coast")
    reply(slack, "/follow", first.feed_url)
    reply(slack, "/follow", second.feed_url)
    first.publish(FERRY)
    service.poll_feeds()
    post_to = courier(service, slack.stand_in)
    assert post_to.run_once().posts == 1
    second.publish(FERRY_AGAIN)
    service.poll_feeds()
    done = post_to.run_once()
    assert (done.posts, done.edits) == (0, 1)
    (update,) = [p.body for p in slack.stand_in.posts("/api/chat.update")]
    (posted,) = posts(slack.stand_in)
    assert update["channel"] == "C0NEWS"
    assert "Also reported by Coast Herald." in json.dumps(update["blocks"])
    assert FERRY[0] in json.dumps(update["blocks"])
    assert "Also reported by" not in json.dumps(posted["blocks"])


def test_keywords_filter_the_posts_and_an_alert_quotes_its_match(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    said = reply(slack, "/follow", f"{outlet.feed_url} railway embankment cap:5")
    assert "that mention “railway” or “embankment”" in said and "at most 5 an hour" in said
    alert = reply(slack, "/alert", "ferry strike", user="U0ASKER")
    assert alert.startswith("Alert 1 set") and "direct message" in alert
    outlet.publish(FERRY)
    outlet.publish(RAIL)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    courier(service, slack.stand_in).run_once()
    sent = posts(slack.stand_in)
    in_channel = [p for p in sent if p["channel"] == "C0NEWS"]
    direct = [p for p in sent if p["channel"] == "U0ASKER"]
    assert len(in_channel) == 1 and RAIL[0] in json.dumps(in_channel[0]["blocks"])
    assert len(direct) == 1
    blocks = json.dumps(direct[0]["blocks"], ensure_ascii=False)
    assert FERRY[0] in blocks and "Alert:" in blocks
    assert "> A strike by ferry crews that would have halted crossings" in blocks
    assert blocks.count("A strike by ferry crews") == 1  # the match, quoted once
    assert "The first quote is the sentence that matches the alert" in blocks
    assert "1 · “ferry strike” · to you" in reply(slack, "/alerts", "", user="U0ASKER")
    assert "removed" in reply(slack, "/alerts", "remove 1", user="U0ASKER")
    assert service.channels.store.alerts() == []


def test_a_channel_alert_is_an_admins_and_is_posted_in_the_channel(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    refused = reply(slack, "/alert", "--channel ferry strike", user="U0ASKER")
    assert "only newsbot's admins" in refused
    assert "in this channel" in reply(slack, "/alert", "--channel ferry strike")
    outlet = Outlet(site, "Island Times", "island")
    service.add_feed(outlet.feed_url)  # indexed, but followed by no channel
    outlet.publish(FERRY)
    outlet.publish(SCHOOL)
    service.poll_feeds()
    assert courier(service, slack.stand_in).run_once().posts == 1
    (alert,) = posts(slack.stand_in)
    assert alert["channel"] == "C0NEWS"
    blocks = json.dumps(alert["blocks"], ensure_ascii=False)
    assert "*Alert:* “ferry strike” matches:" in blocks and FERRY[0] in blocks
    listed = reply(slack, "/alerts", "", user="U0ASKER")  # the channel's, seen by all in it
    assert "“ferry strike” · in this channel" in listed
    assert "you have no alert 1" in reply(slack, "/alerts", "remove 1", user="U0ASKER")
    assert "removed" in reply(slack, "/alerts", "remove 1")


def test_unfollow_stops_the_posts_and_feeds_belong_to_their_workspace(make_slack, service, site):
    slack = make_slack(service, admins=(*ADMINS, "T0ELSE:U0ADMIN"))
    outlet = Outlet(site, "Island Times", "island")
    reply(slack, "/follow", outlet.feed_url)
    elsewhere = ("T0ELSE", "elsewhere")
    listed = reply(slack, "/following", "", team=elsewhere)
    assert listed.startswith("No feed is followed in this server or workspace")
    refused = reply(slack, "/unfollow", outlet.feed_url, team=elsewhere)
    assert "this channel follows no feed" in refused
    assert "only newsbot's admins" in reply(slack, "/unfollow", "1", user="U0ASKER")
    assert len(service.channels.store.subscriptions()) == 1
    said = reply(slack, "/unfollow", "1")
    assert said.startswith(f"No longer posting {outlet.feed_url} here")
    assert reply(slack, "/following", "").startswith("No feed is followed")
    outlet.publish(FERRY)
    service.poll_feeds()
    assert courier(service, slack.stand_in).run_once().posts == 0
    assert posts(slack.stand_in) == []


def test_no_post_pings_anyone(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Harbour <!channel> News", "harbour")
    reply(slack, "/follow", f"{outlet.feed_url} cap:1")
    outlet.publish(PINGS)  # the older, posted first
    outlet.publish(FERRY)
    service.poll_feeds()
    done = courier(service, slack.stand_in).run_once()
    assert (done.posts, done.held_back) == (2, 1)  # an article, and the line naming the feed
    sent = json.dumps(posts(slack.stand_in), ensure_ascii=False)
    assert "Ferry timetable changes" in sent and "1 more new article from Harbour" in sent
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>", "<!subteam^S0CREW>"):
        assert ping not in sent, ping
    assert "&lt;!channel&gt;" in sent and "&lt;@U0ADMIN&gt;" in sent  # shown as written


def test_a_digest_is_posted_at_its_time_grouped_by_story(make_slack, tmp_path, embedder, site):
    service = feed_service(tmp_path / "clock", embedder, now=MORNING)
    try:
        slack = make_slack(service, admins=ADMINS)
        said = reply(slack, "/digest", "daily at 09:30")
        assert "every day at 09:30 (UTC)" in said
        first, second = Outlet(site, "Island Times", "island"), Outlet(site, "Coast Herald", "c")
        for outlet in (first, second):
            service.add_feed(outlet.feed_url)
        first.publish(FERRY)
        first.publish(SCHOOL)
        second.publish(FERRY_AGAIN)
        service.poll_feeds()
        early = courier(service, slack.stand_in)
        assert early.run_once().posts == 0  # 08:00: not yet due
        later = courier(service, slack.stand_in)
        later.now = lambda: MORNING.replace(hour=9, minute=31)
        assert later.run_once().posts == 1
        (digest,) = posts(slack.stand_in)
        shown = json.dumps(digest["blocks"], ensure_ascii=False)
        assert "Daily digest: the top 2 of 2 new stories since 6 May 2024" in shown
        assert shown.index(FERRY[0]) < shown.index(SCHOOL[0])  # the story told twice first
        assert "reported by 2 outlets (Island Times, Coast Herald)" in shown
        assert FERRY_AGAIN[0] not in shown
        assert later.run_once().posts == 0  # the next is due tomorrow
    finally:
        service.close()


def test_a_digest_schedule_survives_a_restart_on_the_configured_clock(
    make_slack, tmp_path, embedder, site
):
    def at(moment: str) -> NewsService:  # newsbot started with NEWSBOT_NOW=moment
        when = datetime.fromisoformat(moment)
        return feed_service(tmp_path / "data", embedder, now=when, timezone="Europe/London")

    outlet = Outlet(site, "Island Times", "island")
    before = at("2024-05-06T08:00:00+00:00")  # 09:00 in London
    said = reply(make_slack(before, admins=ADMINS), "/digest", "daily at 09:30")
    assert "every day at 09:30 (Europe/London)" in said
    before.add_feed(outlet.feed_url)
    outlet.publish(FERRY)
    before.poll_feeds()
    before.close()
    for moment, digests in (
        ("2024-05-06T08:20:00+00:00", 0),  # 09:20 in London: not yet
        ("2024-05-06T08:31:00+00:00", 1),  # 09:31 in London, though 08:31 in UTC
        ("2024-05-06T12:00:00+00:00", 0),  # sent today already
    ):
        after = at(moment)
        try:
            slack = make_slack(after, admins=ADMINS)
            assert courier(after, slack.stand_in).run_once().posts == digests, moment
            if digests:
                (digest,) = posts(slack.stand_in)
                assert "Daily digest: the top 1 of 1 new story" in digest["text"]
                assert FERRY[0] in json.dumps(digest["blocks"], ensure_ascii=False)
        finally:
            after.close()
    tomorrow = at("2024-05-07T08:31:00+00:00")
    try:
        slack = make_slack(tomorrow, admins=ADMINS)
        outlet.publish(SCHOOL)
        tomorrow.poll_feeds()
        assert courier(tomorrow, slack.stand_in).run_once().posts == 1
        (digest,) = posts(slack.stand_in)
        shown = json.dumps(digest["blocks"], ensure_ascii=False)
        assert "the top 1 of 1 new story since 6 May 2024" in shown  # since the last digest
        assert SCHOOL[0] in shown and FERRY[0] not in shown
    finally:
        tomorrow.close()


def test_subscriptions_survive_a_restart(make_slack, tmp_path, embedder, site):
    outlet = Outlet(site, "Island Times", "island")
    before = feed_service(tmp_path / "data", embedder)
    slack = make_slack(before, admins=ADMINS)
    reply(slack, "/follow", outlet.feed_url)
    outlet.publish(FERRY)
    before.poll_feeds()
    assert courier(before, slack.stand_in).run_once().posts == 1
    before.close()
    after = feed_service(tmp_path / "data", embedder)
    try:
        again = make_slack(after, admins=ADMINS)
        assert outlet.feed_url in reply(again, "/following", "")
        after.poll_feeds()
        assert courier(after, again.stand_in).run_once().posts == 0  # posted before: not again
        outlet.publish(SCHOOL)
        after.poll_feeds()
        assert courier(after, again.stand_in).run_once().posts == 1
        (post,) = posts(again.stand_in)
        assert SCHOOL[0] in json.dumps(post["blocks"])
    finally:
        after.close()


def test_a_burst_of_new_articles_respects_the_cap(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    reply(slack, "/follow", f"{outlet.feed_url} cap:10")
    for number in range(50):
        outlet.publish(made_up_story(number))
    service.poll_feeds()
    done = courier(service, slack.stand_in).run_once()
    assert (done.posts, done.held_back) == (11, 40)
    sent = posts(slack.stand_in)
    assert "40 more new articles from Island Times not posted" in sent[-1]["text"]
    assert courier(service, slack.stand_in).run_once().posts == 0  # never posted later


def test_a_failing_feed_is_told_once_a_day(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    reply(slack, "/follow", outlet.feed_url)
    outlet.fail()
    service.poll_feeds()
    post_to = courier(service, slack.stand_in)
    assert post_to.run_once().posts == 1
    service.poll_feeds()
    assert post_to.run_once().posts == 0
    (notice,) = posts(slack.stand_in)
    assert "could not read the feed" in notice["text"] and "\n" not in notice["text"]
    post_to.now = lambda: datetime.now(UTC) + timedelta(hours=25)  # a day on, still failing
    assert post_to.run_once().posts == 1
    assert len(posts(slack.stand_in)) == 2


def test_a_rate_limited_post_waits_and_is_sent_once(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    reply(slack, "/follow", outlet.feed_url)
    outlet.publish(FERRY)
    service.poll_feeds()
    slack.stand_in.rate_limited = 1  # Slack says 429, retry after 1 s
    assert courier(service, slack.stand_in).run_once().posts == 1
    refused, sent = slack.stand_in.posts("/api/chat.postMessage")
    assert sent.received - refused.received >= 1.0  # it waited as Slack asked
    assert FERRY[0] in json.dumps(sent.body["blocks"])


def test_a_channel_that_refuses_posts_holds_up_no_other(make_slack, service, site):
    slack = make_slack(service, admins=ADMINS)
    outlet = Outlet(site, "Island Times", "island")
    gone = Place("slack", "T0NEWS", "C0GONE")
    service.channels.follow(gone, outlet.feed_url)  # followed first, so tried first
    reply(slack, "/follow", outlet.feed_url)
    slack.stand_in.closed_channels.add("C0GONE")  # the bot was removed from it
    outlet.publish(FERRY)
    service.poll_feeds()
    post_to = courier(service, slack.stand_in)
    assert post_to.run_once().posts == 1
    assert [p["channel"] for p in posts(slack.stand_in)] == ["C0GONE", "C0NEWS"]
    slack.stand_in.closed_channels.clear()  # added back: what it missed is posted, once
    assert post_to.run_once().posts == 1
    assert post_to.run_once().posts == 0
    assert [p["channel"] for p in posts(slack.stand_in)] == ["C0GONE", "C0NEWS", "C0GONE"]


def test_a_running_bot_posts_right_after_its_feed_poll(make_slack, tmp_path, embedder, site):
    service = feed_service(tmp_path / "live", embedder, poll_interval_minutes=0.005)
    try:
        slack = make_slack(service, admins=ADMINS)
        outlet = Outlet(site, "Island Times", "island")
        reply(slack, "/follow", outlet.feed_url)
        client = WebClient(token=BOT_TOKEN, base_url=slack.stand_in.base_url)
        service.start_channel_posts(SlackPoster(client))
        service.start_feed_polling()
        outlet.publish(FERRY)
        (post,) = slack.stand_in.wait_for("/api/chat.postMessage", timeout=30)
        assert FERRY[0] in json.dumps(post.body["blocks"])
    finally:
        service.close()
