"""The one object every front end holds: the corpus loaded once, safe to call from threads.

The terminal, Slack and Discord all reach the answer core and the index through `NewsService`,
so each front end only translates its requests and replies. Chat front ends pass the scope a
request comes from (see `index.models.Scope`), and who adds text (`Contributor`); the terminal
uses the shared corpus.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from bot.channels.delivery import DeliveryLoop, Poster
from bot.channels.manage import Channels
from bot.config import Config
from bot.core import caveats
from bot.core.answer import ask, reader_for
from bot.core.conflicts.stance import default_stance_model
from bot.core.hedges.stored import CueAnnotator
from bot.core.models import Answer, Summary
from bot.core.preferred import OneArticle
from bot.core.summary import summarize
from bot.core.timewords import time_words
from index.embedding import Embedder
from index.library import Library
from index.models import Article, Contributor, Feed, Filters, IngestReport, Scope
from index.revisions import Change, history
from index.sources.chat import chat_document
from index.sources.feeds import FeedPoller, Followed, PollReport, follow, poll, unfollow
from index.sources.fetching import Fetcher
from index.sources.files import DocumentError, uploaded_document
from index.titles import resolve_article
from index.tuning import Tuning, tuning

log = logging.getLogger(__name__)
_URL = re.compile(r"https?://\S+", re.I)
# What a chat is told of a link that failed; why (a resolved address, say) goes to the log.
COULD_NOT_FETCH = "could not be fetched"


def member_of(scope: str, user: str, community: str) -> Contributor:
    """A member of a server or workspace adding text there: it is answered there alone."""
    return Contributor(scope, user, caveats.member_of(community))


def newsbot_admin(user: str) -> Contributor:
    """One of newsbot's configured admins adding text outside any server: it is shared."""
    return Contributor(None, user, caveats.ADDED_BY_ADMIN)


def open_library(
    config: Config, seed: bool = True, progress: bool = False
) -> tuple[Library, IngestReport | None]:
    """The configured index; when `seed` and it is empty, the seed corpus is indexed first."""
    library = Library(
        config.data_dir,
        config.index,
        Embedder(config.embedding),
        annotator=CueAnnotator(),
        database_url=config.database_url,
    )
    report = None
    if seed and library.is_empty() and config.seeds_dir.is_dir():
        report = library.ingest_paths([config.seeds_dir], progress=progress)
    return library, report


@dataclass(frozen=True)
class Reindexed:
    """What a reindex did: how many passages it refreshed, and whether it re-embedded them."""

    passages: int
    embedded: bool


class NewsService:
    """Answers, summaries, sources, ingest and feeds over one library, from any thread.

    Chat front ends run handlers on worker threads. The library guards itself: an answer or a
    summary reads it as one `Library.read` (a few milliseconds once the model is warm), and an
    ingest holds it only to read and to write, so questions are answered while pages download
    and articles are embedded.
    """

    def __init__(self, config: Config, library: Library | None = None):
        self.config = config
        self.library = library or open_library(config)[0]
        self._poller: FeedPoller | None = None
        self._posts: DeliveryLoop | None = None

    def warm_up(self) -> None:
        """Load the model, the reader and the indexes now, so the first question is not the
        slow one and a broken install fails at start, not at the first question."""
        reader_for(self.config.answer)
        default_stance_model()
        self.library.search("warm up", k=1)
        time_words("since 3 April 2017", self.config.now())  # dateparser loads its data once

    def tuning(self, remeasure: bool = False) -> Tuning:
        """The encoder backend and vector index kind chosen for this machine, and why."""
        return tuning(self.library, remeasure)

    def ask(self, question: str, scope: Scope = None, filters: Filters | None = None) -> Answer:
        """The answer from the shared corpus and `scope`'s own articles that pass `filters`,
        with the question's time words read as of now."""
        settings, now = self.config.answer, self.config.now()
        return self.library.read(
            lambda library: ask(library, question, settings, scope=scope, filters=filters, now=now)
        )

    def ask_within(
        self, question: str, article_id: int, scope: Scope = None, filters: Filters | None = None
    ) -> Answer:
        """The answer from one article alone: a follow-up asks the article it follows first."""
        settings, now = self.config.answer, self.config.now()
        return self.library.read(
            lambda library: ask(
                OneArticle(library, article_id),
                question,
                settings,
                scope=scope,
                filters=filters,
                now=now,
            )
        )

    def compare(self, question: str, scope: Scope = None, filters: Filters | None = None) -> Answer:
        """What each article says about the question, one quote an article, the newest first,
        with where they disagree."""
        settings, now = self.config.answer, self.config.now()
        return self.library.read(
            lambda library: ask(
                library, question, settings, scope=scope, filters=filters, now=now, compare=True
            )
        )

    def summarize(
        self, reference: str, sentences: int | None = None, scope: Scope = None
    ) -> Summary:
        """A summary of the article, among those visible from `scope`, named by `reference`."""
        return self.library.read(
            lambda library: summarize(
                library,
                library.article(reference, scope),
                sentences or self.config.summary_sentences,
                dict(self.config.answer.source_ratings),
            )
        )

    def history(self, reference: str, scope: Scope = None) -> tuple[Article, list[Change]]:
        """The article, among those visible from `scope`, named by `reference`, and what each
        of its versions changed, oldest first."""

        def read(library: Library) -> tuple[Article, list[Change]]:
            article = library.article(reference, scope)
            return article, history(library.versions(article.id))

        return self.library.read(read)

    def sources(self, scope: Scope = None) -> list[Article]:
        """The articles visible from `scope`: the shared corpus, and that scope's own."""
        return self.library.articles(scope)

    def titles_matching(self, typed: str, limit: int = 25, scope: Scope = None) -> list[Article]:
        """Articles visible from `scope` whose title contains what the user has typed so far
        (for autocomplete)."""
        wanted = typed.casefold().strip()
        return [a for a in self.sources(scope) if wanted in a.title.casefold()][:limit]

    def outlets_matching(self, typed: str, limit: int = 25, scope: Scope = None) -> list[str]:
        """The outlets of articles visible from `scope` whose name contains what the user has
        typed so far (for autocomplete), in alphabetical order."""
        wanted = typed.casefold().strip()
        named = {a.source for a in self.sources(scope) if a.source}
        return sorted((s for s in named if wanted in s.casefold()), key=str.casefold)[:limit]

    def ingest(self, content: str, contributor: Contributor) -> IngestReport:
        """What an admin's chat `/ingest` hands over: a URL, or article text titled by line one."""
        url = content.strip()
        if _URL.fullmatch(url):
            return self.ingest_url(url, contributor.scope)
        return self.ingest_text(content, contributor)

    def ingest_url(self, url: str, scope: Scope = None) -> IngestReport:
        """Fetch a web page given in a chat and index it into `scope`; questions are answered
        while the page downloads. Why a page could not be fetched is logged, not told: it can
        name the addresses a host resolves to inside newsbot's network."""
        report = self.library.ingest_urls([url], self._fetcher(), scope=scope)
        for _, why in report.failed:
            log.warning("could not fetch a link given in %s: %s", scope or "a chat", why)
        report.failed = [(failed, f"{failed}: {COULD_NOT_FETCH}") for failed, _ in report.failed]
        return report

    def ingest_text(
        self, text: str, contributor: Contributor, title: str | None = None
    ) -> IngestReport:
        """Index text pasted into a chat; its first line is the title unless one is given."""
        body = text.strip()
        if not body:
            report = IngestReport()
            report.failed.append(("", "there is no text to index"))
            return report
        first, _, rest = body.partition("\n")
        heading = title or first.strip()[:200]
        words = (rest.strip() or first) if title is None else body
        return self.library.ingest([chat_document(heading, words, contributor)])

    def ingest_upload(
        self, filename: str, data: bytes, contributor: Contributor, title: str | None = None
    ) -> IngestReport:
        """Index an article file sent through a chat (.txt, .md or .html, read as on disk, but
        as the contributor's text: what it says of its own URL or outlet is left out)."""
        report = IngestReport()
        limit = self.config.web.max_bytes
        try:
            if len(data) > limit:
                raise DocumentError(f"{filename}: larger than {limit:,} bytes")
            document = uploaded_document(filename, data, contributor)
        except DocumentError as error:
            report.failed.append((filename, str(error)))
            return report
        titled = replace(document, title=title or document.title)
        return self.library.ingest([titled])

    def ingest_sources(
        self, paths: Iterable[Path], urls: Iterable[str], progress: bool = False
    ) -> IngestReport:
        """Index files, folders and web pages in one write; questions are answered meanwhile."""
        return self.library.ingest_sources(paths, urls, self._fetcher(), progress=progress)

    def every_source(self) -> list[Article]:
        """Every scope's articles, for the operator (the CLI's `sources --all`)."""
        return self.library.every_article()

    def remove(self, reference: str) -> Article:
        """Remove the article named by id or part of its title, and its passages. The operator
        may remove any scope's article (one a chat added, say), so every scope is searched."""
        article = resolve_article(self.library.every_article(), reference)
        self.library.remove(article.id)
        return article

    def reindex(self, embed: bool = False, progress: bool = False) -> Reindexed:
        """Refresh stored hedge cues; re-embed too when asked or when the model changed."""
        embedding = embed or self.library.needs_embedding()
        count = self.library.reindex(progress=progress, embed=embedding)
        return Reindexed(count, embedding)

    def feeds(self) -> list[Feed]:
        return self.library.feed_store.feeds()

    def add_feed(self, url: str) -> Followed:
        """Follow the feed at `url` once it is fetched and found to be one."""
        return follow(self.library.feed_store, url, self._fetcher())

    def remove_feed(self, reference: str) -> Feed:
        return unfollow(self.library.feed_store, reference)

    def poll_feeds(self, progress: bool = False) -> PollReport:
        """Poll every followed feed once now and index its new entries."""
        return poll(self.library, self.library.feed_store, self._fetcher(), progress=progress)

    def start_feed_polling(self) -> None:
        """Poll followed feeds in the background while the bot serves; after each poll, the
        channel posts (when started) go out at once."""
        self._poller = FeedPoller(
            self.library,
            self.library.feed_store,
            self._fetcher(),
            self.library.leases,
            self._polled,
        )
        self._poller.start()

    def start_channel_posts(self, poster: Poster) -> None:
        """Post followed feeds' new articles, alerts and digests through `poster` while the
        bot serves."""
        every = self.channels.settings.check_interval_seconds
        self._posts = DeliveryLoop(self.channels.courier(poster), self.library.leases, every)
        self._posts.start()

    def _polled(self, report: PollReport) -> None:
        if self._posts is not None:
            self._posts.poke()

    @cached_property
    def channels(self) -> Channels:
        """The feeds, alerts and digests chats follow, opened at first use."""
        return Channels(self.config, self.library, self._fetcher)

    def close(self) -> None:
        if self._posts is not None:
            self._posts.stop()
        if self._poller is not None:
            self._poller.stop()
        if "channels" in self.__dict__:
            self.channels.close()
        self.library.close()

    def _fetcher(self) -> Fetcher:
        return Fetcher(self.config.web)
