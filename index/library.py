"""The corpus as one object: ingest documents, search passages, list and remove articles.

One library holds every scope's articles (see `index.models.Scope`); each read takes the scope
it is asked from and sees only the shared corpus and that scope's own articles.

The library owns its storage (see `index.storage.factory`) and its lock: callers never hold
one. Every read and write takes the lock; an ingest takes it only to decide what is new and to
write, never while pages download or text is chunked and embedded, so a chat bot answers
questions meanwhile. Writes are atomic, and the indexes searched follow them (see
`index.storage.protocols.PassageIndexes`). Other processes may open the same corpus: a write
waits for theirs, a question sees what they committed, and a data folder this process may not
write to opens read-only, answering questions and refusing writes.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
from tqdm import tqdm

from index.embedding import Encoder
from index.linking import fingerprint_old_articles
from index.models import (
    Article,
    ArticleVersion,
    Document,
    Filters,
    Hit,
    IngestReport,
    Passage,
    Scope,
)
from index.planning import plan
from index.preparation import SentenceAnnotator, prepare
from index.retrieval import fuse
from index.settings import IndexSettings
from index.sources.extraction import fetch_articles
from index.sources.fetching import Fetcher
from index.sources.files import read_files
from index.storage.factory import open_storage
from index.storage.protocols import StoreError
from index.storage.sqlite_indexes import SqliteIndexes
from index.storage.vector_cost import KindChoice
from index.titles import resolve_article
from index.writing import refresh_article, write_documents

T = TypeVar("T")
# The most results a search looks through for the visible ones: a passage ranked below this
# many others for a question is not its answer.
MAX_SEARCHED = 2048
# Questions whose vectors are kept: a question searched again (among newer articles, for
# "latest") is not embedded again.
_QUERY_VECTORS = 16


class Library:
    """A data folder holding one corpus; open it once and ask it many questions, from any
    thread."""

    def __init__(
        self,
        data_dir: Path,
        settings: IndexSettings,
        embedder: Encoder,
        annotator: SentenceAnnotator | None = None,
        database_url: str | None = None,
    ):
        """:param database_url: the PostgreSQL database, when `settings.backend` names it."""
        self.data_dir = data_dir
        self.settings = settings
        self.embedder = embedder
        self.annotator = annotator
        self._lock = threading.RLock()
        self._queries: OrderedDict[tuple[int, str], np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        storage = open_storage(data_dir, settings, database_url)
        self.store = storage.articles
        self.feed_store = storage.feeds  # for `index.sources.feeds`, on the same database
        self.indexes = storage.indexes
        self.leases = storage.leases

    def close(self) -> None:
        with self._lock:
            self.store.close()

    # -- reading ---------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self._lock:
            return self.indexes.is_empty()

    def articles(self, scope: Scope = None) -> list[Article]:
        """The articles visible from `scope`: the shared corpus, and that scope's own."""
        with self._lock:
            return self.store.visible_articles(scope)

    def every_article(self) -> list[Article]:
        """Every scope's articles: the operator's view, to find and remove what a chat added."""
        with self._lock:
            return self.store.articles()

    def article(self, reference: str, scope: Scope = None) -> Article:
        """The article visible from `scope` named by id or by a fuzzy match of its title."""
        return resolve_article(self.articles(scope), reference)

    def article_passages(self, article_id: int) -> list[Passage]:
        with self._lock:
            return self.store.article_passages(article_id)

    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]:
        """Each article's passages in reading order (none for an unknown one), in one read."""
        with self._lock:
            return self.store.passages_of_articles(article_ids)

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """The texts the article has had, oldest first; the last is what its passages hold."""
        with self._lock:
            return self.store.versions(article_id)

    def sentence_vectors(self, passage_ids: Iterable[int]) -> dict[int, np.ndarray]:
        with self._lock:
            return self.store.sentence_vectors(passage_ids, self._dimension)

    def also_reported(self, article_id: int, scope: Scope = None) -> list[Article]:
        """Near-duplicates of the article (the same story from other outlets) visible from
        `scope`, closest first."""
        with self._lock:
            return self.store.linked_articles(article_id, scope)

    def vector_kind(self, remeasure: bool = False) -> KindChoice | None:
        """The vector index kind this corpus gets here and why; None when the storage has no
        choice to make (PostgreSQL's pgvector index is always HNSW)."""
        with self._lock:
            self.indexes.refresh()
            if not isinstance(self.indexes, SqliteIndexes):
                return None
            return self.indexes.kind_choice(remeasure)

    def read(self, reading: Callable[[Library], T]) -> T:
        """`reading(library)`, with no write landing between its calls: for a caller whose one
        result takes several reads that must agree (an answer, a summary)."""
        with self._lock:
            return reading(self)

    def has_article(self, key: str) -> bool:
        """Whether the shared corpus holds an article under `key`, or with it as canonical URL."""
        with self._lock:
            return self.store.has_key(key, None)

    def shared_article(self, key: str) -> Article | None:
        """The shared corpus's article under `key`, or whose canonical URL `key` is."""
        with self._lock:
            found = self.store.content_hash(key)
            if found is None:
                known = self.store.key_by_canonical_url(key, None)
                found = self.store.content_hash(known) if known else None
            article = self.store.article(found[0]) if found else None
            return article if article is not None and article.scope is None else None

    def search(
        self, query: str, k: int = 5, scope: Scope = None, filters: Filters | None = None
    ) -> list[Hit]:
        """The `k` best passages for `query` visible from `scope` and passing `filters`,
        fusing dense and BM25 rankings."""
        with self._lock:
            if self.is_empty():
                return []
            if filters not in (None, Filters()) and not self.store.any_visible_article(
                scope, filters
            ):
                return []  # a window no article falls in: nothing to search for
            self._check_model()
        query_vector = self._query_vector(query)  # other calls go on meanwhile
        with self._lock:
            self.indexes.refresh()
            settings = self.settings
            dense = (
                lambda n: self.indexes.vectors.search(query_vector, n),
                settings.dense_candidates,
            )
            lexical = (lambda n: self.indexes.lexical.search(query, n), settings.lexical_candidates)
            (dense_ids, _), (lexical_ids, lexical_scores) = self._visible_tops(
                [dense, lexical], scope, filters
            )
            found = self.store.candidates(
                dict.fromkeys([*dense_ids.tolist(), *lexical_ids.tolist()]), self._dimension
            )
            passages, articles = found.passages, found.articles
            ranked = fuse(
                query_vector,
                found.sentence_vectors,
                dict(zip(lexical_ids.tolist(), lexical_scores.tolist(), strict=True)),
                settings.retrieval,
            )
            best = ranked[:k]
            hits = []
            for scored in best:
                passage = passages[scored.passage_id]
                article = articles[passage.article_id]
                score, dense, lexical = scored.score, scored.dense, scored.lexical
                hits.append(Hit(passage, article, score, dense, lexical, scored.sentence_scores))
            return hits

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's vector, embedded once for the last few questions."""
        key = (id(self.embedder), query)
        with self._queries_lock:
            found = self._queries.get(key)
            if found is not None:
                self._queries.move_to_end(key)
                return found
        vector = self.embedder.encode([query])[0]
        with self._queries_lock:
            self._queries[key] = vector
            while len(self._queries) > _QUERY_VECTORS:
                self._queries.popitem(last=False)
        return vector

    def _visible_tops(
        self,
        searches: list[tuple[Callable[[int], tuple[np.ndarray, np.ndarray]], int]],
        scope: Scope,
        filters: Filters | None = None,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each (search, wanted): the `wanted` best results of `search` visible from
        `scope` and passing `filters`. Other passages are dropped before the cut, and more are
        asked for while they crowd the visible ones out, so another server's uploads (or
        articles outside the dates asked for) do not cost a candidate; but never more than
        `MAX_SEARCHED` (a window that holds no article would otherwise search the whole
        corpus, at every question). One read of what is visible serves every search of a
        round; each round asks for as many as the share found visible so far calls for, and
        each passage is checked once: a window few articles fall in costs two rounds, not one
        per doubling."""
        asked = [wanted for _, wanted in searches]
        found = [search(n) for (search, _), n in zip(searches, asked, strict=True)]
        visible: set[int] = set()
        checked: set[int] = set()
        done: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        while len(done) < len(searches):
            pending = [i for i in range(len(searches)) if i not in done]
            unchecked = {int(p) for i in pending for p in found[i][0].tolist()} - checked
            if unchecked:
                visible |= self.store.visible_passages(unchecked, scope, filters)
                checked |= unchecked
            for i in pending:
                (search, wanted), (ids, scores) = searches[i], found[i]
                keep = np.fromiter((p in visible for p in ids.tolist()), dtype=bool, count=len(ids))
                kept = int(keep.sum())
                if kept >= wanted or len(ids) < asked[i] or asked[i] >= MAX_SEARCHED:
                    done[i] = ids[keep][:wanted], scores[keep][:wanted]
                else:
                    asked[i] = _next_round(asked[i], kept, wanted)
                    found[i] = search(asked[i])
        return [done[i] for i in range(len(searches))]

    # -- writing ---------------------------------------------------------------------------

    def ingest(
        self,
        documents: Iterable[Document],
        progress: bool = False,
        also_write: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Index documents; `also_write` runs inside the same transaction, after them."""
        report = IngestReport()
        self._ingest(list(documents), report, progress, also_write)
        return report

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        """Read and index files and folders; a bad file is reported and skipped, not fatal."""
        report = IngestReport()
        documents, report.failed = read_files(paths)
        self._ingest(documents, report, progress)
        return report

    def ingest_urls(
        self, urls: Iterable[str], fetcher: Fetcher, progress: bool = False, scope: Scope = None
    ) -> IngestReport:
        """Fetch and index web pages into `scope`; a bad URL is reported and skipped, not
        fatal."""
        report = IngestReport()
        pages, report.failed = fetch_articles(fetcher, urls, progress)
        self._ingest([_added_in(scope, page) for page in pages], report, progress)
        return report

    def ingest_sources(
        self, paths: Iterable[Path], urls: Iterable[str], fetcher: Fetcher, progress: bool = False
    ) -> IngestReport:
        """Files, folders and web pages in one atomic write."""
        report = IngestReport()
        documents, report.failed = read_files(paths)
        pages, failed = fetch_articles(fetcher, urls, progress)
        report.failed += failed
        self._ingest(documents + pages, report, progress)
        return report

    def remove(self, article_id: int) -> None:
        with self._lock, self.indexes.writing():
            self.store.delete_article(article_id)

    def needs_embedding(self) -> bool:
        """Whether the stored vectors come from another model than the embedder's."""
        with self._lock:
            stored = self.store.get_meta("model")
        return bool(stored) and stored != self.embedder.name

    def reindex(self, progress: bool = False, embed: bool | None = None) -> int:
        """Refresh every passage's notes, and re-embed it when the model changed (or `embed`).

        Returns the number of passages refreshed.
        """
        embed = self.needs_embedding() if embed is None else embed
        with self._lock, self.indexes.writing():
            if embed:
                self.indexes.restart_vectors(self.embedder.dimension)
            articles = self.store.articles()
            for article in tqdm(articles, desc="Reindexing", unit="article", disable=not progress):
                refresh_article(self.store, self.embedder, self.annotator, article.id, embed)
            if embed:
                self._record_model()
        return self.store.passage_count()

    def _ingest(
        self,
        documents: list[Document],
        report: IngestReport,
        progress: bool,
        also_write: Callable[[], None] | None = None,
    ) -> None:
        """Decide what is new, prepare it, write it. Only the first and last steps hold the
        lock: a long article is chunked and embedded while others read the library."""
        with self._lock:
            self._check_model()
            fingerprint_old_articles(self.store, self.settings.near_duplicate_threshold)
            wanted = plan(self.store, documents, report)
        prepared = prepare(
            wanted, self.embedder, self.annotator, self.settings.chunk_tokens, report, progress
        )
        with self._lock:
            if not prepared:
                if also_write is not None:
                    with self.store.transaction():
                        also_write()
                return
            with self.indexes.writing():
                threshold = self.settings.near_duplicate_threshold
                write_documents(self.store, prepared, threshold, report)
                if also_write is not None:
                    also_write()
                self._record_model()

    # -- the model the vectors come from -----------------------------------------------------

    @cached_property
    def _dimension(self) -> int:
        stored = self.store.get_meta("dimension")
        return int(stored) if stored else self.embedder.dimension

    def _record_model(self) -> None:
        self.store.set_meta("model", self.embedder.name)
        self.store.set_meta("dimension", str(self.embedder.dimension))
        self.__dict__.pop("_dimension", None)

    def _check_model(self) -> None:
        stored = self.store.get_meta("model")
        if stored and stored != self.embedder.name and self.store.passage_count():
            raise StoreError(
                f"the index in {self.data_dir} was built with model {stored!r} but the config "
                f"names {self.embedder.name!r}; run `newsbot reindex` to re-embed it"
            )


def _next_round(asked: int, kept: int, wanted: int) -> int:
    """How many results to ask for when `kept` of `asked` were visible and `wanted` are: at
    that share, with a margin, and at least twice as many; the bound at once when none was
    (a window that holds nothing is the common case, and a round between costs it a search)."""
    if kept == 0:
        return MAX_SEARCHED
    return min(MAX_SEARCHED, max(2 * asked, math.ceil(1.5 * asked * wanted / kept)))


def _added_in(scope: Scope, page: Document) -> Document:
    """A web page fetched for a server or workspace: in its scope, under a key of its own, so
    the shared corpus's copy of the same page (and another scope's) stays apart."""
    return page if scope is None else replace(page, scope=scope, key=f"{scope}:{page.key}")
