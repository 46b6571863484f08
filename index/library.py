"""The corpus as one object: ingest documents, search passages, list and remove articles.

Writes are atomic. SQLite holds articles, passages and sentence vectors; the FAISS and BM25
indexes are derived from it and written to a new generation folder, which becomes current in
the same SQLite transaction that commits the passages. A crash at any point leaves the previous
generation in place and usable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
from tqdm import tqdm

from index.documents import DocumentError, find_files, read_document
from index.embedding import BACKENDS, DEFAULT_MODEL, QUANTIZATIONS, Embedder
from index.lexical import LexicalIndex
from index.models import Article, Chunk, Document, Feed, Hit, IngestReport, Passage
from index.neardup import SignatureIndex, minhash, text_fingerprint
from index.preparation import (
    Prepared,
    SentenceAnnotator,
    Wanted,
    annotate_chunks,
    embed_chunks,
    passage_vectors,
    prepare,
)
from index.retrieval import RetrievalWeights, fuse
from index.store import Store, StoreError
from index.titles import ArticleLookupError, resolve_article
from index.vectors import FaissIndex, VectorIndexError, VectorIndexSettings, build_vector_index
from index.web import Fetcher, WebError, canonical_url, fetch_article

if TYPE_CHECKING:
    from index.feeds import Followed, PollReport

log = logging.getLogger(__name__)

__all__ = ["ArticleLookupError", "IndexSettings", "IngestReport", "Library", "StoreError"]


@dataclass(frozen=True)
class IndexSettings:
    model: str = DEFAULT_MODEL
    offline: bool = True
    batch_size: int = 64
    # How the model runs: "onnx" (an ONNX export made locally once, no torch at run time),
    # "torch" or "openvino"; quantize = "int8" (onnx only) trades a little recall for speed.
    backend: str = "onnx"
    quantize: str = "none"
    chunk_tokens: int = 200
    dense_candidates: int = 50
    lexical_candidates: int = 50
    # Estimated Jaccard similarity of word 5-grams above which two articles are linked as one
    # story reported twice (0.5: about half their 5-grams are shared).
    near_duplicate_threshold: float = 0.5
    # The FAISS index: "auto" is exact (flat) up to flat_max_passages, an HNSW graph up to
    # hnsw_max_passages, then IVF-PQ; "flat", "hnsw" or "ivfpq" forces one kind.
    vector_index: str = "auto"
    flat_max_passages: int = 100_000
    hnsw_max_passages: int = 400_000
    hnsw_ef_search: int = 128
    ivf_nprobe: int = 64
    weights: RetrievalWeights = field(default_factory=RetrievalWeights)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if self.quantize not in QUANTIZATIONS or (
            self.quantize != "none" and self.backend != "onnx"
        ):
            raise ValueError(f'quantize = {self.quantize!r} needs backend = "onnx"')
        _ = self.vector_settings  # raises ValueError for an unknown kind or a bad number

    @property
    def vector_settings(self) -> VectorIndexSettings:
        return VectorIndexSettings(
            kind=self.vector_index,
            flat_max_passages=self.flat_max_passages,
            hnsw_max_passages=self.hnsw_max_passages,
            hnsw_ef_search=self.hnsw_ef_search,
            ivf_nprobe=self.ivf_nprobe,
        )


class Library:
    """A data folder holding one corpus; open it once and ask it many questions."""

    def __init__(
        self,
        data_dir: Path,
        settings: IndexSettings | None = None,
        embedder: Embedder | None = None,
        annotator: SentenceAnnotator | None = None,
    ):
        self.data_dir = data_dir
        self.annotator = annotator
        self.settings = settings or IndexSettings()
        self.embedder = embedder or Embedder(
            self.settings.model,
            offline=self.settings.offline,
            batch_size=self.settings.batch_size,
            backend=self.settings.backend,
            quantize=self.settings.quantize,
        )
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot use {data_dir} as the data folder: {error}") from error
        self.store = Store(data_dir / "newsbot.sqlite3")
        self._remove_stale_generations()
        self._vectors: FaissIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._loaded: int | None = None  # generation the in-memory indexes belong to
        self._passage_count: int | None = None  # of that generation, once counted

    def close(self) -> None:
        self.store.close()

    # -- reading ---------------------------------------------------------------------------

    def is_empty(self) -> bool:
        self._refresh()
        if self._passage_count is None:
            # Counting a million rows takes milliseconds, and every question asks; the count
            # changes only with a new generation, so it is kept with the in-memory indexes.
            self._passage_count = self.store.passage_count()
        return self._passage_count == 0

    def articles(self) -> list[Article]:
        return self.store.articles()

    def article(self, reference: str) -> Article:
        """The article named by id or by a fuzzy match of its title."""
        return resolve_article(self.store.articles(), reference)

    def article_passages(self, article_id: int) -> list[Passage]:
        return self.store.article_passages(article_id)

    def sentence_vectors(self, passage_ids: Iterable[int]) -> dict[int, np.ndarray]:
        return self.store.sentence_vectors(passage_ids, self._dimension)

    def also_reported(self, article_id: int) -> list[Article]:
        """Near-duplicates of the article (the same story from other outlets), closest first."""
        return self.store.linked_articles(article_id)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The `k` best passages for `query`, fusing dense and BM25 rankings."""
        if self.is_empty():
            return []
        self._check_model()
        self._refresh()
        query_vector = self.embedder.encode([query])[0]
        dense_ids, _ = self.vectors.search(query_vector, self.settings.dense_candidates)
        lexical_ids, lexical_scores = self.lexical.search(query, self.settings.lexical_candidates)
        candidates = list(dict.fromkeys([*dense_ids.tolist(), *lexical_ids.tolist()]))
        passages = self.store.passages(candidates)
        ranked = fuse(
            query_vector,
            self.sentence_vectors(candidates),
            dict(zip(lexical_ids.tolist(), lexical_scores.tolist(), strict=True)),
            self.settings.weights,
        )
        articles: dict[int, Article] = {}
        hits = []
        for scored in ranked[:k]:
            passage = passages[scored.passage_id]
            if passage.article_id not in articles:
                articles[passage.article_id] = self.store.article(passage.article_id)  # type: ignore[assignment]
            hits.append(
                Hit(
                    passage,
                    articles[passage.article_id],
                    scored.score,
                    scored.dense,
                    scored.lexical,
                    scored.sentence_scores,
                )
            )
        return hits

    # -- writing ---------------------------------------------------------------------------

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        """Read and index files and folders; a bad file is reported and skipped, not fatal."""
        return self.ingest_sources(paths=paths, progress=progress)

    def ingest_urls(
        self,
        urls: Iterable[str],
        fetcher: Fetcher | None = None,
        progress: bool = False,
        lock: AbstractContextManager[object] | None = None,
    ) -> IngestReport:
        """Fetch and index web pages; a bad URL is reported and skipped, not fatal. `lock`, as
        for `ingest`, is not held while the pages download."""
        return self.ingest_sources(urls=urls, fetcher=fetcher, progress=progress, lock=lock)

    def ingest_sources(
        self,
        paths: Iterable[Path] = (),
        urls: Iterable[str] = (),
        fetcher: Fetcher | None = None,
        progress: bool = False,
        lock: AbstractContextManager[object] | None = None,
    ) -> IngestReport:
        """Files, folders and web pages in one atomic write."""
        report = IngestReport()
        documents = self._read_files(list(paths), report)
        urls = list(urls)
        if urls:
            fetcher = fetcher or Fetcher()
            for url in tqdm(urls, desc="Fetching", unit="page", disable=not progress):
                try:
                    documents.append(fetch_article(fetcher, url))
                except WebError as error:
                    report.failed.append((url, str(error)))
        self._ingest(documents, report, progress, lock=lock)
        return report

    def ingest(
        self,
        documents: Iterable[Document],
        progress: bool = False,
        also_write: Callable[[], None] | None = None,
        lock: AbstractContextManager[object] | None = None,
    ) -> IngestReport:
        """Index documents; `also_write` runs inside the same transaction, after them.

        A server that guards the library with `lock` passes it here: it is held to read and to
        write, not while the documents are chunked and embedded.
        """
        report = IngestReport()
        self._ingest(list(documents), report, progress, also_write, lock)
        return report

    # -- feeds -----------------------------------------------------------------------------
    # Feed polling builds on this class, so index.feeds is imported where it is used.

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def add_feed(self, url: str, fetcher: Fetcher | None = None) -> Followed:
        """Follow a feed after checking that it is one; its entries are indexed when polled."""
        from index.feeds import follow

        return follow(self, url, fetcher or Fetcher())

    def remove_feed(self, reference: str) -> Feed:
        """Stop following the feed with this URL or id; its articles stay indexed."""
        from index.feeds import unfollow

        return unfollow(self, reference)

    def poll_feeds(
        self,
        fetcher: Fetcher | None = None,
        progress: bool = False,
        lock: AbstractContextManager[object] | None = None,
        due_only: bool = False,
        stop: Event | None = None,
    ) -> PollReport:
        """Fetch every followed feed (or those due) and index its new entries."""
        from index.feeds import poll

        return poll(
            self, fetcher or Fetcher(), lock=lock, progress=progress, due_only=due_only, stop=stop
        )

    def remove(self, article_id: int) -> None:
        with self._writing():
            vectors = self.vectors  # loaded before the delete, so it matches the database
            removed = self.store.delete_article(article_id)
            vectors.remove(np.asarray(removed, dtype=np.int64))

    def needs_embedding(self) -> bool:
        """Whether the stored vectors come from another model than the configured one."""
        stored = self.store.get_meta("model")
        return bool(stored) and stored != self.settings.model

    def reindex(self, progress: bool = False, embed: bool | None = None) -> int:
        """Refresh every passage's notes, and re-embed it when the model changed (or `embed`).

        Returns the number of passages refreshed.
        """
        embed = self.needs_embedding() if embed is None else embed
        with self._writing():
            if embed:
                self._vectors = FaissIndex(
                    self.embedder.dimension, settings=self.settings.vector_settings
                )
            articles = self.store.articles()
            for article in tqdm(articles, desc="Reindexing", unit="article", disable=not progress):
                passages = self.store.article_passages(article.id)
                chunks = [Chunk(p.paragraph, p.text, p.sentences) for p in passages]
                if embed:
                    vectors = embed_chunks(self.embedder, chunks)
                    self.store.delete_passages(article.id)
                    ids = self.store.insert_passages(
                        article.id, chunks, vectors, annotate_chunks(self.annotator, chunks)
                    )
                    self._vectors.add(np.asarray(ids), passage_vectors(vectors))
                elif self.annotator is not None:
                    for passage, notes in zip(
                        passages, annotate_chunks(self.annotator, chunks) or [], strict=True
                    ):
                        self.store.set_notes(passage.id, *notes)
            if embed:
                self._record_model()
        return self.store.passage_count()

    def _read_files(self, paths: list[Path], report: IngestReport) -> list[Document]:
        documents = []
        files: list[Path] = []
        for path in paths:
            try:
                files += [f for f in find_files([path]) if f not in files]
            except DocumentError as error:
                report.failed.append((str(path), str(error)))
        for path in files:
            try:
                documents.append(read_document(path))
            except DocumentError as error:
                report.failed.append((str(path), str(error)))
        return documents

    def _ingest(
        self,
        documents: list[Document],
        report: IngestReport,
        progress: bool,
        also_write: Callable[[], None] | None = None,
        lock: AbstractContextManager[object] | None = None,
    ) -> None:
        """Decide what is new, prepare it, write it. With `lock`, only the first and last steps
        hold it: a long article is chunked and embedded while others read the library."""
        lock = lock or nullcontext()
        with lock:
            self._check_model()
            self._fingerprint_old_articles()
            wanted = self._new_documents(documents, report)
        prepared = prepare(
            wanted, self.embedder, self.annotator, self.settings.chunk_tokens, report, progress
        )
        with lock:
            self._write(prepared, report, also_write)

    def _new_documents(self, documents: list[Document], report: IngestReport) -> list[Wanted]:
        """The documents to index; the unchanged and the duplicates are reported and left out."""
        wanted: list[Wanted] = []
        by_text: dict[str, Document] = {}
        for doc in _one_per_key(documents, report):
            doc = self._under_stored_key(doc)
            digest = _content_hash(doc)
            known = self.store.content_hash(doc.key)
            if known and known[1] == digest:
                report.unchanged.append(doc.title)
                continue
            text_hash = text_fingerprint(doc.text)
            twin = self._twin(text_hash, known[0] if known else None, by_text)
            if twin:
                report.skipped.append((_origin(doc), f"{doc.title}: same text as {twin}"))
                continue
            wanted.append(Wanted(doc, digest, bool(known), text_hash))
            by_text[text_hash] = doc
        return wanted

    def _write(
        self,
        prepared: list[Prepared],
        report: IngestReport,
        also_write: Callable[[], None] | None,
    ) -> None:
        if not prepared:
            if also_write is not None:
                with self.store.transaction():
                    also_write()
            return
        with self._writing():
            vectors = self.vectors
            signatures = SignatureIndex(self.store.minhashes())
            for item in prepared:
                article_id = self.store.upsert_article(item.document, item.content_hash)
                vectors.remove(np.asarray(self.store.delete_passages(article_id), dtype=np.int64))
                ids = self.store.insert_passages(article_id, item.chunks, item.vectors, item.notes)
                vectors.add(np.asarray(ids, dtype=np.int64), passage_vectors(item.vectors))
                report.passages += len(ids)
                self.store.set_fingerprints(
                    article_id, _canonical(item.document), item.text_hash, item.signature
                )
                self._link(article_id, item, signatures, report)
            if also_write is not None:
                also_write()
            self._record_model()

    def _under_stored_key(self, doc: Document) -> Document:
        """The document under the key its canonical URL is already stored with, if any."""
        canonical = _canonical(doc)
        stored = self.store.key_by_canonical_url(canonical) if canonical else None
        return replace(doc, key=stored) if stored and stored != doc.key else doc

    def _twin(self, text_hash: str, article_id: int | None, earlier: dict[str, Document]) -> str:
        """How to name an article, stored or earlier in this ingest (by text hash), with the
        same text."""
        stored = self.store.article_by_text_hash(text_hash, other_than=article_id)
        if stored:
            return f"“{stored.title}” (article {stored.id})"
        twin = earlier.get(text_hash)
        return f"“{twin.title}” ({_origin(twin)})" if twin else ""

    def _link(
        self, article_id: int, item: Prepared, signatures: SignatureIndex, report: IngestReport
    ) -> None:
        threshold = self.settings.near_duplicate_threshold
        similar = signatures.similar(item.signature, threshold, exclude=article_id)
        self.store.replace_links(article_id, similar)
        signatures.add(article_id, item.signature)
        for other_id, _ in similar:
            other = self.store.article(other_id)
            if other is not None:
                report.linked.append((item.document.title, other.title))

    def _fingerprint_old_articles(self) -> None:
        """Fingerprint and link articles indexed before schema 2, from their stored passages."""
        missing = self.store.unfingerprinted()
        if not missing:
            return
        with self.store.transaction():
            for article_id in missing:
                text = "\n\n".join(p.text for p in self.store.article_passages(article_id))
                article = self.store.article(article_id)
                url = canonical_url(article.url) if article and _is_web(article.url) else None
                self.store.set_fingerprints(article_id, url, text_fingerprint(text), minhash(text))
            stored = self.store.minhashes()
            signatures = SignatureIndex(stored)
            for article_id in missing:
                similar = signatures.similar(
                    stored[article_id], self.settings.near_duplicate_threshold, article_id
                )
                self.store.replace_links(article_id, similar)

    # -- generations of the derived indexes -------------------------------------------------

    @property
    def _generation(self) -> int:
        return int(self.store.get_meta("generation") or 0)

    def _generation_dir(self, generation: int) -> Path:
        return self.data_dir / "generations" / str(generation)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One atomic write: database changes and a new generation of derived indexes."""
        old = self._generation
        try:
            with self.store.transaction():
                self._refresh()
                yield
                self._commit_generation()
        except BaseException:
            # In-memory indexes may hold the rolled-back changes: reload them from disk.
            self._vectors = self._lexical = None
            self._loaded = self._passage_count = None
            raise
        shutil.rmtree(self._generation_dir(old), ignore_errors=True)

    def _commit_generation(self) -> None:
        """Write derived indexes to a new folder and point the open transaction at it."""
        new = self._generation + 1
        folder = self._generation_dir(new)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if not self.vectors.fits(self.settings.vector_settings):
            # The corpus outgrew its index kind (or the config names another): rebuild it.
            self._vectors = self._rebuild_vectors()
        self.vectors.save(folder / "vectors.faiss")
        self._lexical = LexicalIndex.build(*self.store.all_passage_texts())
        self._lexical.save(folder / "bm25")
        self.store.set_meta("generation", str(new))
        self._loaded = new
        self._passage_count = None

    def _refresh(self) -> None:
        """Drop in-memory indexes when another process has committed a newer generation."""
        current = self._generation
        if current != self._loaded:
            self._vectors = self._lexical = None
            self._loaded = current
            self._passage_count = None

    def _remove_stale_generations(self) -> None:
        """Folders left by a write that crashed before its commit."""
        current = str(self._generation)
        for folder in (self.data_dir / "generations").glob("*"):
            if folder.name != current:
                shutil.rmtree(folder, ignore_errors=True)

    @cached_property
    def _dimension(self) -> int:
        stored = self.store.get_meta("dimension")
        return int(stored) if stored else self.embedder.dimension

    def _record_model(self) -> None:
        self.store.set_meta("model", self.settings.model)
        self.store.set_meta("dimension", str(self.embedder.dimension))
        self.__dict__.pop("_dimension", None)

    def _check_model(self) -> None:
        stored = self.store.get_meta("model")
        if stored and stored != self.settings.model and self.store.passage_count():
            raise StoreError(
                f"the index in {self.data_dir} was built with model {stored!r} but the config "
                f"names {self.settings.model!r}; run `newsbot reindex` to re-embed it"
            )

    @property
    def vectors(self) -> FaissIndex:
        if self._vectors is None:
            self._vectors = self._load_vectors()
        return self._vectors

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = self._load_lexical()
        return self._lexical

    def _load_vectors(self) -> FaissIndex:
        path = self._generation_dir(self._generation) / "vectors.faiss"
        if self.store.passage_count() == 0:
            return FaissIndex(self._dimension, settings=self.settings.vector_settings)
        try:
            index = FaissIndex.load(path, self.settings.vector_settings)
            if len(index) == self.store.passage_count():
                return index
            log.warning("vector index %s is out of step with the database; rebuilding it", path)
        except VectorIndexError as error:
            log.warning("%s; rebuilding it from the article database", error)
        index = self._rebuild_vectors()
        _replace_file(path, index.save)
        return index

    def _rebuild_vectors(self) -> FaissIndex:
        """The vector index of the kind the settings choose, from the stored sentence vectors."""
        ids, _ = self.store.all_passage_texts()
        means = np.zeros((len(ids), self._dimension), dtype=np.float32)
        for start in range(0, len(ids), 10_000):  # SQLite caps the parameters of one query
            batch = ids[start : start + 10_000]
            vectors = self.sentence_vectors(batch)
            means[start : start + len(batch)] = passage_vectors([vectors[i] for i in batch])
        return build_vector_index(
            self._dimension, np.asarray(ids, dtype=np.int64), means, self.settings.vector_settings
        )

    def _load_lexical(self) -> LexicalIndex:
        folder = self._generation_dir(self._generation) / "bm25"
        try:
            index = LexicalIndex.load(folder)
            if len(index.ids) == self.store.passage_count():
                return index
        except (OSError, ValueError, json.JSONDecodeError) as error:
            log.warning("BM25 index in %s is unreadable (%s); rebuilding it", folder, error)
        return LexicalIndex.build(*self.store.all_passage_texts())


def _content_hash(doc: Document) -> str:
    fields = [doc.title, doc.text, doc.source, doc.url, doc.published, doc.author]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def _one_per_key(documents: list[Document], report: IngestReport) -> list[Document]:
    """Two files or pages that are one article (same URL) in one ingest: the first is indexed.

    Two files claiming one URL are a mistake to fix; two pages naming one canonical URL (an
    article and its AMP or tracking-tagged copy) are one article found twice.
    """
    seen: dict[str, Document] = {}
    for doc in documents:
        if doc.key not in seen:
            seen[doc.key] = doc
        elif doc.path:
            first = seen[doc.key].path or seen[doc.key].title
            report.failed.append((doc.path, f"{doc.path}: same article as {first}"))
        else:
            report.skipped.append((_origin(doc), f"{doc.title}: same article as {doc.key}"))
    return list(seen.values())


def _origin(doc: Document) -> str:
    return doc.path or doc.url or doc.key


def _is_web(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme.lower() in ("http", "https")


def _canonical(doc: Document) -> str | None:
    return canonical_url(doc.url) if doc.url and _is_web(doc.url) else None


def _replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write a derived file beside `path` and swap it in, so a reader never sees half of it."""
    partial = path.with_suffix(path.suffix + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        os.replace(partial, path)
    except OSError as error:  # a read-only data folder still answers, from memory
        log.warning("could not save the rebuilt %s: %s", path.name, error)
