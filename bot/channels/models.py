"""What the channel features keep and post: frozen records, free of any platform's format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.models import Quote

Platform = Literal["slack", "discord"]
Every = Literal["daily", "weekly"]
# Who an alert is for: one person (a direct message) or a channel.
AlertTarget = Literal["user", "channel"]


@dataclass(frozen=True)
class Place:
    """A channel (or, for an alert, a person) on one platform, in one server or workspace:
    `community` is its guild or team id, None for a Discord DM."""

    platform: Platform
    community: str | None
    channel: str

    @property
    def scope(self) -> str | None:
        """The corpus a question asked there sees beside the shared one."""
        return None if self.community is None else f"{self.platform}:{self.community}"


@dataclass(frozen=True)
class Subscription:
    """A channel following a feed: new articles of the feed that match `keywords` (any of
    them; all articles when empty) are posted there, at most `per_hour` an hour."""

    id: int
    place: Place
    feed_url: str
    keywords: tuple[str, ...]
    per_hour: int
    created_at: str
    failure_told_at: str | None = None  # when subscribers were last told the feed fails


@dataclass(frozen=True)
class Alert:
    """Words someone wants to hear of: a new article with a passage that matches them is
    posted to `place` (a person's id as its channel for a DM)."""

    id: int
    place: Place
    target: AlertTarget
    words: str
    created_by: str
    last_article_id: int  # articles up to this one were already looked at


@dataclass(frozen=True)
class Digest:
    """A channel's digest: the top stories since the last one, `every` day or week at `at`
    ("HH:MM" in `[answer] timezone`; weekly ones on Mondays)."""

    id: int
    place: Place
    every: Every
    at: str
    created_at: str  # ISO 8601 with its offset
    last_sent_at: str | None
    last_article_id: int  # the newest article the last digest (or its creation) knew of


@dataclass(frozen=True)
class ArticlePost:
    """A new article as posted: where it is from, its most central sentences verbatim, and
    newsbot's caveats. `also_reported` names the outlets whose copies of the story came later;
    `matched` is the sentence an alert matched, with `alert` its words."""

    article_id: int
    title: str
    outlet: str | None
    published: str | None
    url: str | None
    quotes: tuple[Quote, ...]
    caveats: tuple[str, ...]
    also_reported: tuple[str, ...] = ()
    matched: Quote | None = None
    alert: str | None = None


@dataclass(frozen=True)
class DigestStory:
    """One story of a digest: its first article, the outlets that reported it, and its most
    central sentence."""

    title: str
    url: str | None
    outlets: tuple[str, ...]
    reports: int  # articles of the story (some outlets unknown)
    sentence: Quote | None


@dataclass(frozen=True)
class DigestPost:
    heading: str
    stories: tuple[DigestStory, ...]
    caveat: str


@dataclass(frozen=True)
class Notice:
    """One line of newsbot's own: a feed that fails, articles held back by the cap."""

    text: str


Post = ArticlePost | DigestPost | Notice
