"""Fetching and indexing pages from a news site on loopback: extraction, duplicates, refusals."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest

from index.library import Library
from index.models import Document
from index.testsite import NewsSite, article_html
from index.web import Fetcher, WebError, WebSettings, canonical_url, fetch_article, refusal

OpenLibrary = Callable[..., Library]

STORM_TITLE = "Storm floods Westhaven as sea wall gives way"
STORM = [
    "A violent storm swept across the south coast on Friday night, flooding more than 200 homes "
    "in the town of Westhaven and forcing the evacuation of a care home near the harbour.",
    "Emergency services said the sea wall was breached shortly after midnight, when a spring "
    "tide coincided with winds gusting at more than 80 miles an hour. Residents described water "
    "rising knee-deep in their kitchens within minutes.",
    "The council leader, Martin Hale, said repairs to the sea wall would cost at least 3 million "
    "pounds and take several months, and that temporary flood barriers would be installed along "
    "the promenade next week.",
    "The Environment Agency had issued a severe flood warning on Thursday afternoon, but several "
    "residents said they had not received it because mobile signal in the old town is poor.",
]
BUDGET_TITLE = "City council approves budget with cuts to library hours"
BUDGET = [
    "The city council approved a 410 million pound budget on Wednesday evening after a "
    "five-hour debate, cutting opening hours at eleven branch libraries to close a shortfall.",
    "Councillors voted 31 to 24 in favour. Opposition members said the cuts would fall hardest "
    "on children and older residents who rely on libraries for internet access.",
    "The finance director, Priya Nair, told the meeting that energy costs had risen by a third "
    "in two years and that the council had no choice but to reduce spending on buildings.",
]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture
def fetcher() -> Fetcher:
    """Loopback allowed (the site is on 127.0.0.1), no politeness delay, short timeouts."""
    return Fetcher(
        WebSettings(allow_private_networks=True, host_delay_seconds=0, timeout_seconds=3)
    )


def storm_page(site: NewsSite, path: str = "/news/storm.html", **meta: str) -> str:
    fields = {
        "outlet": "The Coast Herald",
        "author": "Jane Doe",
        "published": "2024-05-03T08:00:00Z",
        "canonical": site.url("/news/storm.html"),
    }
    fields.update(meta)
    return site.serve(path, article_html(STORM_TITLE, STORM, **fields))


def generation(library: Library) -> str | None:
    return library.store.get_meta("generation")


# -- extraction ------------------------------------------------------------------------------


def test_a_page_gives_its_article_and_metadata(site: NewsSite, fetcher: Fetcher) -> None:
    url = storm_page(site)
    doc = fetch_article(fetcher, url)
    assert doc.title == STORM_TITLE
    assert doc.source == "The Coast Herald"
    assert doc.author == "Jane Doe"
    assert doc.published == "2024-05-03"
    assert doc.url == doc.key == url
    assert doc.text.split("\n\n") == STORM
    assert "All rights reserved" not in doc.text and "Sport" not in doc.text
    sent = site.hits("/news/storm.html")[0].headers
    assert sent["User-Agent"].startswith("newsbot/")
    assert "text/html" in sent["Accept"]


def test_an_ingested_page_answers_questions(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    report = library.ingest_urls([storm_page(site)], fetcher)
    assert report.added == [STORM_TITLE]
    assert report.failed == []
    hit = library.search("How much will the sea wall repairs cost?", k=1)[0]
    assert "3 million pounds" in hit.passage.text
    assert hit.article.source == "The Coast Herald"
    assert hit.article.url == site.url("/news/storm.html")
    assert hit.article.path is None


def test_a_page_without_a_charset_is_decoded_by_sniffing(site: NewsSite, fetcher: Fetcher) -> None:
    page = article_html("Café owners count the cost", [*STORM[:2], "Le café a fermé."])
    url = site.serve("/cafe.html", page.encode("utf-8"), content_type="text/html")
    assert "Le café a fermé." in fetch_article(fetcher, url).text


# -- duplicates ------------------------------------------------------------------------------


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


def test_a_page_cannot_claim_another_sites_canonical_url(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    notice = "https://bank.example/notice"
    library.ingest([Document(key=notice, title="Notice", text=BUDGET[0], url=notice)])
    url = storm_page(site, "/claim.html", canonical=notice)
    report = library.ingest_urls([url], fetcher)
    assert report.added == [STORM_TITLE]
    assert {a.key for a in library.articles()} == {notice, url}
    assert library.article("Notice").title == "Notice"


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


# -- the address and URL rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not a public"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "127.0.0.1 is a loopback"),
        ("64:ff9b::a00:1", "10.0.0.1 is a private"),
        ("2002:7f00:1::", "127.0.0.1 is a loopback"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    found = refusal(ipaddress.ip_address(address))
    assert found is not None and reason in found


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM:443/a?id=3#top", "https://news.example.com/a?id=3"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/a?utm_source=x&id=2&fbclid=y", "http://example.com:8080/a?id=2"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
