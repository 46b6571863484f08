"""An index written before web ingestion (schema 1) is migrated, and its articles deduplicated."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index.chunking import chunk_text
from index.embedding import Embedder
from index.library import Library
from index.store import MIGRATIONS
from index.testsite import NewsSite, article_html
from index.web import Fetcher, WebSettings

TITLE = "Council votes to pedestrianise the high street"
PARAGRAPHS = [
    "The town council voted on Tuesday night to close the high street to cars from next "
    "spring, after a two-year trial in which weekend footfall rose by almost a fifth.",
    "Shopkeepers were divided. The chamber of commerce said deliveries would be allowed "
    "before ten in the morning, but two traders said customers from outlying villages "
    "would simply drive to the retail park instead.",
    "The scheme will cost 1.8 million pounds, most of it for new paving, benches and "
    "trees, and will be paid for by a regional regeneration grant awarded in January.",
]


@pytest.fixture
def old_index(tmp_path: Path, embedder: Embedder) -> Path:
    """A data folder as the schema-1 newsbot left it: one article, no derived index files."""
    data = tmp_path / "data"
    data.mkdir()
    text = "\n\n".join(PARAGRAPHS)
    with closing(sqlite3.connect(data / "newsbot.sqlite3")) as db:
        db.executescript(f"{MIGRATIONS[0]}; PRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO articles (key, title, source, content_hash) VALUES (?, ?, ?, ?)",
            ("/articles/high-street.txt", TITLE, "Town Crier", "old"),
        )
        for position, chunk in enumerate(chunk_text(text, 200, embedder.count_tokens)):
            sentences = [chunk.text[s.start : s.end] for s in chunk.sentences]
            db.execute(
                "INSERT INTO passages (article_id, position, paragraph, text, sentences, "
                "sentence_vectors) VALUES (1, ?, ?, ?, ?, ?)",
                (
                    position,
                    chunk.paragraph,
                    chunk.text,
                    json.dumps([[s.start, s.end] for s in chunk.sentences]),
                    embedder.encode(sentences).astype(np.float16).tobytes(),
                ),
            )
        db.execute("INSERT INTO meta (key, value) VALUES ('model', 'all-MiniLM-L6-v2')")
        db.commit()
    return data


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def test_an_old_index_is_migrated_and_its_articles_found_again(
    old_index: Path, embedder: Embedder, site: NewsSite
) -> None:
    fetcher = Fetcher(WebSettings(allow_private_networks=True, host_delay_seconds=0))
    copy = site.serve("/copy.html", article_html("Cars banned from high street", PARAGRAPHS))
    wire = site.serve(
        "/wire.html",
        article_html(
            "High street to go car-free",
            ["MARKET TOWN (Wire) — Cars will be banned from the town centre.", *PARAGRAPHS],
            outlet="Wire",
        ),
    )
    library = Library(old_index, embedder=embedder)
    try:
        with closing(sqlite3.connect(old_index / "newsbot.sqlite3")) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert [a.title for a in library.articles()] == [TITLE]  # nothing lost

        report = library.ingest_urls([copy, wire], fetcher)
        assert report.skipped == [
            (copy, f"Cars banned from high street: same text as “{TITLE}” (article 1)")
        ]
        assert report.added == ["High street to go car-free"]
        assert report.linked == [("High street to go car-free", TITLE)]
        assert [a.source for a in library.also_reported(1)] == ["Wire"]
        assert library.search("How much will the scheme cost?", k=1)[0].article.id == 1
    finally:
        library.close()
