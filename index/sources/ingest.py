"""What sources need of the corpus they feed: whether it holds an article, and to take more.

The library provides it; feeds depend on this, not on the library, so they can be tested and
reused without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from index.models import Document, IngestReport


class Corpus(Protocol):
    def has_article(self, key: str) -> bool:
        """:returns: whether an article is indexed under `key`, or with it as canonical URL."""
        ...

    def ingest(
        self,
        documents: Iterable[Document],
        progress: bool = False,
        also_write: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Index the documents (duplicates and unchanged ones are reported, not indexed).

        :param also_write: runs inside the same transaction, after the documents are written,
            so what it records (a poll's outcome, say) is kept exactly when they are.
        :returns: what was added, updated, skipped or failed, and why.
        """
        ...
