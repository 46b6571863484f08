import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.config import load_config
from bot.service import COULD_NOT_FETCH, NewsService, member_of, newsbot_admin, open_library
from index.sources.fetching import WebSettings
from index.titles import ArticleLookupError
from tests.support.newssite import NewsSite, article_html
from tests.support.stories import STORM, STORM_TITLE, storm_page

MEMBER = member_of("discord:1", "discord:5", "Newsroom")


@pytest.fixture
def service(tmp_path, embedder):
    config = replace(load_config(environ={}), data_dir=tmp_path / "data")
    library, report = open_library(config)
    library.embedder = embedder
    assert report is not None and report.added
    yield NewsService(config, library)


def test_open_library_seeds_only_an_empty_index(tmp_path):
    config = replace(load_config(environ={}), data_dir=tmp_path / "data")
    first, report = open_library(config)
    assert report is not None and len(report.added) == 1
    first.close()
    second, again = open_library(config)
    assert again is None
    second.close()


def test_ask_summarize_sources(service):
    assert "150,000" in service.ask("how many Chinese troops?").quotes[0].text
    assert len(service.summarize("putin troops", sentences=2).quotes) == 2
    assert [a.id for a in service.sources()] == [1]
    with pytest.raises(ArticleLookupError):
        service.summarize("banana bread")


def test_titles_matching_is_case_insensitive_and_limited(service):
    assert [a.id for a in service.titles_matching("NORTH korean")] == [1]
    assert service.titles_matching("nothing like it") == []
    assert service.titles_matching("", limit=0) == []


def test_ingest_text_uses_the_first_line_as_title_and_can_be_asked(service):
    report = service.ingest_text(
        "Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay.",
        MEMBER,
    )
    assert report.added == ["Port reopens"]
    answer = service.ask("How many days of repairs did the port need?", "discord:1")
    assert answer.answered and answer.quotes[0].citation.title == "Port reopens"


def test_ingest_of_nothing_is_a_failure_not_an_article(service):
    report = service.ingest_text("   \n ", MEMBER)
    assert report.failed and not report.added


def test_calls_from_many_threads_all_succeed(service):
    results: list[bool] = []

    def worker() -> None:
        results.append(service.ask("how many Chinese troops?").answered)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8


def test_the_same_text_ingested_by_two_people_is_one_article(service):
    text = "Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
    assert service.ingest(text, MEMBER).added == ["Port reopens"]
    assert service.ingest(text, MEMBER).unchanged == ["Port reopens"]
    again = service.ingest(text, member_of("discord:1", "discord:6", "Newsroom"))
    assert again.added == [] and "same text as “Port reopens”" in again.skipped[0][1]
    assert [a.title for a in service.sources("discord:1")].count("Port reopens") == 1


FESTIVAL = (
    "The harbour festival drew 12,000 visitors over the weekend, organisers said, "
    "with boat parades, food stalls and music on three stages along the quay. "
)
FESTIVAL_PAGE = article_html(
    "Harbour festival draws crowds", [FESTIVAL * 3, FESTIVAL * 2], outlet="Quay News"
)


def web_service(tmp_path, embedder) -> NewsService:
    config = replace(
        load_config(environ={}),
        data_dir=tmp_path / "data",
        web=WebSettings(allow_private_networks=True, host_delay_seconds=0, timeout_seconds=10),
    )
    library, _ = open_library(config)
    library.embedder = embedder
    return NewsService(config, library)


def test_a_url_sent_to_ingest_is_fetched_as_a_web_page(tmp_path, embedder):
    service = web_service(tmp_path, embedder)
    with NewsSite() as site:
        url = site.serve("/festival", FESTIVAL_PAGE, content_type="text/html")
        report = service.ingest(f"  {url} ", MEMBER)
    assert report.added == ["Harbour festival draws crowds"]
    answer = service.ask("How many visitors did the harbour festival draw?", "discord:1")
    assert answer.quotes[0].citation.source == "Quay News"
    assert answer.quotes[0].highlight.text == "12,000"


def test_questions_are_answered_while_a_page_sent_to_ingest_downloads(tmp_path, embedder):
    service = web_service(tmp_path, embedder)
    reports = []
    with NewsSite() as site:
        url = site.serve("/slow", FESTIVAL_PAGE, content_type="text/html", delay=3.0)
        ingest = threading.Thread(target=lambda: reports.append(service.ingest(url, MEMBER)))
        ingest.start()
        while not site.hits("/slow"):
            ingest.join(0.01)
        answer = service.ask("how many Chinese troops?")
        still_downloading = ingest.is_alive()
        ingest.join()
    assert "150,000" in answer.quotes[0].text
    assert still_downloading
    assert reports[0].added == ["Harbour festival draws crowds"]


class SlowIngestEmbedder:
    """The real embedder, but encoding more than one text (an ingest, never a question) waits
    until the test lets it go."""

    def __init__(self, inner):
        self.inner = inner
        self.embedding = threading.Event()
        self.go_on = threading.Event()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts):
        if len(texts) > 1:
            self.embedding.set()
            assert self.go_on.wait(30)
        return self.inner.encode(texts)


def test_questions_are_answered_while_an_article_is_being_embedded(service):
    slow = SlowIngestEmbedder(service.library.embedder)
    service.library.embedder = slow
    text = "Port reopens\nThe port reopened on Monday. Repairs to the main quay took 12 days."
    reports = []
    ingest = threading.Thread(target=lambda: reports.append(service.ingest(text, MEMBER)))
    ingest.start()
    assert slow.embedding.wait(30)
    answer = service.ask("how many Chinese troops?")  # returns while the ingest embeds
    assert ingest.is_alive() and not reports
    slow.go_on.set()
    ingest.join(30)
    assert "150,000" in answer.quotes[0].text
    assert reports[0].added == ["Port reopens"]
    answer = service.ask("How many days did repairs to the quay take?", "discord:1")
    assert answer.quotes[0].highlight.text == "12"


def test_a_page_that_cannot_be_fetched_is_reported_and_nothing_changes(tmp_path, embedder, caplog):
    service = web_service(tmp_path, embedder)
    with NewsSite() as site:
        url = site.url("/missing")
        report = service.ingest(url, MEMBER)
    assert report.added == [] and report.failed == [(url, f"{url}: {COULD_NOT_FETCH}")]
    assert "HTTP 404" in caplog.text
    assert [a.id for a in service.sources("discord:1")] == [1]  # the seed article alone


def test_why_a_link_is_refused_goes_to_the_log_not_to_the_chat(service, caplog):
    """The default settings refuse private addresses, and the refusal names the address a
    host resolved to: worth logging, not worth telling whoever typed the link."""
    report = service.ingest("http://127.0.0.1:9/admin", MEMBER)
    ((where, why),) = report.failed
    assert (where, why) == (
        "http://127.0.0.1:9/admin",
        f"http://127.0.0.1:9/admin: {COULD_NOT_FETCH}",
    )
    assert "127.0.0.1 is a loopback address" in caplog.text
    # The command line keeps the reason.
    cli = service.ingest_sources([], ["http://127.0.0.1:9/admin"])
    assert "127.0.0.1 is a loopback address" in cli.failed[0][1]


def test_feed_polling_starts_and_stops_with_the_service(service):
    service.start_feed_polling()
    assert service._poller is not None and service._poller._thread.is_alive()
    service.close()
    assert not service._poller._thread.is_alive()


def test_an_uploaded_file_is_indexed_and_a_title_given_with_it_wins(service):
    text = b"Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
    assert service.ingest_upload("port.txt", text, MEMBER).added == ["Port reopens"]
    assert service.ingest_upload("copy.txt", text, MEMBER).unchanged == ["Port reopens"]
    renamed = service.ingest_upload("port.txt", text, MEMBER, title="Harbour open again")
    assert renamed.updated == ["Harbour open again"]
    answer = service.ask("How many days of repairs did the port need?", "discord:1")
    assert answer.quotes[0].highlight.text == "12"


def test_an_upload_over_the_size_limit_is_refused_unread(service):
    service.config = replace(service.config, web=WebSettings(max_bytes=100))
    report = service.ingest_upload("long.txt", b"Title\n" + b"Words. " * 20, MEMBER)
    assert report.failed == [("long.txt", "long.txt: larger than 100 bytes")]
    assert [a.id for a in service.sources()] == [1]


def test_remove_names_the_article_it_removed(service):
    service.ingest_text("Port reopens\nThe port reopened on Monday.", newsbot_admin("discord:5"))
    assert service.remove("port reopens").title == "Port reopens"
    assert [a.id for a in service.sources()] == [1]
    with pytest.raises(ArticleLookupError):
        service.remove("port reopens")


def test_reindex_refreshes_every_passage_and_says_whether_it_re_embedded(service):
    passages = sum(a.passage_count for a in service.sources())
    done = service.reindex()
    assert (done.passages, done.embedded) == (passages, False)


PLANTED = (
    "The council leader, Martin Hale, said repairs to the sea wall would cost 90 million pounds "
    "and that the town would be evacuated for a year."
)


def planted_upload(kind: str, url: str) -> tuple[str, bytes]:
    """An upload claiming to be the web article at `url`, by its outlet, in its own words."""
    if kind == "md":
        front = f"---\ntitle: {STORM_TITLE}\nurl: {url}\nsource: The Coast Herald\n---\n\n"
        return "storm.md", (front + "\n\n".join([*STORM[:2], PLANTED])).encode()
    page = article_html(
        STORM_TITLE, [*STORM[:2], PLANTED], outlet="The Coast Herald", canonical=url
    )
    return "storm.html", page.encode()


@pytest.mark.parametrize("kind", ["md", "html"])
def test_an_upload_claiming_a_web_articles_url_cannot_replace_it(tmp_path, embedder, kind):
    service = web_service(tmp_path, embedder)
    with NewsSite() as site:
        url = storm_page(site)
        assert service.ingest_sources([], [url]).added == [STORM_TITLE]
    web = next(a for a in service.sources() if a.url == url)

    filename, data = planted_upload(kind, url)
    report = service.ingest_upload(filename, data, MEMBER)
    assert report.added == [STORM_TITLE] and report.updated == []

    # The web article is as it was fetched, and the upload is an article of its own.
    assert service.library.article(str(web.id)) == web
    assert [p.text for p in service.library.article_passages(web.id)] == STORM
    upload = next(a for a in service.sources("discord:1") if a.id != web.id and a.id != 1)
    assert (upload.scope, upload.url, upload.source) == ("discord:1", None, None)
    assert upload.key.startswith("chat:discord:1:discord:5:")

    question = "How much will the sea wall repairs cost?"
    shared = service.ask(question)
    assert shared.quotes[0].citation.article_id == web.id
    assert "3 million pounds" in shared.quotes[0].text
    assert (shared.quotes[0].citation.source, shared.quotes[0].citation.url) == (
        "The Coast Herald",
        url,
    )
    # Asked where it was uploaded, the planted sentence is cited as an upload, never as the
    # outlet's, and the upload is named as one wherever the answer mentions it.
    uploaded = f"uploaded by a member of Newsroom on {datetime.now(UTC).date().isoformat()}"
    in_server = service.ask(question, "discord:1")
    for quote in (*in_server.quotes, *in_server.related):
        citation = quote.citation
        if citation.article_id == upload.id:
            assert (citation.source, citation.url, citation.uploaded) == (None, None, uploaded)
        else:
            assert (citation.article_id, citation.source) == (web.id, "The Coast Herald")
    assert any(uploaded in note for note in in_server.caveats)
    assert not any("Also reported by" in note for note in in_server.caveats)
