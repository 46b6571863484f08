"""Scoped corpora: what one server or workspace adds is found there alone, beside the shared
corpus, without costing another scope recall, naming another's articles or taking them over."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.library import Library
from index.models import Contributor
from index.settings import IndexSettings
from index.sources.chat import chat_document
from index.sources.fetching import Fetcher
from index.titles import ArticleLookupError
from tests.support.corpus import BRIDGE_TITLE, SEED_TITLE
from tests.support.newssite import NewsSite
from tests.support.stories import STORM, STORM_TITLE, storm_page

OpenLibrary = Callable[..., Library]

IN_A = Contributor("discord:1", "discord:5", "a member of Server A")
IN_B = Contributor("discord:2", "discord:6", "a member of Server B")
FERRY = "Ferry strike\nThe ferry crews walked out for 36 hours over pay and night shifts."
FERRY_QUESTION = "How long did the ferry crews walk out?"


def add(library: Library, text: str, contributor: Contributor) -> int:
    title, _, body = text.partition("\n")
    report = library.ingest([chat_document(title, body, contributor)])
    assert report.added == [title], report
    return next(a.id for a in library.articles(contributor.scope) if a.title == title)


def titles(library: Library, scope: str | None) -> set[str]:
    return {a.title for a in library.articles(scope)}


def test_what_a_scope_adds_is_found_only_there_and_the_shared_corpus_everywhere(
    library: Library,
) -> None:
    ferry = add(library, FERRY, IN_A)
    assert titles(library, "discord:1") == {SEED_TITLE, BRIDGE_TITLE, "Ferry strike"}
    assert titles(library, "discord:2") == titles(library, None) == {SEED_TITLE, BRIDGE_TITLE}

    (hit,) = library.search(FERRY_QUESTION, k=1, scope="discord:1")
    assert hit.article.id == ferry and "36 hours" in hit.passage.text
    for elsewhere in ("discord:2", None):
        assert all(h.article.id != ferry for h in library.search(FERRY_QUESTION, scope=elsewhere))
        assert library.search("how many Chinese troops", k=1, scope=elsewhere)[0].article.title == (
            SEED_TITLE
        )
        with pytest.raises(ArticleLookupError):
            library.article(str(ferry), scope=elsewhere)
        with pytest.raises(ArticleLookupError):
            library.article("ferry strike", scope=elsewhere)
    assert library.article("ferry strike", scope="discord:1").id == ferry
    assert library.search("how many Chinese troops", k=1, scope="discord:1")[0].article.title == (
        SEED_TITLE
    )


def test_another_scopes_passages_never_crowd_out_the_candidates(open_library: OpenLibrary) -> None:
    """Other scopes' passages are dropped before the top-k cut, not after it: with two
    candidates from each index, twenty better-matching passages elsewhere still leave this
    scope's one."""
    library = open_library(IndexSettings(dense_candidates=2, lexical_candidates=2))
    ferry = add(library, FERRY, IN_A)
    for n in range(20):
        crowd = f"Ferry crews {n}\nThe ferry crews walked out; ferry crews walked out again ({n})."
        add(library, crowd, IN_B)
    hits = library.search(FERRY_QUESTION, k=3, scope="discord:1")
    assert [h.article.id for h in hits] == [ferry]
    # B's own crowd is what B sees (ties among its twenty near-copies fall either way).
    seen_from_b = library.search(FERRY_QUESTION, k=3, scope="discord:2")
    assert seen_from_b and {h.article.scope for h in seen_from_b} == {"discord:2"}


def test_the_same_text_in_two_scopes_is_an_article_in_each(library: Library) -> None:
    """A duplicate is looked for only where the scope can see: B's copy neither hides A's
    nor is named to A."""
    add(library, FERRY, IN_B)
    title, _, body = FERRY.partition("\n")
    report = library.ingest([chat_document(title, body, IN_A)])
    assert report.added == ["Ferry strike"] and report.skipped == []
    assert [a.title for a in library.articles("discord:1")].count("Ferry strike") == 1
    # A text the shared corpus already holds is that article, wherever it is sent from.
    bridge = library.article_passages(library.article(BRIDGE_TITLE).id)
    copied = chat_document("Copied", "\n\n".join(p.text for p in bridge), IN_A)
    again = library.ingest([copied])
    assert again.added == [] and "same text as “Harbour Bridge Reopens" in again.skipped[0][1]


def test_near_duplicates_in_another_scope_are_neither_named_nor_reported(
    library: Library,
) -> None:
    bridge = library.article(BRIDGE_TITLE)
    text = "\n\n".join(p.text for p in library.article_passages(bridge.id))
    near = text + "\n\nThe council said the toll would stay at one pound."
    report = library.ingest([chat_document("Bridge copy", near, IN_B)])
    assert report.linked == [("Bridge copy", BRIDGE_TITLE)]  # B sees the shared article
    copy = library.article("bridge copy", scope="discord:2")
    assert [a.id for a in library.also_reported(bridge.id, scope="discord:2")] == [copy.id]
    assert library.also_reported(bridge.id, scope="discord:1") == []
    assert library.also_reported(bridge.id) == []

    again = near + "\n\nTraffic was light on the first morning."
    from_a = library.ingest([chat_document("Bridge again", again, IN_A)])
    assert from_a.linked == [("Bridge again", BRIDGE_TITLE)]  # not B's copy, though close


def test_a_page_fetched_for_a_scope_is_its_own_and_leaves_the_shared_copy_alone(
    open_library: OpenLibrary, site: NewsSite, fetcher: Fetcher
) -> None:
    library = open_library()
    url = storm_page(site)
    assert library.ingest_urls([url], fetcher, scope="discord:1").added == [STORM_TITLE]
    assert titles(library, None) == set() and not library.has_article(url)
    # The shared corpus (a feed, the command line) still gets its own copy.
    assert library.ingest_urls([url], fetcher).added == [STORM_TITLE]
    assert library.has_article(url)
    scoped, shared = library.articles("discord:1")
    assert (shared.key, shared.scope) == (url, None)
    assert (scoped.key, scoped.scope, scoped.url) == (f"discord:1:{url}", "discord:1", url)
    # Fetched again for the scope, it is the scope's copy that is found unchanged.
    assert library.ingest_urls([url], fetcher, scope="discord:1").unchanged == [STORM_TITLE]
    assert [p.text for p in library.article_passages(shared.id)] == STORM
