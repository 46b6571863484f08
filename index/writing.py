"""The writes of an ingest or a reindex, inside the library's open write: passages into the
store (which its indexes follow), with fingerprints and links."""

from __future__ import annotations

from index.embedding import Encoder
from index.linking import link
from index.models import Chunk, IngestReport
from index.neardup import SignatureIndex
from index.preparation import Prepared, SentenceAnnotator, annotate_chunks, embed_chunks
from index.storage.protocols import ArticleStore


def write_documents(
    store: ArticleStore,
    prepared: list[Prepared],
    threshold: float,
    report: IngestReport,
) -> None:
    """Store each document (replacing an older version's passages) and link its near-duplicates
    at or above `threshold`."""
    signatures = SignatureIndex(store.minhashes())
    for item in prepared:
        article_id = store.upsert_article(item.document, item.content_hash)
        store.delete_passages(article_id)
        ids = store.insert_passages(article_id, item.chunks, item.vectors, item.notes)
        report.passages += len(ids)
        store.set_fingerprints(article_id, item.canonical_url, item.text_hash, item.signature)
        for other in link(store, article_id, item.signature, signatures, threshold):
            report.linked.append((item.document.title, other))


def refresh_article(
    store: ArticleStore,
    embedder: Encoder,
    annotator: SentenceAnnotator | None,
    article_id: int,
    embed: bool,
) -> None:
    """Refresh the article's notes from `annotator`; with `embed`, re-embed its passages too
    (under new ids)."""
    passages = store.article_passages(article_id)
    chunks = [Chunk(p.paragraph, p.text, p.sentences) for p in passages]
    if embed:
        sentence_vectors = embed_chunks(embedder, chunks)
        store.delete_passages(article_id)
        store.insert_passages(
            article_id, chunks, sentence_vectors, annotate_chunks(annotator, chunks)
        )
    elif annotator is not None:
        notes = annotate_chunks(annotator, chunks) or []
        for passage, (version, per_sentence) in zip(passages, notes, strict=True):
            store.set_notes(passage.id, version, per_sentence)
