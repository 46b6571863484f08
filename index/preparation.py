"""What an ingest works out before it writes: passages, their sentences' notes and vectors.

Nothing here reads or writes the store, so the library does it without holding its lock: a
long article is chunked and embedded while questions are answered (see `Library.ingest`). An
update whose passages come out as they are stored (only its dates or other details changed)
is neither embedded nor annotated again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from tqdm import tqdm

from index.chunking import chunk_text
from index.embedding import Encoder
from index.models import Chunk, Document, IngestReport, Notes
from index.neardup import minhash
from index.planning import Wanted

# Sentences gathered from several documents before one encode call.
EMBED_SENTENCES = 512


class SentenceAnnotator(Protocol):
    """Something said of every sentence at ingest (the answer core's hedge cues), stored so
    answering needs no model work. `version` changes when what it would say changes."""

    version: str

    def __call__(self, sentences: list[str]) -> list[object]: ...


@dataclass(frozen=True)
class Prepared:
    """A document ready to be written."""

    document: Document
    content_hash: str
    chunks: list[Chunk]
    vectors: list[np.ndarray]  # each chunk's sentence vectors
    text_hash: str
    canonical_url: str | None
    signature: np.ndarray
    notes: Notes | None = None
    same_passages: bool = False  # an update of the article's details, not of its words


def prepare(
    wanted: list[Wanted],
    embedder: Encoder,
    annotator: SentenceAnnotator | None,
    chunk_tokens: int,
    report: IngestReport,
    progress: bool = False,
) -> list[Prepared]:
    """Chunks, notes and vectors of each document; a document with no text is reported."""
    prepared: list[Prepared] = []
    pending: list[Prepared] = []  # chunked, waiting to be encoded with other documents
    waiting = 0  # sentences in `pending`
    for item in tqdm(wanted, desc="Embedding", unit="article", disable=not progress):
        doc = item.document
        chunks = chunk_text(doc.text, chunk_tokens, embedder.count_tokens)
        if not chunks:
            report.failed.append((doc.path or doc.key, f"{doc.title}: no text to index"))
            continue
        (report.updated if item.stored else report.added).append(doc.title)
        ready = Prepared(
            doc,
            item.content_hash,
            chunks,
            [],  # encoded below, together with other documents' sentences
            item.text_hash,
            item.canonical_url,
            minhash(doc.text),
        )
        if item.stored and tuple(chunks) == item.stored_chunks:
            prepared.append(replace(ready, same_passages=True))
            continue
        pending.append(replace(ready, notes=annotate_chunks(annotator, chunks)))
        waiting += sum(len(c.sentences) for c in chunks)
        if waiting >= EMBED_SENTENCES:
            prepared += _embed_together(embedder, pending)
            pending, waiting = [], 0
    return prepared + _embed_together(embedder, pending)


def annotate_chunks(annotator: SentenceAnnotator | None, chunks: list[Chunk]) -> Notes | None:
    if annotator is None:
        return None
    return [
        (annotator.version, annotator([c.text[s.start : s.end] for s in c.sentences]))
        for c in chunks
    ]


def embed_chunks(embedder: Encoder, chunks: list[Chunk]) -> list[np.ndarray]:
    """Sentence vectors of each chunk, encoded in one call."""
    sentences = [c.text[s.start : s.end] for c in chunks for s in c.sentences]
    flat = embedder.encode(sentences)
    bounds = np.cumsum([0] + [len(c.sentences) for c in chunks])
    return [flat[bounds[i] : bounds[i + 1]] for i in range(len(chunks))]


def _embed_together(embedder: Encoder, pending: list[Prepared]) -> list[Prepared]:
    """Encode several documents' sentences in one call: a short article alone would fill
    a fraction of a batch, and the encoder sorts sentences by length across all of them."""
    if not pending:
        return []
    vectors = embed_chunks(embedder, [chunk for item in pending for chunk in item.chunks])
    encoded, start = [], 0
    for item in pending:
        encoded.append(replace(item, vectors=vectors[start : start + len(item.chunks)]))
        start += len(item.chunks)
    return encoded
