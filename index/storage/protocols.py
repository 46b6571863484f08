"""What the library needs of its storage, so that one backend can replace another.

`ArticleStore` (in `index.storage.article_store`) and `FeedStore` keep the source of truth:
articles, their passages and sentence vectors, and the feeds that are followed.
`PassageIndexes` holds what is searched, a `VectorIndex` and a `LexicalIndex` kept in step
with the passages by every write, whichever process makes it. `Leases` lets one process of
several do a job alone (polling feeds).
tests/index/storage/contract.py holds the behaviour every implementation must show.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.errors import NewsbotError
from index.models import Feed, FeedEntryState
from index.storage.article_store import ArticleStore


class StoreError(NewsbotError):
    """The database is missing, corrupt or from a newer newsbot."""


class VectorIndexError(NewsbotError):
    """The vector index file is missing or unreadable."""


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
        self,
        feed_id: int,
        entry: str,
        url: str,
        done: bool,
        error: str | None = None,
        revision: str | None = None,
    ) -> None:
        """Record one attempt at an entry: where it is now (`url`), whether it is done, and
        why not.

        :param revision: what the feed says of the entry now (None: unknown, and the stored
            one is kept); attempts are counted afresh from a new revision.
        """
        ...


class VectorIndex(Protocol):
    """Inner-product search over the passages' unit vectors (the normalised mean of their
    sentence vectors, `index.storage.passages.passage_vectors`), keyed by passage id."""

    def __len__(self) -> int:
        """:returns: how many vectors the index holds."""
        ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:returns: int64 passage ids and float32 scores (inner products) of the `k` nearest
        vectors, best first; fewer when the index holds fewer. Approximate kinds may miss some
        of the exact neighbours."""
        ...


class LexicalIndex(Protocol):
    """Keyword (BM25) search over passage texts, keyed by passage id.

    Texts are analysed by `index.lexical` (stop words out, Snowball stems), the same analysis
    the answer core uses, whatever engine stores them.
    """

    def __len__(self) -> int:
        """:returns: how many passages the index holds."""
        ...

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """:returns: int64 passage ids and float32 scores (higher is better) of the best `k`
        passages sharing a term with the query, best first; none when it shares none."""
        ...


class PassageIndexes(Protocol):
    """The vector and lexical indexes of one article store, in step with its passages.

    They follow the store: passages inserted or deleted inside `writing()` are searched once it
    commits, and not at all if it rolls back; no write calls the indexes itself. A write costs
    about what it changes, not the size of the corpus. A write committed by another process
    (or another `PassageIndexes` on the same store) is seen after `refresh()`. Vectors are as
    wide as the store's meta key `dimension` says, which the write that stores the first ones
    (or changes their model) records. Not thread-safe: the library calls it under its lock.
    """

    @property
    def vectors(self) -> VectorIndex:
        """The vector index as of the last `refresh()` (and this process's own writes)."""
        ...

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index, likewise."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """One atomic write: the article store's `transaction()`, after which the indexes hold
        what it committed; the exception is raised again."""
        ...

    def restart_vectors(self, dimension: int) -> None:
        """Inside `writing()`, before it re-inserts every passage (re-embedded, perhaps by a
        model of another dimension): vectors of `dimension` are indexed from now on."""
        ...

    def refresh(self) -> None:
        """Catch up with what other processes committed; cheap when nothing changed."""
        ...

    def is_empty(self) -> bool:
        """:returns: whether no passage is indexed (as of the last `refresh()`)."""
        ...


class Leases(Protocol):
    """Named jobs that one process at a time may do, among all processes on one corpus."""

    def try_hold(self, name: str) -> bool:
        """Take the lease `name` if no other process holds it; this process keeps it until
        `release` or its end (a crash included), so another can then take it over.

        :returns: whether this process holds it now (true again if it already did).
        """
        ...

    def release(self, name: str) -> None:
        """Give the lease up, if held."""
        ...


@dataclass(frozen=True)
class Storage:
    """Where one corpus is kept, as `index.storage.factory.open_storage` opens it: its articles
    and feeds, the indexes searched over its passages, and its leases, all on one database."""

    articles: ArticleStore
    feeds: FeedStore
    indexes: PassageIndexes
    leases: Leases
