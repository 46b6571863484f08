"""The writes of an ingest or a reindex, inside the library's open transaction: passages into
the store and their vectors into the vector index, in step, with fingerprints and links."""

from __future__ import annotations

import numpy as np

from index.embedding import Encoder
from index.linking import link
from index.models import Chunk, IngestReport
from index.neardup import SignatureIndex
from index.preparation import (
    Prepared,
    SentenceAnnotator,
    annotate_chunks,
    embed_chunks,
    passage_vectors,
)
from index.storage.protocols import ArticleStore, VectorIndex


def write_documents(
    store: ArticleStore,
    vectors: VectorIndex,
    prepared: list[Prepared],
    threshold: float,
    report: IngestReport,
) -> None:
    """Store each document (replacing an older version's passages) and link its near-duplicates
    at or above `threshold`."""
    signatures = SignatureIndex(store.minhashes())
    for item in prepared:
        article_id = store.upsert_article(item.document, item.content_hash)
        vectors.remove(np.asarray(store.delete_passages(article_id), dtype=np.int64))
        ids = store.insert_passages(article_id, item.chunks, item.vectors, item.notes)
        vectors.add(np.asarray(ids, dtype=np.int64), passage_vectors(item.vectors))
        report.passages += len(ids)
        store.set_fingerprints(article_id, item.canonical_url, item.text_hash, item.signature)
        for other in link(store, article_id, item.signature, signatures, threshold):
            report.linked.append((item.document.title, other))


def refresh_article(
    store: ArticleStore,
    vectors: VectorIndex,
    embedder: Encoder,
    annotator: SentenceAnnotator | None,
    article_id: int,
    embed: bool,
) -> None:
    """Refresh the article's notes from `annotator`; with `embed`, re-embed its passages too
    (under new ids, added to `vectors`)."""
    passages = store.article_passages(article_id)
    chunks = [Chunk(p.paragraph, p.text, p.sentences) for p in passages]
    if embed:
        sentence_vectors = embed_chunks(embedder, chunks)
        store.delete_passages(article_id)
        ids = store.insert_passages(
            article_id, chunks, sentence_vectors, annotate_chunks(annotator, chunks)
        )
        vectors.add(np.asarray(ids), passage_vectors(sentence_vectors))
    elif annotator is not None:
        notes = annotate_chunks(annotator, chunks) or []
        for passage, (version, per_sentence) in zip(passages, notes, strict=True):
            store.set_notes(passage.id, version, per_sentence)
