"""What the chat commands do to subscriptions, alerts and digests, whatever the platform.

Each method checks what it is given and raises a `UserError` with one line the person can act
on; who may do what (admins follow feeds and set digests) is the front end's check, since
each platform says who its admins are.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import get_args

from bot.channels.delivery import Courier, Poster
from bot.channels.digests import checked_at
from bot.channels.models import Alert, AlertTarget, Digest, Every, Place, Subscription
from bot.channels.settings import ChannelSettings, load_settings
from bot.channels.store import ChannelStore
from bot.config import Config
from index.errors import UserError
from index.library import Library
from index.sources.feeds import FeedError, follow
from index.sources.fetching import Fetcher, WebError
from index.sources.urls import canonical_url

log = logging.getLogger(__name__)

EVERY: tuple[Every, ...] = get_args(Every)
MAX_KEYWORDS = 10
MAX_ALERT_CHARS = 200
_URL = re.compile(r"https?://\S+", re.I)


class Channels:
    """Subscriptions, alerts and digests over one store, and the courier that posts them."""

    def __init__(self, config: Config, library: Library, fetcher: Callable[[], Fetcher]):
        self.config = config
        self.library = library
        self.settings: ChannelSettings = load_settings(config)
        self.store = ChannelStore(config.data_dir, config.index.wait_for_writer_seconds)
        self._fetcher = fetcher

    def close(self) -> None:
        self.store.close()

    def courier(self, poster: Poster) -> Courier:
        return Courier(
            self.library,
            self.store,
            poster,
            self.settings,
            self.config.now,
            dict(self.config.answer.source_ratings),
            self.config.answer.timezone,
        )

    # -- feeds ---------------------------------------------------------------------------------

    def follow(
        self, place: Place, url: str, keywords: tuple[str, ...] = (), per_hour: int | None = None
    ) -> tuple[Subscription, bool, int]:
        """Post the feed's new articles in `place` from now on: the subscription, whether it
        is new, and how many articles listed in the feed now are not posted."""
        if place.community is None:
            raise UserError("feeds are followed in a channel of a server or workspace")
        if not _URL.fullmatch(url.strip()):
            raise UserError(f"“{url[:80]}” is not a feed's address; give its http(s) URL")
        if len(keywords) > MAX_KEYWORDS:
            raise UserError(f"give at most {MAX_KEYWORDS} keywords")
        cap = self.settings.posts_per_hour if per_hour is None else per_hour
        if not 1 <= cap <= 100:
            raise UserError("the cap must be from 1 to 100 posts an hour")
        try:
            followed = follow(self.library.feed_store, url.strip(), self._fetcher())
        except FeedError as error:
            raise UserError(str(error)) from error
        except WebError as error:
            # The reason can name addresses inside newsbot's network: it goes to the log.
            log.warning("could not fetch a feed given in %s: %s", place.scope, error)
            raise UserError(
                f"{url.strip()} could not be fetched as an RSS or Atom feed (newsbot's log "
                "says why)"
            ) from error
        seen = set(followed.listed) | set(self.library.feed_store.feed_entries(followed.feed.id))
        subscription, new = self.store.subscribe(
            place, followed.feed.url, keywords, cap, self.config.now(), seen
        )
        return subscription, new, followed.entries

    def following(self, place: Place) -> list[Subscription]:
        """The feeds followed in the server or workspace of `place`, in any of its channels."""
        return self.store.subscriptions(place.platform, place.community)

    def unfollow(self, place: Place, reference: str) -> Subscription:
        """Stop posting a feed in `place`, named by its URL or its number in /following."""
        wanted = reference.strip()
        here = [s for s in self.following(place) if s.place.channel == place.channel]
        address = canonical_url(wanted) if _URL.fullmatch(wanted) else None
        found = next(
            (s for s in here if wanted == str(s.id) or s.feed_url in (wanted, address)), None
        )
        if found is None:
            raise UserError(f"this channel follows no feed {wanted[:80]!r} (see /following)")
        self.store.unsubscribe(found.id)
        return found

    # -- alerts --------------------------------------------------------------------------------

    def alert(self, place: Place, target: AlertTarget, words: str, user: str) -> Alert:
        text = " ".join(words.split())
        if not text:
            raise UserError("give the words to be alerted to, e.g. /alert ferry strike")
        if len(text) > MAX_ALERT_CHARS:
            raise UserError(f"an alert's words must be at most {MAX_ALERT_CHARS} characters")
        newest = max((a.id for a in self.library.every_article()), default=0)
        return self.store.add_alert(place, target, text, user, newest)

    def alerts(self, place: Place, user: str) -> list[Alert]:
        """The person's own alerts in this server or workspace, and this channel's."""
        return [
            a
            for a in self.store.alerts(place.platform)
            if a.place.community == place.community
            and ((a.target == "user" and a.created_by == user) or a.place.channel == place.channel)
        ]

    def remove_alert(self, place: Place, user: str, alert_id: int, admin: bool) -> Alert:
        """Remove one of the person's alerts, or (for an admin) one of this channel's."""
        for alert in self.alerts(place, user):
            mine = alert.target == "user" and alert.created_by == user
            if alert.id == alert_id and (mine or admin):
                self.store.remove_alert(alert.id)
                return alert
        raise UserError(f"you have no alert {alert_id} here (see /alerts)")

    # -- digests -------------------------------------------------------------------------------

    def digest(self, place: Place, every: str, at: str | None = None) -> Digest:
        if place.community is None:
            raise UserError("digests are posted in a channel of a server or workspace")
        chosen = next((e for e in EVERY if e == every), None)
        if chosen is None:
            raise UserError(f"say how often: {' or '.join(EVERY)} (or off)")
        newest = max((a.id for a in self.library.every_article()), default=0)
        return self.store.set_digest(place, chosen, checked_at(at), self.config.now(), newest)

    def digest_off(self, place: Place) -> Digest:
        found = next((d for d in self.store.digests(place.platform) if d.place == place), None)
        if found is None:
            raise UserError("this channel has no digest")
        self.store.remove_digest(found.id)
        return found
