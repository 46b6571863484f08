"""Fetching guarded: refusals are one line and leave the index as it was; timeouts; politeness."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

import pytest

from index.library import Library
from index.sources.extraction import fetch_article
from index.sources.fetching import Fetcher, WebError, WebSettings
from tests.support.newssite import CERTIFICATE, NewsSite, article_html
from tests.support.stories import STORM, STORM_TITLE, storm_page

OpenLibrary = Callable[..., Library]


def generation(library: Library) -> str | None:
    return library.store.get_meta("generation")


# -- refusals: each is one line, and the index is as it was ----------------------------------


@pytest.fixture
def library_with_one(open_library: OpenLibrary, site: NewsSite, fetcher: Fetcher) -> Library:
    library = open_library()
    library.ingest_urls([storm_page(site)], fetcher)
    return library


def assert_refused(
    library: Library, fetcher: Fetcher, url: str, message: str, site: NewsSite | None = None
) -> None:
    before = (generation(library), [a.id for a in library.articles()])
    requests = len(site.requests) if site else 0
    report = library.ingest_urls([url], fetcher)
    assert report.added == report.updated == []
    assert len(report.failed) == 1
    where, why = report.failed[0]
    assert where == url
    assert why.startswith(url) and message in why, why
    assert "\n" not in why
    assert (generation(library), [a.id for a in library.articles()]) == before
    if site is not None:  # refused before connecting: the site never saw a request
        assert len(site.requests) == requests


def test_loopback_is_refused_by_default(library_with_one: Library, site: NewsSite) -> None:
    default = Fetcher(WebSettings(host_delay_seconds=0))
    url = site.url("/news/storm.html")
    assert_refused(library_with_one, default, url, "127.0.0.1 is a loopback address", site)
    named = url.replace("127.0.0.1", "localhost")
    assert_refused(library_with_one, default, named, "is a loopback address", site)


def test_every_resolved_address_is_checked(site: NewsSite, library_with_one: Library) -> None:
    port = site.url("").rsplit(":", 1)[1]
    settings = WebSettings(allowed_networks=("127.0.0.0/8",), host_delay_seconds=0)
    split_horizon = Fetcher(settings, resolve=lambda host, _: ["127.0.0.1", "10.0.0.7"])
    url = f"http://news.test:{port}/news/storm.html"
    assert_refused(library_with_one, split_horizon, url, "10.0.0.7 is a private address", site)
    # With only allowed addresses the fetch goes to the checked address, under the host's name.
    pinned = Fetcher(settings, resolve=lambda host, _: ["127.0.0.1"])
    assert fetch_article(pinned, url).title == STORM_TITLE
    assert site.requests[-1].headers["Host"] == f"news.test:{port}"


def test_a_redirect_to_a_refused_address_is_refused(
    site: NewsSite, library_with_one: Library
) -> None:
    port = site.url("").rsplit(":", 1)[1]
    only_this_site = Fetcher(WebSettings(allowed_networks=("127.0.0.1/32",), host_delay_seconds=0))
    url = site.redirect("/go", f"http://127.0.0.2:{port}/admin")
    message = f"redirected to http://127.0.0.2:{port}/admin: refused, 127.0.0.2 is a loopback"
    assert_refused(library_with_one, only_this_site, url, message)
    assert [r.path for r in site.requests[-1:]] == ["/go"]


def test_a_redirect_to_another_scheme_is_refused(
    site: NewsSite, fetcher: Fetcher, library_with_one: Library
) -> None:
    url = site.redirect("/file", "file:///etc/passwd")
    assert_refused(library_with_one, fetcher, url, "redirected to file:///etc/passwd, which is")


def test_a_redirect_is_followed_and_rechecked_each_hop(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    target = storm_page(site)
    site.redirect("/old", "/moved", status=301)
    url = site.redirect("/moved", target, status=307)
    assert fetch_article(fetcher, url).key == target
    site.redirect("/loop", "/loop")
    with pytest.raises(WebError, match="more than 5 redirects"):
        fetcher.page(site.url("/loop"))
    assert len(site.hits("/loop")) == 6


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "streamed"])
def test_an_oversized_page_is_refused(
    site: NewsSite, library_with_one: Library, send_length: bool
) -> None:
    small = Fetcher(
        WebSettings(allow_private_networks=True, max_bytes=20_000, host_delay_seconds=0)
    )
    page = article_html("Long read", STORM * 40)
    assert len(page.encode()) > 20_000
    url = site.serve("/long.html", page, send_length=send_length, pieces=20)
    assert_refused(library_with_one, small, url, "larger than the 20,000-byte limit")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/pdf", b"%PDF-1.4 binary"), ("image/png", b"\x89PNG\r\n"), ("", b"<p>hi</p>")],
)
def test_a_body_that_is_not_a_web_page_is_refused(
    site: NewsSite, fetcher: Fetcher, library_with_one: Library, content_type: str, body: bytes
) -> None:
    url = site.serve("/file", body, content_type=content_type)
    assert_refused(
        library_with_one,
        fetcher,
        url,
        f"not a web page (Content-Type {content_type or 'none given'})",
    )


def test_a_missing_page_is_refused(
    site: NewsSite, fetcher: Fetcher, library_with_one: Library
) -> None:
    assert_refused(library_with_one, fetcher, site.url("/gone.html"), "HTTP 404 Not Found")


def test_a_page_without_an_article_is_refused(
    site: NewsSite, fetcher: Fetcher, library_with_one: Library
) -> None:
    empty = site.serve("/blank.html", "<html><body><div></div></body></html>")
    assert_refused(library_with_one, fetcher, empty, "no article text found on the page")
    links = "".join(f"<li><a href='/news/{i}.html'>Headline {i}</a></li>" for i in range(12))
    front = site.serve("/", f"<html><body><nav><a href='/'>Home</a></nav><ul>{links}</ul></body>")
    assert_refused(library_with_one, fetcher, front, "not an article (")
    wall = site.serve("/paywall.html", "<html><body><p>Please sign in to continue.</p></body>")
    assert_refused(library_with_one, fetcher, wall, "not an article (5 words of text")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/storm.html",
        "javascript:alert(1)",
        "http://user:pw@127.0.0.1/a",
        "http:///a",
    ],
)
def test_a_bad_url_is_refused(library_with_one: Library, fetcher: Fetcher, url: str) -> None:
    report = library_with_one.ingest_urls([url], fetcher)
    assert len(report.failed) == 1 and report.failed[0][1].startswith(url)


def test_a_slow_server_times_out(site: NewsSite, library_with_one: Library) -> None:
    quick = Fetcher(
        WebSettings(allow_private_networks=True, timeout_seconds=0.5, host_delay_seconds=0)
    )
    url = site.serve("/slow.html", article_html(STORM_TITLE, STORM), delay=3)
    started = time.monotonic()
    assert_refused(library_with_one, quick, url, "timed out after 0.5 s")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("route", "limit"),
    [
        # Each piece arrives well within the timeout; the whole body would take 4 seconds.
        ({"pieces": 20, "interval": 0.2}, 1.8),
        # Headers after 0.7 s, half the body, then a stall: the stalled read gets 0.3 s, not 1.
        ({"delay": 0.7, "pieces": 2, "interval": 5}, 1.4),
    ],
    ids=["trickle", "stall"],
)
def test_a_slow_body_times_out_on_the_whole_download(
    site: NewsSite, route: dict[str, float], limit: float
) -> None:
    quick = Fetcher(
        WebSettings(allow_private_networks=True, timeout_seconds=1, host_delay_seconds=0)
    )
    url = site.serve("/drip.html", article_html(STORM_TITLE, STORM), **route)
    started = time.monotonic()
    with pytest.raises(WebError, match="timed out after 1 s"):
        quick.page(url)
    assert time.monotonic() - started < limit


def test_requests_to_one_host_are_spaced_out(site: NewsSite) -> None:
    polite = Fetcher(WebSettings(allow_private_networks=True, host_delay_seconds=0.3))
    url = storm_page(site)
    for _ in range(3):
        polite.page(url)
    polite.page(url.replace("127.0.0.1", "localhost"))  # another host: no wait
    times = [r.at for r in site.requests]
    gaps = [b - a for a, b in pairwise(times)]
    assert all(gap >= 0.28 for gap in gaps[:2]), gaps
    assert gaps[2] < 0.2, gaps


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_headers_trickled_a_byte_at_a_time_time_out(
    tls: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CERTIFICATE))  # the one certificate trusted
    quick = Fetcher(
        WebSettings(allow_private_networks=True, timeout_seconds=1, host_delay_seconds=0)
    )
    with NewsSite(tls=tls) as site:
        assert fetch_article(quick, storm_page(site)).title == STORM_TITLE
        # Each byte arrives well within the timeout; the status line and headers take 15 s.
        url = site.serve("/crawl.html", article_html(STORM_TITLE, STORM), header_interval=0.15)
        started = time.monotonic()
        with pytest.raises(WebError, match=r"timed out after 1 s$"):
            quick.page(url)
        assert time.monotonic() - started < 3
