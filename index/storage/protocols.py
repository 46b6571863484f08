"""What the library needs of its storage, so another backend can replace SQLite, FAISS or BM25.

`ArticleStore` and `FeedStore` keep the source of truth: articles, their passages and sentence
vectors, and the feeds that are followed. `VectorIndex` and `LexicalIndex` are derived from the
passages and can always be rebuilt from them; a `VectorIndexBuilder` and a `LexicalIndexBuilder`
make, read and rebuild them. tests/index/storage/contract.py holds the behaviour every
implementation must show.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import NewsbotError
from index.models import (
    Article,
    Chunk,
    Document,
    Feed,
    FeedEntryState,
    Filters,
    Notes,
    Passage,
    Scope,
)


class StoreError(NewsbotError):
    """The database is missing, corrupt or from a newer newsbot."""


class VectorIndexError(NewsbotError):
    """The vector index file is missing or unreadable."""


class ArticleStore(Protocol):
    """Articles, passages, sentence vectors and fingerprints, and a few named settings.

    Every write happens inside `transaction()`. Calls may come from several threads; each call,
    and each transaction as a whole, happens as if alone.

    Each article has a scope (`Document.scope`): None for the shared corpus, else the server or
    workspace it was added in. A lookup that takes a `scope` sees only what a question asked
    there may see ("visible": the shared corpus and that scope's own articles) or, where it
    says so, that scope's articles alone.
    """

    def transaction(self) -> AbstractContextManager[None]:
        """A block whose writes (here and in a `FeedStore` on the same database) are all kept or,
        if it raises, all undone; the exception is raised again."""
        ...

    def close(self) -> None:
        """Close the database; the store (and any `FeedStore` sharing it) is unusable after."""
        ...

    def get_meta(self, key: str) -> str | None:
        """:returns: the value stored under `key` with `set_meta`, or None."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Store `value` under `key`, replacing any value it had."""
        ...

    def content_hash(self, key: str) -> tuple[int, str] | None:
        """:returns: (id, content hash) of the article stored under `key`, or None."""
        ...

    def upsert_article(self, doc: Document, content_hash: str) -> int:
        """Insert the article under `doc.key` (with its scope), or update its metadata if one
        is there; an update keeps the article's scope.

        :returns: its id, which an update keeps.
        """
        ...

    def delete_passages(self, article_id: int) -> list[int]:
        """Delete the article's passages (not the article).

        :returns: the ids they had, in order; [] when it had none or does not exist.
        """
        ...

    def delete_article(self, article_id: int) -> list[int]:
        """Delete the article, its passages and its links.

        :returns: the ids its passages had, in order.
        """
        ...

    def insert_passages(
        self,
        article_id: int,
        chunks: list[Chunk],
        sentence_vectors: list[np.ndarray],
        notes: Notes | None = None,
    ) -> list[int]:
        """Append chunks to the article, each with one vector a sentence and optional notes.

        :param notes: (annotator version, one note a sentence) for each chunk.
        :returns: the new passages' ids, in the chunks' order; ids are never reused.
        """
        ...

    def set_notes(self, passage_id: int, version: str, per_sentence: list[object]) -> None:
        """Replace the passage's notes and the version of the annotator that made them."""
        ...

    def passage_ids(self, article_id: int) -> list[int]:
        """:returns: the article's passage ids in reading order."""
        ...

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        """:returns: the stored passages among `ids`, by id; unknown ids are left out."""
        ...

    def article_passages(self, article_id: int) -> list[Passage]:
        """:returns: the article's passages in reading order; [] for an unknown article."""
        ...

    def sentence_vectors(self, ids: Iterable[int], dimension: int) -> dict[int, np.ndarray]:
        """:returns: float32 (sentences × dimension) vectors of each stored passage among `ids`,
        as stored (half precision may round them)."""
        ...

    def all_passage_texts(self) -> tuple[list[int], list[str]]:
        """:returns: every passage's id and text, in increasing id order."""
        ...

    def passage_count(self) -> int:
        """:returns: how many passages are stored."""
        ...

    def articles(self) -> list[Article]:
        """:returns: every article of every scope with its passage count, in increasing id
        order."""
        ...

    def visible_articles(self, scope: Scope) -> list[Article]:
        """:returns: the articles visible from `scope`, as `articles` gives them."""
        ...

    def visible_passages(
        self, ids: Iterable[int], scope: Scope, filters: Filters | None = None
    ) -> set[int]:
        """:returns: those of the passage `ids` whose articles are visible from `scope` and
        pass `filters` (see `index.models.Filters`)."""
        ...

    def article(self, article_id: int) -> Article | None:
        """:returns: the article with this id and its passage count, or None."""
        ...

    def set_fingerprints(
        self, article_id: int, canonical_url: str | None, text_hash: str, minhash: np.ndarray
    ) -> None:
        """Record what finds the article again: its canonical URL, text hash and MinHash."""
        ...

    def unfingerprinted(self) -> list[int]:
        """:returns: ids of articles stored without fingerprints (before schema 2), in order."""
        ...

    def key_by_canonical_url(self, url: str, scope: Scope) -> str | None:
        """:returns: the key of the first article of `scope` itself (not the shared corpus,
        unless `scope` is None) stored with this canonical URL, or None."""
        ...

    def has_key(self, key: str, scope: Scope) -> bool:
        """:returns: whether an article of `scope` itself is stored under `key`, or with it as
        canonical URL."""
        ...

    def article_by_text_hash(
        self, text_hash: str, scope: Scope, other_than: int | None = None
    ) -> Article | None:
        """:returns: the first article (lowest id) visible from `scope` with this text hash,
        other than `other_than`."""
        ...

    def minhashes(self) -> dict[int, np.ndarray]:
        """:returns: every fingerprinted article's MinHash signature (uint32), by id."""
        ...

    def replace_links(self, article_id: int, similar: list[tuple[int, float]]) -> None:
        """Link the article both ways to each (other id, similarity), dropping its old links."""
        ...

    def linked_articles(self, article_id: int, scope: Scope) -> list[Article]:
        """:returns: the articles linked to this one and visible from `scope`, most similar
        first (then by id)."""
        ...


class FeedStore(Protocol):
    """The followed feeds and what polling did with each entry.

    It shares the article store's database: writes inside `ArticleStore.transaction()` commit or
    roll back with it, and writes outside one are kept at once. Safe to call from several
    threads, as the article store is.
    """

    def add_feed(self, url: str, title: str | None) -> Feed:
        """Follow `url`; following it again changes nothing.

        :returns: the feed as stored (its first title is kept).
        """
        ...

    def feeds(self) -> list[Feed]:
        """:returns: every followed feed in the order they were added, with `entries` the
        number of its entries that are done."""
        ...

    def feed(self, reference: str) -> Feed | None:
        """:returns: the feed with this URL, or this id (as text), or None."""
        ...

    def remove_feed(self, feed_id: int) -> None:
        """Stop following the feed and forget its entries; unknown ids are ignored."""
        ...

    def update_feed(
        self,
        feed_id: int,
        polled_at: str,
        error: str | None,
        title: str | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> None:
        """Record a poll: its time and error (None clears it), a new title if given, and the
        (ETag, Last-Modified) validators only when given."""
        ...

    def feed_entries(self, feed_id: int) -> dict[str, FeedEntryState]:
        """:returns: what polling did with each entry of the feed seen so far, by entry id."""
        ...

    def record_entry(
        self, feed_id: int, entry: str, url: str, done: bool, error: str | None = None
    ) -> None:
        """Record one attempt at an entry: whether it is done now, and why not."""
        ...


class VectorIndex(Protocol):
    """Inner-product search over unit vectors, keyed by passage id."""

    def __len__(self) -> int:
        """:returns: how many vectors the index holds."""
        ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add one vector (a row of `vectors`) for each passage id in `ids`."""
        ...

    def remove(self, ids: np.ndarray) -> None:
        """Remove the vectors of these passage ids; ids it does not hold are ignored."""
        ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:returns: int64 passage ids and float32 scores of the `k` nearest vectors, best
        first; fewer when the index holds fewer."""
        ...

    def save(self, path: Path) -> None:
        """Write the index to `path`, for the builder's `load`.

        :raises OSError: when the file cannot be written.
        """
        ...

    def fits(self) -> bool:
        """:returns: whether the index is still right for its size, or should be rebuilt."""
        ...


class VectorIndexBuilder(Protocol):
    """Makes, reads and rebuilds vector indexes of one kind of backend, under its settings."""

    def empty(self, dimension: int) -> VectorIndex:
        """:returns: an index of `dimension`-wide vectors holding none."""
        ...

    def load(self, path: Path) -> VectorIndex:
        """:returns: the index a `save` wrote to `path`.

        :raises VectorIndexError: when the file is missing or unreadable.
        """
        ...

    def build(self, dimension: int, ids: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        """:returns: a new index holding every row of `vectors` under its id in `ids`, of the
        kind the settings choose for that many."""
        ...


class LexicalIndex(Protocol):
    """Keyword (BM25) search over passage texts, keyed by passage id."""

    def __len__(self) -> int:
        """:returns: how many passages the index holds."""
        ...

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:returns: int64 passage ids and float32 scores of the best `k` passages sharing a
        term with the query, best first; none when it shares none."""
        ...

    def save(self, folder: Path) -> None:
        """Write the index into `folder`, made if missing, for the builder's `load`.

        :raises OSError: when it cannot be written.
        """
        ...


class LexicalIndexBuilder(Protocol):
    """Builds and reads lexical indexes."""

    def build(self, ids: list[int], texts: list[str]) -> LexicalIndex:
        """:returns: an index of each text under its passage id."""
        ...

    def load(self, folder: Path) -> LexicalIndex:
        """:returns: the index a `save` wrote into `folder`.

        :raises OSError: when the folder or a file in it is missing or unreadable.
        :raises ValueError: when a file in it is not what `save` wrote.
        """
        ...
