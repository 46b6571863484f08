"""Digests: when one is due, and the top stories since the last one, grouped by story.

A story is a set of new articles linked as near-duplicates (one wire story run by several
outlets). Stories reported by more articles come first, then the newest. Each is shown with
the most central sentence of its first article, verbatim.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from bot.channels.models import Digest, DigestPost, DigestStory, Every
from bot.core.caveats import day
from bot.core.summary import summarize
from index.errors import UserError
from index.library import Library
from index.models import Article

DEFAULT_AT = "09:00"
_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
NOTHING_NEW = "Digest: no new articles since the last one."
CAVEAT = (
    "Each sentence is quoted verbatim from the story's first article, chosen by newsbot as its "
    "most central. The claims are the outlets' own and newsbot has not checked them."
)


def checked_at(typed: str | None) -> str:
    """A digest's time of day as "HH:MM", or a one-line error saying how to write it."""
    text = (typed or DEFAULT_AT).strip()
    match = _AT.fullmatch(text)
    if match is None:
        raise UserError(f"“{text[:20]}” is not a time of day; write it like 09:00 or 18:30")
    return f"{int(match[1]):02d}:{match[2]}"


def next_due(every: Every, at: str, after: datetime, zone: tzinfo) -> datetime:
    """The first time after `after` a digest is due: each day at `at`, or each Monday at it,
    on the clock of `zone`."""
    hour, minute = (int(part) for part in at.split(":"))
    local = after.astimezone(zone)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    step = timedelta(days=1)
    if every == "weekly":
        slot -= timedelta(days=slot.weekday())
        step = timedelta(days=7)
    while slot <= local:
        slot += step
    return slot


def due(digest: Digest, now: datetime, zone: tzinfo) -> bool:
    after = datetime.fromisoformat(digest.last_sent_at or digest.created_at)
    return now >= next_due(digest.every, digest.at, after, zone)


def digest_post(library: Library, digest: Digest, limit: int) -> tuple[DigestPost | None, int]:
    """The digest of the articles after the last one's, and the newest article it covers
    (None when there is nothing new)."""
    scope = digest.place.scope
    new = [a for a in library.articles(scope) if a.id > digest.last_article_id]
    if not new:
        return None, digest.last_article_id
    stories = _stories(library, new, scope)
    stories.sort(key=lambda story: (-len(story), -max(a.id for a in story)))
    shown = tuple(_story(library, story) for story in stories[:limit])
    since = digest.last_sent_at or digest.created_at
    when = day(datetime.fromisoformat(since).date())
    what = "Daily" if digest.every == "daily" else "Weekly"
    count = len(stories)
    heading = (
        f"{what} digest: the top {len(shown)} of {count} new "
        f"{'story' if count == 1 else 'stories'} since {when}"
    )
    return DigestPost(heading, shown, CAVEAT), max(a.id for a in new)


def _stories(library: Library, articles: list[Article], scope: str | None) -> list[list[Article]]:
    """The articles grouped by story: each with the new articles linked to it, transitively."""
    by_id = {a.id: a for a in articles}
    group: dict[int, int] = {}
    for article in sorted(articles, key=lambda a: a.id):
        linked = [other.id for other in library.also_reported(article.id, scope)]
        known = sorted(group[i] for i in linked if i in group)
        root = known[0] if known else article.id
        for other in known:  # two stories this article joins become one
            for member, owner in group.items():
                if owner == other:
                    group[member] = root
        group[article.id] = root
    grouped: dict[int, list[Article]] = {}
    for member, root in group.items():
        grouped.setdefault(root, []).append(by_id[member])
    return list(grouped.values())


def _story(library: Library, articles: list[Article]) -> DigestStory:
    first = min(articles, key=lambda a: a.id)
    summary = summarize(library, first, 1)
    ordered = sorted(articles, key=lambda a: a.id)
    outlets = tuple(dict.fromkeys(a.source for a in ordered if a.source))
    unnamed = sum(1 for a in ordered if not a.source)  # each may be another outlet
    return DigestStory(
        first.title,
        first.url,
        outlets,
        len(outlets) + unnamed,
        summary.quotes[0] if summary.quotes else None,
    )


def reported_by(story: DigestStory) -> str:
    """ "reported by 3 outlets", or the one outlet's name."""
    if story.reports > 1:
        return f"reported by {story.reports} outlets"
    return f"reported by {story.outlets[0]}" if story.outlets else "outlet unknown"
