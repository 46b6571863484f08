"""The article store: the source of truth for articles, their passages and sentence vectors.

Its protocol, and what a search hands back from it; `index.storage.protocols` holds the other
parts of a backend. tests/index/storage/contract.py holds the behaviour every implementation
must show.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.models import Article, ArticleVersion, Chunk, Document, Filters, Notes, Passage, Scope


@dataclass(frozen=True)
class Candidates:
    """Passages found by a search, with what ranks and quotes them: by passage id, the
    passages and their sentence vectors; by article id, their articles."""

    passages: dict[int, Passage]
    sentence_vectors: dict[int, np.ndarray]
    articles: dict[int, Article]


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

    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]:
        """:returns: each known article's passages in reading order, in one read."""
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

    def any_visible_article(self, scope: Scope, filters: Filters) -> bool:
        """:returns: whether any article is visible from `scope` and passes `filters`: when
        none is, a filtered search can answer at once instead of searching for what fails."""
        ...

    def article(self, article_id: int) -> Article | None:
        """:returns: the article with this id and its passage count, or None."""
        ...

    def articles_by_id(self, article_ids: Iterable[int]) -> dict[int, Article]:
        """:returns: each known article among `article_ids` with its passage count, in one
        read."""
        ...

    def candidates(self, ids: Iterable[int], dimension: int) -> Candidates:
        """What ranking and quoting search results needs, in one read: the stored passages
        among `ids`, their sentence vectors (as `sentence_vectors` gives them) and their
        articles (as `articles_by_id` gives them)."""
        ...

    def record_version(
        self,
        article_id: int,
        published: str | None,
        updated: str | None,
        sentences: list[str],
    ) -> int:
        """Keep the article's next version: its sentences and dates, seen now.

        :returns: its number, one more than the last version's (1 for the first).
        """
        ...

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """:returns: the article's versions, oldest first; [] for an unknown article. An
        article stored before versions were kept has one: its text then."""
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

    def minhash_matches(self, signature: np.ndarray, at_least: int) -> dict[int, int]:
        """Found through an index of the signatures' slots, reading none of them: a write
        costs about the articles that share a slot with its own, not the corpus.

        :returns: by id, on how many slots each fingerprinted article's MinHash signature
            equals `signature`, for those where at least `at_least` (1 or more) do.
        """
        ...

    def replace_links(self, article_id: int, similar: list[tuple[int, float]]) -> None:
        """Link the article both ways to each (other id, similarity), dropping its old links."""
        ...

    def linked_articles(self, article_id: int, scope: Scope) -> list[Article]:
        """:returns: the articles linked to this one and visible from `scope`, most similar
        first (then by id)."""
        ...
