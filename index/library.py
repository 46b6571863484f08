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
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index.chunking import chunk_text
from index.documents import DocumentError, find_files, read_document
from index.embedding import DEFAULT_MODEL, Embedder
from index.lexical import LexicalIndex
from index.models import Article, Chunk, Document, Hit, Passage
from index.retrieval import RetrievalWeights, fuse
from index.store import Store, StoreError
from index.titles import ArticleLookupError, resolve_article
from index.vectors import FaissIndex, VectorIndexError

log = logging.getLogger(__name__)

__all__ = ["ArticleLookupError", "IndexSettings", "IngestReport", "Library", "StoreError"]


@dataclass(frozen=True)
class IndexSettings:
    model: str = DEFAULT_MODEL
    offline: bool = True
    batch_size: int = 64
    chunk_tokens: int = 200
    dense_candidates: int = 50
    lexical_candidates: int = 50
    weights: RetrievalWeights = field(default_factory=RetrievalWeights)


@dataclass
class IngestReport:
    """What one ingest did, for the user to read."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0


@dataclass(frozen=True)
class _Prepared:
    document: Document
    content_hash: str
    chunks: list[Chunk]
    vectors: list[np.ndarray]


class Library:
    """A data folder holding one corpus; open it once and ask it many questions."""

    def __init__(
        self,
        data_dir: Path,
        settings: IndexSettings | None = None,
        embedder: Embedder | None = None,
    ):
        self.data_dir = data_dir
        self.settings = settings or IndexSettings()
        self.embedder = embedder or Embedder(
            self.settings.model, offline=self.settings.offline, batch_size=self.settings.batch_size
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

    def close(self) -> None:
        self.store.close()

    # -- reading ---------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return self.store.passage_count() == 0

    def articles(self) -> list[Article]:
        return self.store.articles()

    def article(self, reference: str) -> Article:
        """The article named by id or by a fuzzy match of its title."""
        return resolve_article(self.store.articles(), reference)

    def article_passages(self, article_id: int) -> list[Passage]:
        return self.store.article_passages(article_id)

    def sentence_vectors(self, passage_ids: Iterable[int]) -> dict[int, np.ndarray]:
        return self.store.sentence_vectors(passage_ids, self._dimension)

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
        report = IngestReport()
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
        self._ingest(documents, report, progress)
        return report

    def ingest(self, documents: Iterable[Document], progress: bool = False) -> IngestReport:
        report = IngestReport()
        self._ingest(list(documents), report, progress)
        return report

    def remove(self, article_id: int) -> None:
        with self._writing():
            vectors = self.vectors  # loaded before the delete, so it matches the database
            removed = self.store.delete_article(article_id)
            vectors.remove(np.asarray(removed, dtype=np.int64))

    def reindex(self, progress: bool = False) -> int:
        """Re-embed every passage (after a model change) and rebuild the derived indexes."""
        with self._writing():
            self._vectors = FaissIndex(self.embedder.dimension)
            articles = self.store.articles()
            for article in tqdm(articles, desc="Embedding", unit="article", disable=not progress):
                passages = self.store.article_passages(article.id)
                chunks = [Chunk(p.paragraph, p.text, p.sentences) for p in passages]
                vectors = self._embed(chunks)
                self.store.delete_passages(article.id)
                ids = self.store.insert_passages(article.id, chunks, vectors)
                self._vectors.add(np.asarray(ids), _passage_vectors(vectors))
            self._record_model()
        return self.store.passage_count()

    def _ingest(self, documents: list[Document], report: IngestReport, progress: bool) -> None:
        self._check_model()
        prepared = []
        documents = _one_per_key(documents, report)
        for doc in tqdm(documents, desc="Embedding", unit="article", disable=not progress):
            digest = _content_hash(doc)
            known = self.store.content_hash(doc.key)
            if known and known[1] == digest:
                report.unchanged.append(doc.title)
                continue
            chunks = chunk_text(doc.text, self.settings.chunk_tokens, self.embedder.count_tokens)
            if not chunks:
                report.failed.append((doc.path or doc.key, f"{doc.title}: no text to index"))
                continue
            prepared.append(_Prepared(doc, digest, chunks, self._embed(chunks)))
            (report.updated if known else report.added).append(doc.title)
        if not prepared:
            return
        with self._writing():
            vectors = self.vectors
            for item in prepared:
                article_id = self.store.upsert_article(item.document, item.content_hash)
                vectors.remove(np.asarray(self.store.delete_passages(article_id), dtype=np.int64))
                ids = self.store.insert_passages(article_id, item.chunks, item.vectors)
                vectors.add(np.asarray(ids, dtype=np.int64), _passage_vectors(item.vectors))
                report.passages += len(ids)
            self._record_model()

    def _embed(self, chunks: list[Chunk]) -> list[np.ndarray]:
        """Sentence vectors of each chunk, encoded in one batch."""
        sentences = [c.text[s.start : s.end] for c in chunks for s in c.sentences]
        flat = self.embedder.encode(sentences)
        bounds = np.cumsum([0] + [len(c.sentences) for c in chunks])
        return [flat[bounds[i] : bounds[i + 1]] for i in range(len(chunks))]

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
            self._loaded = None
            raise
        shutil.rmtree(self._generation_dir(old), ignore_errors=True)

    def _commit_generation(self) -> None:
        """Write derived indexes to a new folder and point the open transaction at it."""
        new = self._generation + 1
        folder = self._generation_dir(new)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.vectors.save(folder / "vectors.faiss")
        self._lexical = LexicalIndex.build(*self.store.all_passage_texts())
        self._lexical.save(folder / "bm25")
        self.store.set_meta("generation", str(new))
        self._loaded = new

    def _refresh(self) -> None:
        """Drop in-memory indexes when another process has committed a newer generation."""
        current = self._generation
        if current != self._loaded:
            self._vectors = self._lexical = None
            self._loaded = current

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
            return FaissIndex(self._dimension)
        try:
            index = FaissIndex.load(path)
            if len(index) == self.store.passage_count():
                return index
            log.warning("vector index %s is out of step with the database; rebuilding it", path)
        except VectorIndexError as error:
            log.warning("%s; rebuilding it from the article database", error)
        index = self._rebuild_vectors()
        _replace_file(path, index.save)
        return index

    def _rebuild_vectors(self) -> FaissIndex:
        index = FaissIndex(self._dimension)
        ids, _ = self.store.all_passage_texts()
        vectors = self.sentence_vectors(ids)
        index.add(np.asarray(ids, dtype=np.int64), _passage_vectors([vectors[i] for i in ids]))
        return index

    def _load_lexical(self) -> LexicalIndex:
        folder = self._generation_dir(self._generation) / "bm25"
        try:
            index = LexicalIndex.load(folder)
            if len(index.ids) == self.store.passage_count():
                return index
        except (OSError, ValueError, json.JSONDecodeError) as error:
            log.warning("BM25 index in %s is unreadable (%s); rebuilding it", folder, error)
        return LexicalIndex.build(*self.store.all_passage_texts())


def _passage_vectors(sentence_vectors: list[np.ndarray]) -> np.ndarray:
    """A passage is embedded as the unit-length mean of its sentences' vectors."""
    means = np.stack([v.mean(axis=0) for v in sentence_vectors])
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)


def _content_hash(doc: Document) -> str:
    fields = [doc.title, doc.text, doc.source, doc.url, doc.published, doc.author]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def _one_per_key(documents: list[Document], report: IngestReport) -> list[Document]:
    """Two files that are one article (same URL) in one ingest: the first is indexed."""
    seen: dict[str, Document] = {}
    for doc in documents:
        if doc.key in seen:
            first = seen[doc.key].path or seen[doc.key].title
            report.failed.append((doc.path or doc.key, f"{doc.path}: same article as {first}"))
        else:
            seen[doc.key] = doc
    return list(seen.values())


def _replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write a derived file beside `path` and swap it in, so a reader never sees half of it."""
    partial = path.with_suffix(path.suffix + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        os.replace(partial, path)
    except OSError as error:  # a read-only data folder still answers, from memory
        log.warning("could not save the rebuilt %s: %s", path.name, error)
