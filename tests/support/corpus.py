"""The small corpus the index tests share (the seed article and a bridge story), and checks of
what a library holds."""

from __future__ import annotations

from pathlib import Path

from index.library import Library

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_fe66f4055116d4c5.txt"
SEED_TITLE = "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"
BRIDGE_TITLE = "Harbour Bridge Reopens After Two-Year Repair"
BRIDGE_PARAGRAPHS = (
    "The Harbour Bridge reopened to traffic on Tuesday after a two-year repair programme that "
    "cost the city council more than 40 million pounds.",
    "Engineers replaced the corroded steel cables installed in 1932. They also resurfaced the "
    "deck with a lighter composite material.",
    "Cafés near the ferry terminal said trade had fallen by almost a third during the closure.",
)
TROOPS_QUESTION = "how many Chinese troops"


def snapshot(library: Library) -> dict[str, list[tuple[int, str]]]:
    """Every article's passages as (id, text), keyed by title: the database's visible state."""
    return {
        article.title: [(p.id, p.text) for p in library.article_passages(article.id)]
        for article in library.articles()
    }


def assert_answers_troops_question(library: Library) -> None:
    hits = library.search(TROOPS_QUESTION)
    assert hits, "search found nothing"
    assert "150,000" in hits[0].passage.text
    assert hits[0].article.title == SEED_TITLE


def assert_derived_indexes_match_the_database(library: Library) -> None:
    count = library.store.passage_count()
    assert len(library.indexes.vectors) == count
    assert len(library.indexes.lexical) == count
