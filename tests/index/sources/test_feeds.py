"""Following RSS and Atom feeds on a loopback news site: checks, conditional polls, the poller."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest

from index.library import Library
from index.sources.feeds import (
    ROBOTS_DISALLOW,
    ROBOTS_UNREADABLE,
    FeedError,
    FeedLookupError,
    FeedPoller,
    PollReport,
    follow,
    parse_feed,
    poll,
    unfollow,
)
from index.sources.fetching import Fetcher, WebError, WebSettings
from index.storage.protocols import StoreError
from tests.support import updates
from tests.support.newssite import NewsSite, article_html, atom, http_date, rss

OpenLibrary = Callable[..., Library]

STORIES = {
    "/news/ferry.html": (
        "Ferry strike called off after late-night talks",
        [
            "A strike by ferry crews that would have halted crossings to the islands over the "
            "holiday weekend was called off early on Thursday after talks ran past midnight.",
            "The union said the operator had agreed to a pay rise of 6 percent this year and a "
            "review of rest periods between shifts, which crews say have been cut too short.",
            "Island businesses had warned that a weekend without ferries would cost them "
            "hundreds of thousands of pounds at the start of the tourist season.",
        ],
    ),
    "/news/school.html": (
        "New school to open on former hospital site",
        [
            "A primary school for 420 pupils will open on the site of the former general "
            "hospital in September next year, the education authority confirmed on Monday.",
            "The old hospital buildings were demolished in 2021. Parents in the north of the "
            "city have campaigned for a new school for almost a decade as classes grew.",
            "The authority said the building would be heated by ground-source heat pumps and "
            "would have a public library open to residents in the evenings and at weekends.",
        ],
    ),
    "/news/rail.html": (
        "Rail line reopens a month early",
        [
            "The coastal railway reopened on Saturday a month ahead of schedule, after engineers "
            "finished rebuilding the embankment that collapsed during the winter storms.",
            "Network officials said 90,000 tonnes of rock had been placed to protect the line, "
            "and that trains would run at full speed from the first day of service.",
            "Commuters had faced replacement buses adding up to an hour to each journey.",
        ],
    ),
}


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        for path, (title, paragraphs) in STORIES.items():
            running.serve(path, article_html(title, paragraphs, outlet="Island Times"))
        yield running


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(
        WebSettings(allow_private_networks=True, host_delay_seconds=0, timeout_seconds=3)
    )


def serve_rss(site: NewsSite, paths: list[str], etag: str = '"v1"') -> str:
    items = [(STORIES[p][0], site.url(p)) for p in paths]
    body = rss("Island Times", site.url("/"), items)
    return site.serve("/rss.xml", body, content_type="application/rss+xml", etag=etag)


def serve_atom(site: NewsSite, paths: list[str], modified: str) -> str:
    # Relative links, as Atom feeds often have: resolved against the feed's URL.
    items = [(STORIES[p][0], p) for p in paths]
    body = atom("Island Times (Atom)", site.url("/"), items)
    return site.serve(
        "/atom.xml", body, content_type="application/atom+xml", last_modified=modified
    )


def page_hits(site: NewsSite) -> int:
    return sum(len(site.hits(path)) for path in STORIES)


# -- reading feeds ---------------------------------------------------------------------------


def test_rss_and_atom_feeds_list_their_entries(site: NewsSite, fetcher: Fetcher) -> None:
    rss_url = serve_rss(site, ["/news/ferry.html", "/news/school.html"])
    atom_url = serve_atom(site, ["/news/rail.html"], http_date(time_now()))
    parsed = parse_feed(fetcher.feed(rss_url), rss_url)
    assert parsed.title == "Island Times"
    assert [e.url for e in parsed.entries] == [
        site.url("/news/ferry.html"),
        site.url("/news/school.html"),
    ]
    parsed = parse_feed(fetcher.feed(atom_url), atom_url)
    assert parsed.title == "Island Times (Atom)"
    assert [(e.title, e.url) for e in parsed.entries] == [
        ("Rail line reopens a month early", site.url("/news/rail.html"))
    ]


def test_a_feed_dates_its_entries_where_their_pages_do_not(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    items = [(STORIES["/news/ferry.html"][0], site.url("/news/ferry.html"))]
    body = rss("Island Times", site.url("/"), items, published="Mon, 10 Apr 2017 09:00:00 GMT")
    url = site.serve("/rss.xml", body, content_type="application/rss+xml")
    atom_url = serve_atom(site, ["/news/rail.html"], http_date(time_now()))
    site.serve(
        "/news/rail.html",
        article_html(*STORIES["/news/rail.html"], outlet="Island Times", published="2024-05-01"),
    )
    for feed in (url, atom_url):
        follow(library.feed_store, feed, fetcher)
    poll(library, library.feed_store, fetcher)
    dates = {a.title: (a.published, a.updated) for a in library.articles()}
    assert dates == {
        STORIES["/news/ferry.html"][0]: ("2017-04-10", None),
        # The page's own publication date, and the Atom entry's <updated>.
        STORIES["/news/rail.html"][0]: ("2024-05-01", "2024-05-03"),
    }


@pytest.mark.parametrize(
    ("content_type", "declared"),
    [
        ("application/rss+xml; charset=undefined", "utf-8"),
        ("application/rss+xml; charset=idna", "utf-8"),
        ("text/xml; charset=punycode", "utf-8"),
        ("application/rss+xml", "undefined"),
        ("application/octet-stream", "idna"),
    ],
)
def test_a_feed_charset_newsbot_cannot_trust_is_ignored(
    site: NewsSite, content_type: str, declared: str
) -> None:
    settings = WebSettings(
        allow_private_networks=True,
        host_delay_seconds=0,
        feed_types=(content_type.partition(";")[0],),
    )
    for title in ("Café de l'Île", "Island Times - news from the coast"):
        body = rss(title, site.url("/"), [("Ferry strike", site.url("/news/ferry.html"))])
        body = body.replace('encoding="utf-8"', f'encoding="{declared}"')
        url = site.serve("/rss.xml", body, content_type=content_type)
        parsed = parse_feed(Fetcher(settings).feed(url), url)
        assert parsed.title == title
        assert [e.url for e in parsed.entries] == [site.url("/news/ferry.html")]


def test_a_feed_in_a_declared_legacy_charset_is_read(site: NewsSite, fetcher: Fetcher) -> None:
    body = rss("Café de l'Île", site.url("/"), [("Grève", site.url("/news/ferry.html"))])
    body = body.replace('encoding="utf-8"', 'encoding="windows-1252"')
    url = site.serve("/rss.xml", body.encode("cp1252"), content_type="application/rss+xml")
    parsed = parse_feed(fetcher.feed(url), url)
    assert parsed.title == "Café de l'Île" and parsed.entries[0].title == "Grève"


def test_adding_a_feed_checks_it_and_lists_it(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_rss(site, ["/news/ferry.html"])
    followed = follow(library.feed_store, url, fetcher)
    assert followed.new and followed.entries == 1
    assert followed.feed.title == "Island Times"
    assert follow(library.feed_store, url + "#latest", fetcher).new is False  # the same feed
    (feed,) = library.feed_store.feeds()
    assert (feed.url, feed.title, feed.last_polled, feed.etag) == (url, "Island Times", None, None)
    assert library.is_empty()  # following indexes nothing until a poll


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("text/html", article_html("Not a feed", ["Just a page."]), r"not an RSS or Atom feed \("),
        ("application/xml", "<note><to>Tove</to><body>Hi</body></note>", "not an RSS or Atom feed"),
        ("application/rss+xml", "this is { not xml", "not an RSS or Atom feed"),
    ],
    ids=["html", "other-xml", "garbage"],
)
def test_a_feed_that_is_not_a_feed_is_refused(
    site: NewsSite,
    fetcher: Fetcher,
    open_library: OpenLibrary,
    content_type: str,
    body: str,
    message: str,
) -> None:
    library = open_library()
    url = site.serve("/feed", body, content_type=content_type)
    refusal = FeedError if "xml" in content_type else WebError  # HTML: refused by its type
    with pytest.raises(refusal, match=message) as e:
        follow(library.feed_store, url, fetcher)
    assert str(e.value).startswith(url) and "\n" not in str(e.value)
    assert library.feed_store.feeds() == []


def test_removing_a_feed_by_id_or_url(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_rss(site, ["/news/ferry.html"])
    feed = follow(library.feed_store, url, fetcher).feed
    assert unfollow(library.feed_store, str(feed.id)).url == url
    assert library.feed_store.feeds() == []
    follow(library.feed_store, url, fetcher)
    unfollow(library.feed_store, url)
    with pytest.raises(FeedLookupError, match="no followed feed matches"):
        unfollow(library.feed_store, url)


# -- polling ---------------------------------------------------------------------------------


def test_a_poll_indexes_new_entries_and_an_unchanged_feed_costs_one_304(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_rss(site, ["/news/ferry.html", "/news/school.html"])
    follow(library.feed_store, url, fetcher)
    report = poll(library, library.feed_store, fetcher)
    assert report.feeds == [(url, "2 new entries fetched")]
    assert sorted(report.ingest.added) == sorted(STORIES[p][0] for p in list(STORIES)[:2])
    (feed,) = library.feed_store.feeds()
    assert feed.etag == '"v1"' and feed.last_polled and feed.entries == 2
    hit = library.search("How big is the ferry crews' pay rise?", k=1)[0]
    assert "6 percent" in hit.passage.text
    generation = library.store.get_meta("generation")

    again = poll(library, library.feed_store, fetcher)
    assert site.hits("/rss.xml")[-1].headers["If-None-Match"] == '"v1"'
    assert again.feeds == [(url, "not modified")]
    assert again.ingest.added == again.ingest.failed == []
    assert page_hits(site) == 2  # no page was fetched again
    assert library.store.get_meta("generation") == generation


def test_a_changed_feed_fetches_only_its_new_entries(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_rss(site, ["/news/ferry.html"])
    follow(library.feed_store, url, fetcher)
    poll(library, library.feed_store, fetcher)
    serve_rss(site, ["/news/rail.html", "/news/ferry.html"], etag='"v2"')
    report = poll(library, library.feed_store, fetcher)
    assert report.feeds == [(url, "1 new entry fetched")]
    assert report.ingest.added == ["Rail line reopens a month early"]
    assert len(site.hits("/news/ferry.html")) == 1
    assert library.feed_store.feeds()[0].etag == '"v2"'


def test_an_atom_feed_is_asked_with_if_modified_since(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    modified = http_date(time_now())
    url = serve_atom(site, ["/news/rail.html"], modified)
    follow(library.feed_store, url, fetcher)
    assert poll(library, library.feed_store, fetcher).ingest.added == [
        "Rail line reopens a month early"
    ]
    assert poll(library, library.feed_store, fetcher).feeds == [(url, "not modified")]
    assert site.hits("/atom.xml")[-1].headers["If-Modified-Since"] == modified
    assert len(site.hits("/news/rail.html")) == 1


def test_a_failing_entry_is_retried_then_given_up(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    body = rss("Island Times", site.url("/"), [("Gone", site.url("/news/gone.html"))])
    url = site.serve("/rss.xml", body, content_type="application/rss+xml", etag='"v1"')
    follow(library.feed_store, url, fetcher)
    first = poll(library, library.feed_store, fetcher)
    assert first.feeds == [(url, "0 new entries fetched, 1 failed")]
    assert "HTTP 404" in first.ingest.failed[0][1]
    for _ in range(4):  # the feed answers 304 from now on; the entry is retried regardless
        poll(library, library.feed_store, fetcher)
    assert len(site.hits("/news/gone.html")) == 3
    assert library.is_empty()


def test_pages_the_sites_robots_txt_disallows_are_skipped_and_not_asked_again(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    site.serve("/robots.txt", "User-agent: *\nDisallow: /news/school\n", content_type="text/plain")
    url = serve_rss(site, ["/news/ferry.html", "/news/school.html"])
    follow(library.feed_store, url, fetcher)
    report = poll(library, library.feed_store, fetcher)
    assert report.ingest.added == ["Ferry strike called off after late-night talks"]
    school = site.url("/news/school.html")
    reason = "New school to open on former hospital site: " + ROBOTS_DISALLOW
    assert report.ingest.skipped == [(school, reason)]
    assert site.hits("/news/school.html") == []
    serve_rss(site, ["/news/ferry.html", "/news/school.html"], etag='"v2"')
    poll(library, library.feed_store, fetcher)
    assert site.hits("/news/school.html") == []  # recorded as done: not asked again
    assert len(site.hits("/robots.txt")) == 1  # the rules are kept between polls


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode"])
def test_a_robots_txt_charset_newsbot_cannot_trust_is_ignored(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary, charset: str
) -> None:
    library = open_library()
    rules = "User-agent: *\nDisallow: /news/school\n"
    site.serve("/robots.txt", rules, content_type=f"text/plain; charset={charset}")
    other = site.serve(
        "/other.xml",
        rss("Other", site.url("/"), [(STORIES["/news/rail.html"][0], site.url("/news/rail.html"))]),
        content_type="application/rss+xml",
    )
    follow(library.feed_store, serve_rss(site, ["/news/ferry.html", "/news/school.html"]), fetcher)
    follow(library.feed_store, other, fetcher)
    report = poll(library, library.feed_store, fetcher)
    assert sorted(report.ingest.added) == sorted(
        STORIES[p][0] for p in ("/news/ferry.html", "/news/rail.html")
    )
    assert [url for url, _ in report.ingest.skipped] == [site.url("/news/school.html")]


def test_an_unreadable_robots_txt_holds_entries_back_until_it_can_be_read(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    site.serve("/robots.txt", "busy", status=503, content_type="text/plain")
    url = serve_rss(site, ["/news/rail.html"])
    follow(library.feed_store, url, fetcher)
    first = poll(library, library.feed_store, fetcher)
    assert first.ingest.failed == [
        (site.url("/news/rail.html"), f"{site.url('/news/rail.html')}: {ROBOTS_UNREADABLE}")
    ]
    assert site.hits("/news/rail.html") == []
    site.serve("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    later = Fetcher(fetcher.settings)  # a quarter of an hour on, the rules are read again
    assert poll(library, library.feed_store, later).ingest.added == [
        "Rail line reopens a month early"
    ]


def test_robots_txt_is_ignored_when_the_config_says_so(
    site: NewsSite, open_library: OpenLibrary
) -> None:
    library = open_library()
    site.serve("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    settings = WebSettings(
        allow_private_networks=True, host_delay_seconds=0, timeout_seconds=3, obey_robots_txt=False
    )
    fetcher = Fetcher(settings)
    follow(library.feed_store, serve_rss(site, ["/news/ferry.html"]), fetcher)
    assert poll(library, library.feed_store, fetcher).ingest.added == [
        STORIES["/news/ferry.html"][0]
    ]
    assert site.hits("/robots.txt") == []


def test_a_sites_crawl_delay_spaces_out_the_pages_fetched_from_it(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    site.serve("/robots.txt", "User-agent: *\nCrawl-delay: 0.5\n", content_type="text/plain")
    follow(library.feed_store, serve_rss(site, list(STORIES)), fetcher)
    assert len(poll(library, library.feed_store, fetcher).ingest.added) == 3
    times = sorted(site.hits(path)[0].at for path in STORIES)
    assert all(later - earlier >= 0.45 for earlier, later in pairwise(times))


def test_an_article_in_two_feeds_is_fetched_once(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    follow(library.feed_store, serve_rss(site, ["/news/ferry.html", "/news/school.html"]), fetcher)
    follow(
        library.feed_store, serve_atom(site, ["/news/ferry.html"], http_date(time_now())), fetcher
    )
    report = poll(library, library.feed_store, fetcher)
    assert len(report.ingest.added) == 2
    assert len(site.hits("/news/ferry.html")) == 1
    assert [why for _, why in report.ingest.skipped] == [
        "Ferry strike called off after late-night talks: already indexed"
    ]


def test_a_broken_feed_is_reported_and_the_others_polled(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    broken = site.serve("/broken.xml", rss("Broken", site.url("/"), []), content_type="text/xml")
    follow(library.feed_store, broken, fetcher)
    follow(library.feed_store, serve_rss(site, ["/news/school.html"]), fetcher)
    site.serve("/broken.xml", b"", status=500, content_type="text/plain")
    report = poll(library, library.feed_store, fetcher)
    assert report.feeds[0] == (broken, f"failed: {broken}: HTTP 500 Internal Server Error")
    assert report.ingest.added == ["New school to open on former hospital site"]
    assert library.feed_store.feeds()[0].last_error == f"{broken}: HTTP 500 Internal Server Error"


def test_feeds_polled_recently_are_not_due(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    follow(library.feed_store, serve_rss(site, ["/news/ferry.html"]), fetcher)
    assert len(poll(library, library.feed_store, fetcher, due_only=True).feeds) == 1
    assert (
        poll(library, library.feed_store, fetcher, due_only=True).feeds == []
    )  # due in 30 minutes
    assert len(poll(library, library.feed_store, fetcher).feeds) == 1  # `feeds poll` polls them all


def test_the_poller_indexes_new_entries_in_the_background(
    site: NewsSite, open_library: OpenLibrary
) -> None:
    library = open_library()
    settings = WebSettings(
        allow_private_networks=True, host_delay_seconds=0, poll_interval_minutes=0.002
    )
    fetcher = Fetcher(settings)
    feed = follow(library.feed_store, serve_rss(site, ["/news/ferry.html"]), fetcher).feed.url
    reports: list[PollReport] = []
    poller = FeedPoller(
        library, library.feed_store, fetcher, library.leases, on_report=reports.append
    )
    poller.start()

    def articles() -> int:  # read from this thread while the poller writes from its own
        return len(library.articles())

    try:
        wait_for(lambda: articles() == 1)
        wait_for(lambda: any(r.feeds == [(feed, "not modified")] for r in reports))
        serve_rss(site, ["/news/school.html", "/news/ferry.html"], etag='"v2"')
        wait_for(lambda: articles() == 2)
        assert library.search("How many pupils will the new school take?", k=1)
    finally:
        poller.stop()
    assert poller._thread is not None and not poller._thread.is_alive()
    assert [a.title for a in library.articles()] == [STORIES[p][0] for p in list(STORIES)[:2]]
    assert len(site.hits("/news/ferry.html")) == 1


def test_one_poller_polls_among_processes_and_another_takes_over_when_it_stops(
    site: NewsSite, open_library: OpenLibrary
) -> None:
    first, second = open_library(), open_library()  # two processes' libraries on one folder
    settings = WebSettings(
        allow_private_networks=True, host_delay_seconds=0, poll_interval_minutes=0.002
    )
    follow(first.feed_store, serve_rss(site, ["/news/ferry.html"]), Fetcher(settings))
    reports: dict[str, list[PollReport]] = {"first": [], "second": []}
    pollers = {
        name: FeedPoller(
            library, library.feed_store, Fetcher(settings), library.leases, reports[name].append
        )
        for name, library in [("first", first), ("second", second)]
    }
    pollers["first"].start()
    try:
        wait_for(lambda: len(reports["first"]) >= 2)
        pollers["second"].start()
        wait_for(lambda: len(reports["first"]) >= 6)
        assert reports["second"] == []  # the first holds the lease
        pollers["first"].stop()
        wait_for(lambda: len(reports["second"]) >= 1)  # and the second takes over
    finally:
        for poller in pollers.values():
            poller.stop()
    assert [a.title for a in second.articles()] == [STORIES["/news/ferry.html"][0]]


def test_the_poller_survives_a_failing_poll(
    site: NewsSite, open_library: OpenLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_library()
    fetcher = Fetcher(WebSettings(allow_private_networks=True, poll_interval_minutes=0.001))
    calls: list[int] = []

    def failing_poll(*args: object, **kwargs: object) -> PollReport:
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr("index.sources.feeds.poll", failing_poll)
    poller = FeedPoller(library, library.feed_store, fetcher, library.leases)
    poller.start()
    try:
        wait_for(lambda: len(calls) >= 3)
    finally:
        poller.stop()


def test_an_expected_poll_failure_is_logged_as_one_line(
    site: NewsSite,
    open_library: OpenLibrary,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    library = open_library()
    fetcher = Fetcher(WebSettings(allow_private_networks=True, poll_interval_minutes=0.001))
    calls: list[int] = []

    def busy_poll(*args: object, **kwargs: object) -> PollReport:
        calls.append(1)
        raise StoreError("another process is writing to /data; try again when it has finished")

    monkeypatch.setattr("index.sources.feeds.poll", busy_poll)
    poller = FeedPoller(library, library.feed_store, fetcher, library.leases)
    with caplog.at_level(logging.WARNING, logger="index.sources.feeds"):
        poller.start()
        try:
            wait_for(lambda: len(calls) >= 2)
        finally:
            poller.stop()
    failures = [r for r in caplog.records if r.getMessage().startswith("feed poll failed")]
    assert failures
    assert all(r.exc_info is None for r in failures)
    assert "another process is writing" in failures[0].getMessage()


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def time_now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2024, 5, 3, 8, 0, tzinfo=UTC)


def test_an_entry_at_a_private_address_is_refused_once_and_not_asked_again(
    site: NewsSite, open_library: OpenLibrary
) -> None:
    library = open_library()
    # The feed's own site is allowed; two entries lead into the private network.
    fetcher = Fetcher(WebSettings(allowed_networks=("127.0.0.1/32",), host_delay_seconds=0))
    inside = "http://10.0.0.7/admin/report.html"
    hop = site.redirect("/go/report", inside)
    rail = site.url("/news/rail.html")
    items = [("Report", inside), ("Report, again", hop), (STORIES["/news/rail.html"][0], rail)]
    body = rss("Island Times", site.url("/"), items)
    url = site.serve("/rss.xml", body, content_type="application/rss+xml", etag='"v1"')
    follow(library.feed_store, url, fetcher)
    first = poll(library, library.feed_store, fetcher)
    why = "refused, 10.0.0.7 is a private address (allow_private_networks is off)"
    assert first.ingest.failed == [
        (inside, f"{inside}: {why}"),
        (hop, f"{hop}: redirected to {inside}: {why}"),
    ]
    assert first.ingest.added == [STORIES["/news/rail.html"][0]]
    (feed,) = library.feed_store.feeds()
    states = library.feed_store.feed_entries(feed.id)
    assert all(states[u].done and states[u].attempts == 1 for u in (inside, hop))
    again = poll(library, library.feed_store, fetcher)
    assert again.ingest.failed == []
    assert len(site.hits("/go/report")) == 1


# -- entries updated in place ------------------------------------------------------------------

STORY_PATH = "/news/bridge.html"


def serve_story(
    site: NewsSite, version: int, updated: str | None = None, path: str = STORY_PATH
) -> str:
    """The updated story's page at `version` (at `path`, naming STORY_PATH its canonical URL),
    and an Atom feed whose one entry links there and says when it was last updated
    (`updated`, else the version's own date, else its publication)."""
    html = updates.version_html(version, updated)
    canonical = f"<link rel='canonical' href='{site.url(STORY_PATH)}'>"
    page = site.serve(path, html.replace("</head>", canonical + "</head>"))
    when = updated or updates.VERSIONS[version - 1][0] or updates.PUBLISHED
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Coastal Herald</title><link href='{site.url('/')}'/><id>urn:herald</id>"
        f"<updated>{when}T08:00:00Z</updated><entry><title>{updates.TITLE}</title>"
        f"<link href='{page}'/><id>urn:herald:bridge</id>"
        f"<published>{updates.PUBLISHED}T08:00:00Z</published>"
        f"<updated>{when}T08:00:00Z</updated></entry></feed>"
    )
    return site.serve("/atom.xml", body, content_type="application/atom+xml")


def test_an_entry_updated_in_place_is_fetched_again_and_each_text_kept(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_story(site, 1)
    follow(library.feed_store, url, fetcher)
    assert poll(library, library.feed_store, fetcher).ingest.added == [updates.TITLE]
    assert poll(library, library.feed_store, fetcher).feeds == [(url, "0 new entries fetched")]
    assert len(site.hits(STORY_PATH)) == 1  # unchanged in the feed: not fetched again
    for version in (2, 3):
        serve_story(site, version)
        report = poll(library, library.feed_store, fetcher)
        assert report.feeds == [(url, "0 new entries fetched, 1 updated entry fetched again")]
        assert report.ingest.updated == [updates.TITLE]
    assert len(site.hits(STORY_PATH)) == 3

    (article,) = library.articles()
    versions = library.versions(article.id)
    assert [(v.number, v.updated) for v in versions] == [
        (1, None),
        (2, "2017-05-03"),
        (3, "2017-05-08"),
    ]
    assert versions[-1].sentences == updates.VERSIONS[2][1]
    assert library.articles()[0].updated == "2017-05-08"


def test_an_entry_with_a_new_date_and_the_same_text_is_fetched_again_but_no_version(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_story(site, 2)
    follow(library.feed_store, url, fetcher)
    poll(library, library.feed_store, fetcher)
    (article,) = library.articles()
    passages = library.store.passage_ids(article.id)
    serve_story(site, 2, updated="2017-05-04")
    report = poll(library, library.feed_store, fetcher)
    assert report.ingest.updated == [updates.TITLE] and report.ingest.passages == 0
    assert len(site.hits(STORY_PATH)) == 2
    assert library.articles()[0].updated == "2017-05-04"
    assert [v.updated for v in library.versions(article.id)] == ["2017-05-03"]
    assert library.store.passage_ids(article.id) == passages


def test_an_entry_done_before_revisions_were_kept_is_fetched_again_only_once_updated(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_story(site, 1)
    feed = follow(library.feed_store, url, fetcher).feed
    # As an older newsbot left it: the page indexed, the entry done, no revision recorded.
    library.ingest_urls([site.url(STORY_PATH)], fetcher)
    library.feed_store.record_entry(feed.id, "urn:herald:bridge", site.url(STORY_PATH), True)
    assert poll(library, library.feed_store, fetcher).ingest.updated == []
    assert len(site.hits(STORY_PATH)) == 1
    assert library.feed_store.feed_entries(feed.id)["urn:herald:bridge"].revision
    serve_story(site, 2)
    assert poll(library, library.feed_store, fetcher).ingest.updated == [updates.TITLE]
    assert len(library.versions(library.articles()[0].id)) == 2


def test_an_entrys_revision_follows_its_dates_and_content(site: NewsSite, fetcher: Fetcher) -> None:
    def revision(summary: str, updated: str = "2017-05-03T08:00:00Z") -> str | None:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Herald</title><id>urn:herald</id><entry><title>Bridge</title>"
            f"<link href='/news/bridge.html'/><id>urn:herald:bridge</id><updated>{updated}"
            f"</updated><summary>{summary}</summary></entry></feed>"
        )
        url = site.serve("/atom.xml", body, content_type="application/atom+xml")
        (entry,) = parse_feed(fetcher.feed(url), url).entries
        return entry.revision

    first = revision("The bill reached 35 million pounds.")
    assert first and revision("The bill reached 35 million pounds.") == first
    assert revision("The bill reached 40 million pounds.") != first
    assert revision("The bill reached 35 million pounds.", "2017-05-04T08:00:00Z") != first


def test_an_entry_linking_elsewhere_than_its_articles_url_is_followed_when_updated(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_story(site, 1, path="/rss/bridge?via=feed")
    follow(library.feed_store, url, fetcher)
    poll(library, library.feed_store, fetcher)
    assert [a.key for a in library.articles()] == [site.url(STORY_PATH)]
    serve_story(site, 2, path="/rss/bridge?via=feed")
    assert poll(library, library.feed_store, fetcher).ingest.updated == [updates.TITLE]
    assert len(library.versions(library.articles()[0].id)) == 2


def test_an_article_removed_by_hand_stays_removed_when_its_entry_is_updated(
    site: NewsSite, fetcher: Fetcher, open_library: OpenLibrary
) -> None:
    library = open_library()
    url = serve_story(site, 1)
    follow(library.feed_store, url, fetcher)
    poll(library, library.feed_store, fetcher)
    library.remove(library.articles()[0].id)
    serve_story(site, 2)
    report = poll(library, library.feed_store, fetcher)
    assert report.ingest.added == report.ingest.updated == []
    assert library.articles() == [] and len(site.hits(STORY_PATH)) == 1
