"""Articles from web pages: text and metadata, encodings, the canonical URLs a page may claim."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.library import Library
from index.models import Document
from index.sources.extraction import fetch_article
from index.sources.fetching import Fetcher, WebSettings
from tests.support.newssite import NewsSite, article_html
from tests.support.stories import BUDGET, STORM, STORM_TITLE, storm_page

OpenLibrary = Callable[..., Library]


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


def test_a_page_gives_its_last_update_beside_its_publication(
    site: NewsSite, fetcher: Fetcher
) -> None:
    page = article_html(
        "Bridge repairs run over budget",
        [" ".join(["The repairs to the bridge have cost more than planned this spring."] * 8)],
        outlet="Coastal Herald",
        published="2017-04-03T08:00:00Z",
        updated="2017-04-10T16:30:00Z",
    )
    doc = fetch_article(fetcher, site.serve("/news/bridge.html", page))
    assert (doc.published, doc.updated) == ("2017-04-03", "2017-04-10")
    unchanged = article_html(
        "Bridge repairs begin",
        [" ".join(["The repairs to the bridge began on Monday morning in the rain."] * 8)],
        published="2017-04-03T08:00:00Z",
    )
    doc = fetch_article(fetcher, site.serve("/news/begin.html", unchanged))
    assert (doc.published, doc.updated) == ("2017-04-03", None)


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


UNTRUSTED = ["undefined", "idna", "punycode", "rot13", "base64", "zlib", "utf-7", "cp037", "nope"]


@pytest.mark.parametrize("charset", UNTRUSTED)
def test_a_charset_newsbot_cannot_trust_is_ignored(
    site: NewsSite, fetcher: Fetcher, charset: str
) -> None:
    page = article_html("Café owners count the cost", [*STORM[:2], "Le café a fermé."])
    url = site.serve("/cafe.html", page, content_type=f"text/html; charset={charset}")
    assert fetch_article(fetcher, url).text.split("\n\n") == [*STORM[:2], "Le café a fermé."]


def test_a_declared_legacy_charset_is_honoured(site: NewsSite, fetcher: Fetcher) -> None:
    page = article_html("Café owners count the cost", [*STORM[:2], "Le café a fermé."])
    body = page.replace("charset='utf-8'", "charset='windows-1252'").encode("cp1252")
    in_header = site.serve("/a.html", body, content_type="text/html; charset=ISO-8859-1")
    in_page = site.serve("/b.html", body, content_type="text/html")
    for url in (in_header, in_page):
        assert fetch_article(fetcher, url).text.endswith("Le café a fermé.")


def test_a_page_with_a_bad_charset_fails_only_itself(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    odd = site.serve(
        "/odd.html",
        "<html><body><p>Hi</p></body></html>",
        content_type="text/html; charset=undefined",
    )
    report = library.ingest_urls([odd, storm_page(site)], fetcher)
    assert report.added == [STORM_TITLE]
    assert report.failed == [
        (odd, f"{odd}: not an article (1 words of text; an article has at least 40)")
    ]


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


PLANTED = [*STORM[:2], "The council leader said the repairs would cost 90 million pounds."]


def one_host_per_name(**settings: object) -> Fetcher:
    """Every host name resolves to the loopback site, as if each were its own server."""
    web = WebSettings(allowed_networks=("127.0.0.0/8",), host_delay_seconds=0, **settings)  # type: ignore[arg-type]
    return Fetcher(web, resolve=lambda host, port: ["127.0.0.1"])


@pytest.mark.parametrize(
    ("page_host", "named_host", "canonical_hosts", "honoured"),
    [
        ("evil.example.com", "example.com", {}, False),  # a subdomain is another site
        ("www.example.com", "example.com", {}, False),  # so is www.: exact hosts only
        ("example.com", "www.example.com", {}, False),
        ("amp.example.com", "example.com", {"amp.example.com": ("example.com",)}, True),
        ("evil.example.com", "example.com", {"amp.example.com": ("example.com",)}, False),
        ("example.com", "amp.example.com", {"amp.example.com": ("example.com",)}, False),
    ],
)
def test_a_page_names_a_canonical_url_only_on_its_own_host_or_one_listed_for_it(
    site: NewsSite,
    open_library: OpenLibrary,
    page_host: str,
    named_host: str,
    canonical_hosts: dict[str, tuple[str, ...]],
    honoured: bool,
) -> None:
    port = site.url("").rsplit(":", 1)[1]
    fetcher = one_host_per_name(**({"canonical_hosts": canonical_hosts} if canonical_hosts else {}))
    library = open_library()
    story = f"http://{named_host}:{port}/story"
    site.serve("/story", article_html(STORM_TITLE, STORM, outlet="The Coast Herald"))
    assert library.ingest_urls([story], fetcher).added == [STORM_TITLE]

    claim = f"http://{page_host}:{port}/claim.html"
    site.serve("/claim.html", article_html("Repair bill soars", PLANTED, canonical=story))
    report = library.ingest_urls([claim], fetcher)
    original = next(a for a in library.articles() if a.key == story)
    if honoured:  # the operator says the two hosts are one outlet: one article, updated
        assert report.updated == ["Repair bill soars"]
        assert {a.key for a in library.articles()} == {story}
    else:
        assert report.added == ["Repair bill soars"] and report.updated == []
        assert {a.key for a in library.articles()} == {story, claim}
        assert (original.title, original.source) == (STORM_TITLE, "The Coast Herald")
        assert [p.text for p in library.article_passages(original.id)] == STORM


@pytest.mark.parametrize(
    ("hosts", "message"),
    [
        ({"amp.example.com": "example.com"}, "canonical_hosts.amp.example.com must be a list"),
        ({"amp.example.com": ("https://example.com/",)}, "must name hosts like example.com"),
    ],
)
def test_canonical_hosts_must_name_hosts(hosts: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WebSettings(canonical_hosts=hosts)  # type: ignore[arg-type]
    listed = WebSettings(canonical_hosts={"AMP.example.com": ["Example.com"]})  # type: ignore[dict-item]
    assert listed.canonical_hosts == {"amp.example.com": ("example.com",)}
