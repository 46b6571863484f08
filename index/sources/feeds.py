"""Following RSS and Atom feeds: check them, poll them politely, index their new entries.

A poll asks each feed with its last ETag and Last-Modified, so an unchanged feed costs one 304.
Entries already indexed or given up on are remembered per feed and not fetched again, unless
the feed updates one in place (same id, new dates or content): then its page is fetched again,
and indexing it keeps a new version of the article if its text changed. Polling runs in three
steps so a chat bot keeps answering while it fetches: read the feeds' state, fetch the new
entries, then index them and record the poll in one write of the corpus.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import feedparser

from index.errors import NewsbotError, UserError
from index.models import Document, Feed, FeedEntryState, IngestReport
from index.sources.extraction import fetch_article
from index.sources.fetching import Fetched, Fetcher, WebError, WebRefusal
from index.sources.ingest import Corpus
from index.sources.metadata import normalise_date
from index.sources.urls import canonical_url
from index.storage.protocols import FeedStore, Leases

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # an entry that fails this many polls in a row is given up on
ROBOTS_DISALLOW = "the site's robots.txt does not allow fetching it"
ROBOTS_UNREADABLE = "the site's robots.txt cannot be read, so nothing there is fetched yet"


class FeedError(WebError):
    """A URL whose body is not an RSS or Atom feed."""


class FeedLookupError(UserError):
    """No followed feed has that URL or id."""


@dataclass(frozen=True)
class FeedEntry:
    id: str
    url: str
    title: str
    # The dates the feed gives the entry, as it writes them; the page's own take precedence.
    published: str | None = None
    updated: str | None = None
    # A digest of what the feed says of the entry (title, dates, summary, content): when it
    # changes, the entry was updated in place. None when not known (an entry being retried).
    revision: str | None = None

    def updated_since(self, state: FeedEntryState) -> bool:
        """Whether the feed changed this entry since a poll that was done with it."""
        if not state.done or state.revision is None:
            return False
        return self.revision is not None and self.revision != state.revision


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class Followed:
    feed: Feed
    entries: int  # entries in the feed when it was checked
    new: bool  # False when the feed was already followed
    listed: tuple[str, ...] = ()  # the ids of those entries


@dataclass
class PollReport:
    """Per feed, what the poll found; and what indexing its new entries did."""

    feeds: list[tuple[str, str]] = field(default_factory=list)  # (feed URL, what happened)
    ingest: IngestReport = field(default_factory=IngestReport)


def parse_feed(fetched: Fetched, url: str) -> ParsedFeed:
    """The feed's title and entries that link somewhere; FeedError when it is not a feed."""
    # Decoded here like every fetched body, then handed over as UTF-8 under the one media type
    # whose charset feedparser always follows (it would follow the XML declaration's otherwise).
    # A stream, never a string: feedparser opens strings that look like URLs or file names.
    parsed = feedparser.parse(
        io.BytesIO(fetched.text().encode("utf-8")),
        response_headers={
            "content-location": fetched.url,
            "content-type": "application/xml; charset=utf-8",
        },
    )
    if not parsed.get("version"):
        raise FeedError(f"{url}: not an RSS or Atom feed")
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if not link:
            continue
        link = urljoin(fetched.url, link)
        entries.append(
            FeedEntry(
                item.get("id") or link,
                link,
                item.get("title") or link,
                item.get("published") or None,
                # The entry's own <updated>: feedparser's `get` would fall back to its published.
                dict.get(item, "updated") or None,
                _revision(item),
            )
        )
    return ParsedFeed(parsed.feed.get("title") or None, tuple(entries))


def _revision(item: feedparser.FeedParserDict) -> str:
    said = [dict.get(item, key) for key in ("title", "published", "updated", "summary")] + [
        part.get("value") for part in item.get("content", [])
    ]
    return hashlib.sha256(json.dumps(said).encode()).hexdigest()


def follow(feeds: FeedStore, url: str, fetcher: Fetcher) -> Followed:
    """Follow a feed after checking that it is one; its entries are indexed when polled."""
    parsed = parse_feed(fetcher.feed(url), url)
    address = canonical_url(url)
    listed = tuple(e.id for e in parsed.entries)
    known = feeds.feed(address)
    if known is not None:
        return Followed(known, len(parsed.entries), new=False, listed=listed)
    feed = feeds.add_feed(address, parsed.title)
    return Followed(feed, len(parsed.entries), new=True, listed=listed)


def unfollow(feeds: FeedStore, reference: str) -> Feed:
    """Stop following the feed with this URL or id; its articles stay indexed."""
    feed = feeds.feed(reference) or feeds.feed(canonical_url(reference))
    if feed is None:
        raise FeedLookupError(f"no followed feed matches {reference!r} (see `newsbot feeds list`)")
    feeds.remove_feed(feed.id)
    return feed


@dataclass
class _Outcome:
    """One feed's poll, gathered while fetching and written with the articles it found."""

    feed: Feed
    error: str | None = None
    title: str | None = None
    validators: tuple[str | None, str | None] | None = None
    documents: list[Document] = field(default_factory=list)
    entries: list[tuple[FeedEntry, bool, str | None]] = field(default_factory=list)
    status: str = ""


def poll(
    corpus: Corpus,
    feeds: FeedStore,
    fetcher: Fetcher,
    progress: bool = False,
    due_only: bool = False,
    stop: threading.Event | None = None,
) -> PollReport:
    """Fetch every followed feed (or those due) and index its new entries into `corpus`."""
    started = datetime.now(UTC)
    every = timedelta(minutes=fetcher.settings.poll_interval_minutes)
    polled = [f for f in feeds.feeds() if not due_only or _due(f, started, every)]
    states = {f.id: feeds.feed_entries(f.id) for f in polled}
    report = PollReport()
    outcomes = []
    fetched: set[str] = set()  # pages fetched by this poll, so a second feed does not refetch
    for feed in polled:
        if stop is not None and stop.is_set():
            break
        outcome = _poll_feed(corpus, fetcher, feed, states[feed.id], report, fetched)
        outcomes.append(outcome)
        report.feeds.append((feed.url, outcome.status))
    polled_at = started.isoformat(timespec="seconds")

    def record() -> None:
        for outcome in outcomes:
            feeds.update_feed(
                outcome.feed.id, polled_at, outcome.error, outcome.title, outcome.validators
            )
            for entry, done, error in outcome.entries:
                feeds.record_entry(
                    outcome.feed.id, entry.id, entry.url, done, error, entry.revision
                )

    documents = [doc for outcome in outcomes for doc in outcome.documents]
    ingested = corpus.ingest(documents, progress=progress, also_write=record)
    ingested.failed[:0] = report.ingest.failed
    ingested.skipped[:0] = report.ingest.skipped
    report.ingest = ingested
    return report


def _poll_feed(
    corpus: Corpus,
    fetcher: Fetcher,
    feed: Feed,
    seen: dict[str, FeedEntryState],
    report: PollReport,
    fetched_now: set[str],
) -> _Outcome:
    outcome = _Outcome(feed)
    try:
        fetched = fetcher.feed(feed.url, feed.etag, feed.last_modified)
        parsed = ParsedFeed(None, ()) if fetched.not_modified else parse_feed(fetched, feed.url)
    except WebError as error:
        outcome.error = str(error)
        outcome.status = f"failed: {error}"
        return outcome
    if not fetched.not_modified:
        outcome.title = parsed.title
        outcome.validators = (fetched.etag, fetched.last_modified)
    listed = {e.id: e for e in parsed.entries}
    fresh = [e for e in parsed.entries if e.id not in seen]
    revised = [e for e in parsed.entries if e.id in seen and e.updated_since(seen[e.id])]
    # An entry updated in place is fetched again while its article is indexed: one removed by
    # hand stays removed. A done entry remembers its article's key as its URL.
    again = [e for e in revised if corpus.has_article(canonical_url(seen[e.id].url))]
    updated = {e.id for e in again}
    removed = {e.id for e in revised} - updated
    retries = [
        listed.get(key) or FeedEntry(key, s.url, s.url) for key, s in seen.items() if not s.done
    ]
    wanted = list({e.id: e for e in fresh + again + retries}.values())
    wanted = wanted[: fetcher.settings.feed_entries_per_poll]
    indexed = {
        e.id
        for e in wanted
        if canonical_url(e.url) in fetched_now
        or (e.id not in updated and corpus.has_article(canonical_url(e.url)))
    }
    # What the feed now says of entries done before revisions were kept, and of the removed
    # articles' entries it updated, is recorded without fetching anything.
    outcome.entries += [
        (e, True, None)
        for e in parsed.entries
        if e.id in seen and seen[e.id].done and (seen[e.id].revision is None or e.id in removed)
    ]
    fetched_count = refetched = failed = 0
    for entry in wanted:
        if entry.id in indexed:  # found through another feed, or ingested by hand
            outcome.entries.append((entry, True, None))
            report.ingest.skipped.append((entry.url, f"{entry.title}: already indexed"))
            continue
        try:
            fetcher.check(entry.url)  # before robots.txt: an address refused is said as such
            refusal = _robots_refusal(fetcher, entry.url)
            if refusal == ROBOTS_DISALLOW:  # the site said no: it is not asked again
                outcome.entries.append((entry, True, refusal))
                report.ingest.skipped.append((entry.url, f"{entry.title}: {refusal}"))
                continue
            if refusal:  # robots.txt unreadable: a failure, retried at the next poll
                raise WebError(f"{entry.url}: {refusal}")
            page = _dated(fetch_article(fetcher, entry.url), entry)
            outcome.documents.append(page)
            outcome.entries.append((replace(entry, url=page.key), True, None))
            fetched_now.add(canonical_url(entry.url))
            fetched_count += 1
            refetched += entry.id in updated
        except WebError as error:
            # A refusal is final; another failure is retried, up to MAX_ATTEMPTS polls of one
            # revision of the entry.
            state = seen.get(entry.id)
            same = state is not None and entry.revision in (None, state.revision)
            attempts = state.attempts + 1 if state is not None and same else 1
            given_up = isinstance(error, WebRefusal) or attempts >= MAX_ATTEMPTS
            outcome.entries.append((entry, given_up, str(error)))
            report.ingest.failed.append((entry.url, str(error)))
            failed += 1
    outcome.status = _status(
        fetched.not_modified, fetched_count - refetched, failed, len(indexed), refetched
    )
    return outcome


def _dated(page: Document, entry: FeedEntry) -> Document:
    """The page with the feed's dates for the entry where the page states none."""
    published = page.published or normalise_date(entry.published)
    updated = page.updated or normalise_date(entry.updated)
    return replace(page, published=published, updated=updated if updated != published else None)


def _robots_refusal(fetcher: Fetcher, url: str) -> str | None:
    """Why the site's robots.txt keeps newsbot from fetching `url` unasked, or None."""
    if not fetcher.settings.obey_robots_txt or fetcher.robots_allow(url):
        return None
    return ROBOTS_DISALLOW if fetcher.robots.readable(url) else ROBOTS_UNREADABLE


def _status(not_modified: bool, fetched: int, failed: int, known: int, again: int = 0) -> str:
    parts = [f"{fetched} new {'entry' if fetched == 1 else 'entries'} fetched"]
    if again:
        parts.append(f"{again} updated {'entry' if again == 1 else 'entries'} fetched again")
    if known:
        parts.append(f"{known} already indexed")
    if failed:
        parts.append(f"{failed} failed")
    if not_modified:
        return "not modified" + (f" ({', '.join(parts)})" if fetched or failed else "")
    return ", ".join(parts)


def _due(feed: Feed, now: datetime, every: timedelta) -> bool:
    if not feed.last_polled:
        return True
    try:
        return now - datetime.fromisoformat(feed.last_polled) >= every
    except ValueError:
        return True


POLLER_LEASE = "feed-poller"


class FeedPoller:
    """Polls the feeds that are due every `poll_interval_minutes`, on a daemon thread; the
    corpus keeps answering while pages download.

    Of the processes on one corpus (several bot workers, say), only the one holding the poller
    lease polls; the others try for it at each interval, so one takes over when its holder
    stops or dies.
    """

    def __init__(
        self,
        corpus: Corpus,
        feeds: FeedStore,
        fetcher: Fetcher,
        leases: Leases,
        on_report: Callable[[PollReport], None] | None = None,
    ):
        self.corpus = corpus
        self.feeds = feeds
        self.fetcher = fetcher
        self.leases = leases
        self.on_report = on_report
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._waiting_said = False  # that another process polls, logged once

    @property
    def interval(self) -> float:
        return max(self.fetcher.settings.poll_interval_minutes * 60, 0.01)

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="newsbot-feeds", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30) -> None:
        """Ask the thread to stop after the page it is fetching, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.leases.release(POLLER_LEASE)

    def poll_once(self) -> PollReport:
        return poll(self.corpus, self.feeds, self.fetcher, due_only=True, stop=self._stop)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.leases.try_hold(POLLER_LEASE):
                if not self._waiting_said:
                    log.info("another process polls the feeds; this one takes over if it stops")
                    self._waiting_said = True
                self._stop.wait(self.interval)
                continue
            try:
                report = self.poll_once()
                if self.on_report is not None:
                    self.on_report(report)
            except NewsbotError as error:  # expected (another writer, a full disk): one line
                log.warning("feed poll failed: %s", error)
            except Exception:  # a poll must never kill the thread that serves the next one
                log.exception("feed poll failed")
            self._stop.wait(self.interval)
