"""Near-duplicates: one story reported by two outlets, linked rather than merged.

When an article is written, its MinHash signature is compared with every stored one, and those
at or above the threshold are linked to it both ways, so an answer quotes one copy and says
"also reported by" the others. Links are made across scopes but read only where both ends are
visible (see `ArticleStore.linked_articles`), and an ingest names only the linked articles its
own scope can see. Articles stored before fingerprints existed (schema 1) are
fingerprinted and linked once, from their stored passages.
"""

from __future__ import annotations

import numpy as np

from index.neardup import SignatureIndex, minhash, text_fingerprint
from index.sources.urls import canonical_url, is_web
from index.storage.protocols import ArticleStore


def link(
    store: ArticleStore,
    article_id: int,
    signature: np.ndarray,
    signatures: SignatureIndex,
    threshold: float,
) -> list[str]:
    """Link a written article to its near-duplicates (and add it to `signatures`, for the next
    article of the same write); the titles of those it was linked to that its scope can see."""
    similar = signatures.similar(signature, threshold, exclude=article_id)
    store.replace_links(article_id, similar)
    signatures.add(article_id, signature)
    article = store.article(article_id)
    scope = article.scope if article else None
    return [other.title for other in store.linked_articles(article_id, scope)]


def fingerprint_old_articles(store: ArticleStore, threshold: float) -> None:
    """Fingerprint and link articles indexed before schema 2, from their stored passages."""
    missing = store.unfingerprinted()
    if not missing:
        return
    with store.transaction():
        for article_id in missing:
            text = "\n\n".join(p.text for p in store.article_passages(article_id))
            article = store.article(article_id)
            url = canonical_url(article.url) if article and is_web(article.url) else None
            store.set_fingerprints(article_id, url, text_fingerprint(text), minhash(text))
        stored = store.minhashes()
        signatures = SignatureIndex(stored)
        for article_id in missing:
            similar = signatures.similar(stored[article_id], threshold, article_id)
            store.replace_links(article_id, similar)
