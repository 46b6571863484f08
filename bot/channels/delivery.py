"""The courier: after a feed poll (and every few minutes) it posts what is new to channels.

One round looks at every subscription, alert and digest of its platform. A feed's new entries
are those its poll indexed since the subscription last looked, except what was listed when
the channel followed it. Each article is posted in a channel once; a near-duplicate of one
already posted there is not posted, and the earlier post says "also reported by" its outlet
instead. A subscription posts at most its cap in any hour: the rest are counted in one line.
Posting goes through the platform's `Poster`, paced per channel, and the clients wait out the
platforms' own rate limits (429s). Of the processes of one platform on one data folder, only
the one holding that platform's lease posts, so nothing is posted twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.channels import digests
from bot.channels.matching import best_match, has_keyword
from bot.channels.models import (
    Alert,
    ArticlePost,
    Digest,
    Notice,
    Place,
    Platform,
    Post,
    Subscription,
)
from bot.channels.posts import article_post, feed_failing, held_back, outlet_name
from bot.channels.settings import ChannelSettings
from bot.channels.store import ChannelStore
from bot.core.answer import zone
from bot.core.models import Quote
from index.errors import NewsbotError
from index.library import Library
from index.models import Article, Feed
from index.sources.urls import canonical_url
from index.storage.protocols import Leases

log = logging.getLogger(__name__)


class Poster(Protocol):
    """A platform's way to post: into a channel, to a person, and over an earlier post."""

    platform: Platform

    def post(self, place: Place, post: Post) -> str:
        """Post in the channel; the message's id (Slack's `ts`, Discord's message id)."""
        ...

    def direct(self, place: Place, user: str, post: Post) -> str:
        """Post to one person, in a direct message."""
        ...

    def edit(self, place: Place, message: str, post: Post) -> None:
        """Replace an earlier post's content with `post`."""
        ...


@dataclass
class Round:
    """What one round posted."""

    posts: int = 0  # new messages: articles, alerts, digests and notices
    edits: int = 0  # earlier posts that gained "also reported by"
    held_back: int = 0  # new articles over a cap, counted and not posted


class Courier:
    """Posts what is new to one platform's channels; `now` is the config's clock."""

    def __init__(
        self,
        library: Library,
        store: ChannelStore,
        poster: Poster,
        settings: ChannelSettings,
        now: Callable[[], datetime],
        ratings: dict[str, str],
        timezone: str = "UTC",
    ):
        self.library = library
        self.store = store
        self.poster = poster
        self.settings = settings
        self.now = now
        self.ratings = ratings
        self.zone = zone(timezone)
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()  # one round at a time

    def run_once(self) -> Round:
        done = Round()
        with self._lock:
            feeds = {f.url: f for f in self.library.feed_store.feeds()}
            for subscription in self.store.subscriptions(self.poster.platform):
                feed = feeds.get(subscription.feed_url)
                if feed is not None:
                    self._guarded(subscription.place, self._feed, subscription, feed, done)
            for alert in self.store.alerts(self.poster.platform):
                self._guarded(alert.place, self._alert, alert, done)
            for digest in self.store.digests(self.poster.platform):
                self._guarded(digest.place, self._digest, digest, done)
        return done

    def _guarded(self, place: Place, work: Callable[..., None], *args: object) -> None:
        """One subscription's, alert's or digest's posts. When the platform refuses one (the
        bot was removed from a channel, a post still rate limited after its retries), the
        others still post; what it had not posted is tried again next round."""
        try:
            work(*args)
        except NewsbotError as error:
            log.warning("posting in %s %s failed: %s", place.platform, place.channel, error)
        except Exception:  # each platform's client raises its own errors
            log.exception("posting in %s %s failed", place.platform, place.channel)

    # -- feeds ---------------------------------------------------------------------------------

    def _feed(self, subscription: Subscription, feed: Feed, done: Round) -> None:
        place, now = subscription.place, self.now()
        self._tell_failure(subscription, feed, now, done)
        handled = self.store.handled(subscription.id)
        states = self.library.feed_store.feed_entries(feed.id)
        fresh = {key: state for key, state in states.items() if state.done and key not in handled}
        if not fresh:
            return
        found = {a.id: a for a in map(self._article, (s.url for s in fresh.values())) if a}
        # The oldest first. A feed lists its newest entry first and a poll indexes them in
        # its order, so of two articles of one date, the later indexed is the older.
        articles = sorted(found.values(), key=lambda a: (a.published or "", -a.id))
        room = subscription.per_hour - self.store.posts_since(
            subscription.id, now - timedelta(hours=1)
        )
        held = 0
        for article in articles:
            if self.store.post_of(place, [article.id]) is not None:
                continue  # already posted here, through another feed
            if not has_keyword(
                article, self.library.article_passages(article.id), subscription.keywords
            ):
                continue
            if self._also_reported(place, article, done):
                continue
            if room <= 0:
                held += 1
                continue
            post = self._article_post(article)
            message = self._send(place, post)
            self.store.record_post(place, article.id, message, subscription.id, now)
            room -= 1
            done.posts += 1
        if held:
            self._send(
                place, Notice(held_back(held, feed.title or feed.url, subscription.per_hour))
            )
            done.held_back += held
            done.posts += 1
        self.store.mark_handled(subscription.id, fresh)

    def _article(self, key: str) -> Article | None:
        """The shared article a feed entry led to: under its key, or its canonical URL."""
        return self.library.shared_article(key) or self.library.shared_article(canonical_url(key))

    def _also_reported(self, place: Place, article: Article, done: Round) -> bool:
        """When a near-duplicate of the article was posted here, that post names the article's
        outlet instead (once): True. False when there is none."""
        earlier = self.library.also_reported(article.id, place.scope)
        posted = self.store.post_of(place, [a.id for a in earlier])
        if posted is None:
            return False
        first_id, message, outlets = posted
        outlet = outlet_name(article)
        if outlet in outlets:
            return True
        first = next(a for a in earlier if a.id == first_id)
        named = (*outlets, outlet)
        self._pace(place.channel)
        self.poster.edit(place, message, replace(self._article_post(first), also_reported=named))
        self.store.set_also_reported(place, message, named)
        done.edits += 1
        return True

    def _tell_failure(
        self, subscription: Subscription, feed: Feed, now: datetime, done: Round
    ) -> None:
        if not feed.last_error:
            return
        told = subscription.failure_told_at
        every = timedelta(hours=self.settings.failure_notice_hours)
        if told is not None and now - datetime.fromisoformat(told) < every:
            return
        log.warning("feed %s fails: %s", feed.url, feed.last_error)
        self._send(subscription.place, Notice(feed_failing(feed.url)))
        self.store.failure_told(subscription.id, now)
        done.posts += 1

    # -- alerts --------------------------------------------------------------------------------

    def _alert(self, alert: Alert, done: Round) -> None:
        visible = self.library.articles(alert.place.scope)
        new = sorted((a for a in visible if a.id > alert.last_article_id), key=lambda a: a.id)
        if not new:
            return
        query = self.library.embedder.encode([alert.words])[0]
        settings = self.settings
        for article in new:
            passages = self.library.article_passages(article.id)
            vectors = self.library.sentence_vectors([p.id for p in passages])
            match = best_match(
                article,
                passages,
                vectors,
                query,
                alert.words,
                settings.alert_threshold,
                settings.alert_dense,
            )
            if match is not None:
                post = self._article_post(article, match.quote, alert.words)
                if alert.target == "user":
                    self._pace(alert.created_by)
                    self.poster.direct(alert.place, alert.created_by, post)
                else:
                    self._send(alert.place, post)
                done.posts += 1
            self.store.alert_seen(alert.id, article.id)  # so a failure later resends nothing

    # -- digests -------------------------------------------------------------------------------

    def _digest(self, digest: Digest, done: Round) -> None:
        now = self.now()
        if not digests.due(digest, now, self.zone):
            return
        post, newest = digests.digest_post(self.library, digest, self.settings.digest_stories)
        self._send(digest.place, post or Notice(digests.NOTHING_NEW))
        self.store.digest_sent(digest.id, now, newest)
        done.posts += 1

    # -- posting -------------------------------------------------------------------------------

    def _article_post(
        self, article: Article, matched: Quote | None = None, alert: str | None = None
    ) -> ArticlePost:
        return self.library.read(
            lambda library: article_post(
                library, article, self.settings.summary_sentences, self.ratings, matched, alert
            )
        )

    def _send(self, place: Place, post: Post) -> str:
        self._pace(place.channel)
        return self.poster.post(place, post)

    def _pace(self, channel: str) -> None:
        """Wait until the channel's last post is `post_interval_seconds` old."""
        interval = self.settings.post_interval_seconds
        last = self._last_post.get(channel)
        if last is not None and interval:
            wait = last + interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_post[channel] = time.monotonic()


LEASE = "channel-posts-{platform}"


class DeliveryLoop:
    """Runs a courier's rounds on a daemon thread: every `check_interval_seconds`, and at once
    when `poke`d (after a feed poll). Only the process holding the platform's lease posts."""

    def __init__(self, courier: Courier, leases: Leases, interval: float):
        self.courier = courier
        self.leases = leases
        self.interval = interval
        self.lease = LEASE.format(platform=courier.poster.platform)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="newsbot-posts", daemon=True)
        self._thread.start()

    def poke(self, *_: object) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.leases.release(self.lease)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.leases.try_hold(self.lease):
                try:
                    self.courier.run_once()
                except NewsbotError as error:
                    log.warning("posting to channels failed: %s", error)
                except Exception:  # a failed round must not stop the next one
                    log.exception("posting to channels failed")
            self._wake.wait(self.interval)
            self._wake.clear()
