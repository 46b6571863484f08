"""The writes of an ingest or a reindex, inside the library's open write: passages into the
store (which its indexes follow), with fingerprints, links and the article's versions."""

from __future__ import annotations

from index.embedding import Encoder
from index.linking import link
from index.models import Chunk, Document, IngestReport
from index.preparation import Prepared, SentenceAnnotator, annotate_chunks, embed_chunks
from index.storage.article_store import ArticleStore


def write_documents(
    store: ArticleStore,
    prepared: list[Prepared],
    threshold: float,
    report: IngestReport,
) -> None:
    """Store each document (replacing an older version's passages, and keeping its new text
    as the article's next version) and link its near-duplicates at or above `threshold`. An
    update of the article's details alone keeps its passages and links."""
    for item in prepared:
        article_id = store.upsert_article(item.document, item.content_hash)
        store.set_fingerprints(article_id, item.canonical_url, item.text_hash, item.signature)
        if item.same_passages:
            continue
        store.delete_passages(article_id)
        ids = store.insert_passages(article_id, item.chunks, item.vectors, item.notes)
        report.passages += len(ids)
        keep_version(store, article_id, item.document, item.chunks)
        for other in link(store, article_id, item.signature, threshold):
            report.linked.append((item.document.title, other))


def keep_version(store: ArticleStore, article_id: int, doc: Document, chunks: list[Chunk]) -> None:
    """Record the article's sentences as its next version, unless its last one has them (new
    passages can cut the same sentences differently)."""
    sentences = [c.text[s.start : s.end] for c in chunks for s in c.sentences]
    versions = store.versions(article_id)
    if not versions or list(versions[-1].sentences) != sentences:
        store.record_version(article_id, doc.published, doc.updated, sentences)


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
