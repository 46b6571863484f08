"""The one object every front end holds: the corpus loaded once, safe to call from threads.

The terminal, Slack and Discord all reach the answer core and the index through `NewsService`,
so each front end only translates its requests and replies.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.config import Config
from bot.core.answer import ask, reader_for
from bot.core.hedges.stored import CueAnnotator
from bot.core.models import Answer, Summary
from bot.core.summary import summarize
from index.embedding import Embedder
from index.library import Library
from index.models import Article, Document, Feed, IngestReport
from index.sources.feeds import FeedPoller, Followed, PollReport, follow, poll, unfollow
from index.sources.fetching import Fetcher
from index.sources.files import DocumentError, uploaded_document

_URL = re.compile(r"https?://\S+", re.I)


def open_library(
    config: Config, seed: bool = True, progress: bool = False
) -> tuple[Library, IngestReport | None]:
    """The configured index; when `seed` and it is empty, the seed corpus is indexed first."""
    library = Library(
        config.data_dir, config.index, Embedder(config.embedding), annotator=CueAnnotator()
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

    def warm_up(self) -> None:
        """Load the model, the reader and the indexes now, so the first question is not the
        slow one and a broken install fails at start, not at the first question."""
        reader_for(self.config.answer)
        self.library.search("warm up", k=1)

    def ask(self, question: str) -> Answer:
        return self.library.read(lambda library: ask(library, question, self.config.answer))

    def summarize(self, reference: str, sentences: int | None = None) -> Summary:
        return self.library.read(
            lambda library: summarize(
                library,
                library.article(reference),
                sentences or self.config.summary_sentences,
                dict(self.config.answer.source_ratings),
            )
        )

    def sources(self) -> list[Article]:
        return self.library.articles()

    def titles_matching(self, typed: str, limit: int = 25) -> list[Article]:
        """Articles whose title contains what the user has typed so far (for autocomplete)."""
        wanted = typed.casefold().strip()
        return [a for a in self.sources() if wanted in a.title.casefold()][:limit]

    def ingest(self, content: str, submitted_by: str) -> IngestReport:
        """What an admin's chat `/ingest` hands over: a URL, or article text titled by line one."""
        url = content.strip()
        if _URL.fullmatch(url):
            return self.ingest_url(url)
        return self.ingest_text(content, submitted_by=submitted_by)

    def ingest_url(self, url: str) -> IngestReport:
        """Fetch a web page and index it; questions are answered while the page downloads."""
        return self.library.ingest_urls([url], self._fetcher())

    def ingest_text(
        self,
        text: str,
        title: str | None = None,
        source: str | None = None,
        submitted_by: str = "chat",
    ) -> IngestReport:
        """Index text pasted into a chat; its first line is the title unless one is given."""
        body = text.strip()
        if not body:
            report = IngestReport()
            report.failed.append(("", "there is no text to index"))
            return report
        first, _, rest = body.partition("\n")
        heading = title or first.strip()[:200]
        document = Document(
            # The same text sent twice, by anyone, is one article.
            key="chat:" + hashlib.sha256(body.encode()).hexdigest()[:16],
            title=heading,
            text=(rest.strip() or first) if title is None else body,
            source=source,
        )
        return self.library.ingest([document])

    def ingest_upload(self, filename: str, data: bytes, title: str | None = None) -> IngestReport:
        """Index an article file sent through a chat (.txt, .md or .html, as on disk)."""
        report = IngestReport()
        limit = self.config.web.max_bytes
        try:
            if len(data) > limit:
                raise DocumentError(f"{filename}: larger than {limit:,} bytes")
            document = uploaded_document(filename, data)
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

    def remove(self, reference: str) -> Article:
        """Remove the article named by id or part of its title, and its passages."""
        article = self.library.article(reference)
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
        """Poll followed feeds in the background while the bot serves."""
        self._poller = FeedPoller(self.library, self.library.feed_store, self._fetcher())
        self._poller.start()

    def close(self) -> None:
        if self._poller is not None:
            self._poller.stop()
        self.library.close()

    def _fetcher(self) -> Fetcher:
        return Fetcher(self.config.web)
