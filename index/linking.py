"""Near-duplicates: one story reported by two outlets, linked rather than merged.

When an article is written, its MinHash signature is compared with the stored ones and those
at or above the threshold are linked to it both ways, so an answer quotes one copy and says
"also reported by" the others. The store finds them through an index of signature slots
(`ArticleStore.minhash_matches`), which stands for comparing with every signature: an article
that shares no slot estimates 0. Links are made across scopes but read only where both ends
are visible (see `ArticleStore.linked_articles`), and an ingest names only the linked articles
its own scope can see. Articles stored before fingerprints existed (schema 1) are fingerprinted
and linked once, from their stored passages.
"""

from __future__ import annotations

import numpy as np

from index.neardup import minhash, similar, slots_needed, text_fingerprint
from index.sources.urls import canonical_url, is_web
from index.storage.article_store import ArticleStore


def link(
    store: ArticleStore, article_id: int, signature: np.ndarray, threshold: float
) -> list[str]:
    """Link a written article (its fingerprints stored) to its near-duplicates; the titles of
    those it was linked to that its scope can see."""
    store.replace_links(article_id, near_duplicates(store, article_id, signature, threshold))
    article = store.article(article_id)
    scope = article.scope if article else None
    return [other.title for other in store.linked_articles(article_id, scope)]


def near_duplicates(
    store: ArticleStore, article_id: int, signature: np.ndarray, threshold: float
) -> list[tuple[int, float]]:
    """(id, estimated Jaccard) of the other stored articles at or above `threshold`, best
    first."""
    return similar(store.minhash_matches(signature, slots_needed(threshold)), article_id)


def fingerprint_old_articles(store: ArticleStore, threshold: float) -> None:
    """Fingerprint and link articles indexed before schema 2, from their stored passages."""
    missing = store.unfingerprinted()
    if not missing:
        return
    with store.transaction():
        signatures = {}
        for article_id in missing:
            text = "\n\n".join(p.text for p in store.article_passages(article_id))
            article = store.article(article_id)
            url = canonical_url(article.url) if article and is_web(article.url) else None
            signatures[article_id] = minhash(text)
            store.set_fingerprints(article_id, url, text_fingerprint(text), signatures[article_id])
        for article_id, signature in signatures.items():
            found = near_duplicates(store, article_id, signature, threshold)
            store.replace_links(article_id, found)
