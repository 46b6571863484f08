"""What an ingest leaves out: unchanged articles and the same article found twice."""

from __future__ import annotations

from collections.abc import Callable

from index.library import Library
from index.models import Document
from index.sources.fetching import Fetcher
from tests.support.newssite import NewsSite, article_html
from tests.support.stories import STORM, STORM_TITLE, storm_page

OpenLibrary = Callable[..., Library]


def test_one_canonical_url_behind_several_addresses_is_one_article(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    article = storm_page(site)
    amp = storm_page(site, "/amp/news/storm.html")
    tagged = article + "?utm_source=newsletter&utm_medium=email"
    site.serve(
        "/news/storm.html?utm_source=newsletter&utm_medium=email",
        site.routes["/news/storm.html"].body,
    )
    report = library.ingest_urls([article, amp], fetcher)
    assert report.added == [STORM_TITLE]
    assert len(report.skipped) == 1 and "same article as" in report.skipped[0][1]
    again = library.ingest_urls([tagged, amp], fetcher)
    assert again.added == again.updated == again.failed == []
    assert len(again.unchanged) + len(again.skipped) == 2
    assert [a.url for a in library.articles()] == [article]


def test_the_same_text_on_two_hosts_is_indexed_once(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    first = site.serve("/storm.html", article_html(STORM_TITLE, STORM, outlet="Herald"))
    # The same server under another host name: a syndicated copy, with its own headline.
    copy = site.serve("/syndicated/storm.html", article_html("Westhaven flooded", STORM))
    copy = copy.replace("127.0.0.1", "localhost")
    assert library.ingest_urls([first], fetcher).added == [STORM_TITLE]
    report = library.ingest_urls([copy], fetcher)
    assert report.added == []
    assert report.skipped == [
        (copy, f"Westhaven flooded: same text as “{STORM_TITLE}” (article 1)")
    ]
    assert len(library.articles()) == 1


def test_the_same_text_twice_in_one_ingest_is_indexed_once(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    one = site.serve("/one.html", article_html(STORM_TITLE, STORM))
    two = site.serve("/two.html", article_html("Another headline", STORM))
    report = library.ingest_urls([one, two], fetcher)
    assert report.added == [STORM_TITLE]
    assert [where for where, _ in report.skipped] == [two]
    assert len(library.articles()) == 1


def test_two_files_of_one_article_in_one_ingest_index_it_once(
    open_library: OpenLibrary,
) -> None:
    library = open_library()
    first = Document(
        key="https://example.org/a",
        title="Port reopens",
        path="/a.txt",
        text="The port reopened on Monday after twelve days of repairs.",
    )
    second = Document(
        key="https://example.org/a",
        title="Port reopens",
        path="/b.txt",
        text="The port reopened on Tuesday after repairs to the quay.",
    )
    report = library.ingest([first, second])
    assert report.added == ["Port reopens"]
    assert report.failed == [("/b.txt", "/b.txt: same article as /a.txt")]
    assert [a.passage_count for a in library.articles()] == [1]
