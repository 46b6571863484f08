"""What an ingest indexes: new and changed documents, not the unchanged ones or the duplicates.

One article can arrive twice: under one key (two files claiming one URL), under a canonical URL
already stored (a page and its AMP or tracking-tagged copy), or with the same words (one story
copied to another host). The first copy is indexed; the others are reported and left out.
Duplicates are looked for only where the document's scope can see (the shared corpus and its
own scope), so another server's articles are neither named nor taken over. A stored article
comes with its passages, so that preparing it can tell new words from new dates. Nothing here
writes, and nothing here embeds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from index.models import Chunk, Document, IngestReport
from index.neardup import text_fingerprint
from index.sources.urls import canonical_url, is_web
from index.storage.article_store import ArticleStore


@dataclass(frozen=True)
class Wanted:
    """A document the store does not hold as it is now."""

    document: Document
    content_hash: str
    stored: bool  # an update of an article already indexed
    text_hash: str
    canonical_url: str | None  # its web address as a key, when it has one
    stored_chunks: tuple[Chunk, ...] = ()  # an update's passages as they are stored


def plan(store: ArticleStore, documents: list[Document], report: IngestReport) -> list[Wanted]:
    """The documents to index; the unchanged and the duplicates are reported and left out."""
    wanted: list[Wanted] = []
    by_text: dict[tuple[str | None, str], Document] = {}
    for doc in _one_per_key(documents, report):
        canonical = canonical_url(doc.url) if doc.url and is_web(doc.url) else None
        doc = _under_stored_key(store, doc, canonical)
        digest = _content_hash(doc)
        known = store.content_hash(doc.key)
        if known and known[1] == digest:
            report.unchanged.append(doc.title)
            continue
        text_hash = text_fingerprint(doc.text)
        twin = _twin(store, doc, text_hash, known[0] if known else None, by_text)
        if twin:
            report.skipped.append((_origin(doc), f"{doc.title}: same text as {twin}"))
            continue
        stored = _stored_chunks(store, known[0]) if known else ()
        wanted.append(Wanted(doc, digest, bool(known), text_hash, canonical, stored))
        by_text[doc.scope, text_hash] = doc
    return wanted


def _one_per_key(documents: list[Document], report: IngestReport) -> list[Document]:
    """Two files or pages that are one article (same URL) in one ingest: the first is indexed.

    Two files claiming one URL are a mistake to fix; two pages naming one canonical URL (an
    article and its AMP or tracking-tagged copy) are one article found twice.
    """
    seen: dict[str, Document] = {}
    for doc in documents:
        if doc.key not in seen:
            seen[doc.key] = doc
        elif doc.path:
            first = seen[doc.key].path or seen[doc.key].title
            report.failed.append((doc.path, f"{doc.path}: same article as {first}"))
        else:
            report.skipped.append((_origin(doc), f"{doc.title}: same article as {doc.key}"))
    return list(seen.values())


def _under_stored_key(store: ArticleStore, doc: Document, canonical: str | None) -> Document:
    """The document under the key its canonical URL is already stored with in its own scope,
    if any."""
    stored = store.key_by_canonical_url(canonical, doc.scope) if canonical else None
    return replace(doc, key=stored) if stored and stored != doc.key else doc


def _twin(
    store: ArticleStore,
    doc: Document,
    text_hash: str,
    article_id: int | None,
    earlier: dict[tuple[str | None, str], Document],
) -> str:
    """How to name an article the document's scope can see, stored or earlier in this ingest
    (by text hash), with the same text."""
    stored = store.article_by_text_hash(text_hash, doc.scope, other_than=article_id)
    if stored:
        return f"“{stored.title}” (article {stored.id})"
    twin = earlier.get((doc.scope, text_hash))
    return f"“{twin.title}” ({_origin(twin)})" if twin else ""


def _stored_chunks(store: ArticleStore, article_id: int) -> tuple[Chunk, ...]:
    return tuple(
        Chunk(p.paragraph, p.text, p.sentences) for p in store.article_passages(article_id)
    )


def _content_hash(doc: Document) -> str:
    fields = [doc.title, doc.text, doc.source, doc.url, doc.published, doc.author]
    if doc.updated:  # only when known, so articles hashed before it was kept stay unchanged
        fields.append(doc.updated)
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def _origin(doc: Document) -> str:
    return doc.path or doc.url or doc.key
