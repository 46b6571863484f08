"""Searching within dates and an outlet: what is left out goes before the top-k cut."""

from __future__ import annotations

from collections.abc import Callable

from index.library import Library
from index.models import Document, Filters
from index.settings import IndexSettings

OpenLibrary = Callable[..., Library]
QUESTION = "How long did the ferry crews walk out?"


def test_articles_outside_the_filters_never_crowd_out_the_candidates(
    open_library: OpenLibrary,
) -> None:
    """With two candidates from each index, twenty better-matching passages from other dates
    and outlets still leave the one article the filters allow."""
    library = open_library(IndexSettings(dense_candidates=2, lexical_candidates=2))
    wanted = Document(
        key="test:ferry",
        title="Ferry strike",
        text="The ferry crews walked out for 36 hours over pay and night shifts.",
        source="Island Times",
        published="2017-04-03",
        updated="2017-04-10",
    )
    crowd = [
        Document(
            key=f"test:crowd:{n}",
            title=f"Ferry crews {n}",
            text=f"The ferry crews walked out; ferry crews walked out again ({n}).",
            source="Island Times" if n % 2 else "Viral Thread",
            published=f"2017-03-{n + 1:02d}" if n % 2 else "2017-04-05",
        )
        for n in range(20)
    ]
    assert len(library.ingest([wanted, *crowd]).added) == 21
    only = Filters(since="2017-04-01", source="island times")
    hits = library.search(QUESTION, k=3, filters=only)
    assert [h.article.key for h in hits] == ["test:ferry"]
    assert hits[0].article.updated == "2017-04-10"
    assert len(library.search(QUESTION, k=3)) == 3


def test_a_window_whose_articles_rank_far_down_searches_a_bounded_number_of_passages(
    open_library: OpenLibrary, monkeypatch
) -> None:
    import index.library

    library = open_library(IndexSettings(dense_candidates=2, lexical_candidates=2))
    crowd = [
        Document(key=f"test:{n}", title=f"Ferry {n}", text=f"Ferry crews walked out ({n}).")
        for n in range(40)
    ]
    # The window's one article shares nothing with the question: it ranks past the bound.
    far = Document(
        key="test:far", title="Harvest", text="Apples ripened late.", published="2017-04-02"
    )
    library.ingest([*crowd, far])
    monkeypatch.setattr(index.library, "MAX_SEARCHED", 8)
    asked: list[int] = []
    search = library.indexes.vectors.search

    def counted(query, k):  # type: ignore[no-untyped-def]
        asked.append(k)
        return search(query, k)

    monkeypatch.setattr(library.indexes.vectors, "search", counted)
    assert library.search(QUESTION, k=3, filters=Filters(since="2017-04-01")) == []
    assert asked == [2, 8]  # none passed in the first round: the bound at once, then given up


def test_each_candidate_is_checked_against_the_filters_once(
    open_library: OpenLibrary, monkeypatch
) -> None:
    """A window few articles fall in: later rounds ask for more at the share found so far and
    check only the passages not seen before, and the one article in the window is found."""
    library = open_library(IndexSettings(dense_candidates=2, lexical_candidates=2))
    crowd = [
        Document(
            key=f"test:{n}",
            title=f"Ferry {n}",
            text=f"The ferry crews walked out; ferry crews walked out again ({n}).",
            published="2017-04-05" if n == 30 else "2016-01-01",
        )
        for n in range(40)
    ]
    library.ingest(crowd)
    checked = _record_checked_passages(library, monkeypatch)
    hits = library.search(QUESTION, k=3, filters=Filters(since="2017-04-01"))
    assert [h.article.key for h in hits] == ["test:30"]
    assert max(checked.count(i) for i in checked) <= 2  # once by each index's rounds


def test_a_window_no_article_falls_in_is_answered_without_searching(
    open_library: OpenLibrary, monkeypatch
) -> None:
    library = open_library(IndexSettings())
    library.ingest(
        [
            Document(key=f"test:{n}", title=f"Ferry {n}", text=f"The ferry crews walked out ({n}).")
            for n in range(5)
        ]
    )
    checked = _record_checked_passages(library, monkeypatch)
    assert library.search(QUESTION, k=3, filters=Filters(since="2017-04-01")) == []
    assert checked == []
    assert library.search(QUESTION, k=3, filters=Filters(source="nowhere")) == []
    assert checked == []
    assert library.search(QUESTION, k=3, filters=Filters()) and checked


def _record_checked_passages(library: Library, monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """The passage ids the library checks against the filters, in order, as it checks them."""
    checked: list[int] = []
    visible = library.store.visible_passages

    def counted(ids, scope, filters=None):  # type: ignore[no-untyped-def]
        checked.extend(ids)
        return visible(ids, scope, filters)

    monkeypatch.setattr(library.store, "visible_passages", counted)
    return checked
