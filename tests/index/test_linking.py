"""Near-duplicates linked, not merged: one wire story on two sites, and the articles of an index
written before web ingestion (schema 1), fingerprinted and linked when it is migrated."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index.chunking import chunk_text
from index.library import Library
from index.settings import IndexSettings
from index.sources.fetching import Fetcher, WebSettings
from index.storage.sqlite_database import MIGRATIONS
from tests.support.encoder import HashingEncoder
from tests.support.newssite import NewsSite, article_html
from tests.support.stories import BUDGET, BUDGET_TITLE, STORM, STORM_TITLE

OpenLibrary = Callable[..., Library]


def test_a_wire_story_on_two_sites_is_linked_not_merged(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    herald = site.serve(
        "/herald/storm.html", article_html(STORM_TITLE, STORM, outlet="The Coast Herald")
    )
    wire = site.serve(
        "/gazette/storm.html",
        article_html(
            "Sea wall breach floods 200 homes",
            [
                "WESTHAVEN (Wire) — Hundreds of residents spent the night in a leisure centre.",
                *STORM,
                "Additional reporting by the Gazette news desk.",
            ],
            outlet="County Gazette",
        ),
    )
    budget = site.serve("/budget.html", article_html(BUDGET_TITLE, BUDGET, outlet="The Herald"))
    report = library.ingest_urls([herald, wire, budget], fetcher)
    assert len(report.added) == 3
    assert report.linked == [("Sea wall breach floods 200 homes", STORM_TITLE)]
    ids = {a.title: a.id for a in library.articles()}
    assert [a.source for a in library.also_reported(ids[STORM_TITLE])] == ["County Gazette"]
    gazette = library.also_reported(ids["Sea wall breach floods 200 homes"])
    assert [a.title for a in gazette] == [STORM_TITLE]
    assert gazette[0].passage_count == len(STORM)
    assert library.also_reported(ids[BUDGET_TITLE]) == []
    library.remove(ids["Sea wall breach floods 200 homes"])
    assert library.also_reported(ids[STORM_TITLE]) == []


# -- an index from before fingerprints ------------------------------------------------------

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
def old_index(tmp_path: Path, encoder: HashingEncoder) -> Path:
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
        for position, chunk in enumerate(chunk_text(text, 200, encoder.count_tokens)):
            sentences = [chunk.text[s.start : s.end] for s in chunk.sentences]
            db.execute(
                "INSERT INTO passages (article_id, position, paragraph, text, sentences, "
                "sentence_vectors) VALUES (1, ?, ?, ?, ?, ?)",
                (
                    position,
                    chunk.paragraph,
                    chunk.text,
                    json.dumps([[s.start, s.end] for s in chunk.sentences]),
                    encoder.encode(sentences).astype(np.float16).tobytes(),
                ),
            )
        db.execute("INSERT INTO meta (key, value) VALUES ('model', 'all-MiniLM-L6-v2')")
        db.commit()
    return data


def test_an_old_index_is_migrated_and_its_articles_found_again(
    old_index: Path, encoder: HashingEncoder, site: NewsSite
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
    library = Library(old_index, IndexSettings(), encoder)
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
