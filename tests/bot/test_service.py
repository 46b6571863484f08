import threading
from dataclasses import replace

import pytest

from bot.config import load_config
from bot.service import NewsService, open_library
from index.sources.fetching import WebSettings
from index.titles import ArticleLookupError
from tests.support.newssite import NewsSite, article_html


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
        submitted_by="U1",
    )
    assert report.added == ["Port reopens"]
    answer = service.ask("How many days of repairs did the port need?")
    assert answer.answered and answer.quotes[0].citation.title == "Port reopens"


def test_ingest_of_nothing_is_a_failure_not_an_article(service):
    report = service.ingest_text("   \n ")
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
    assert service.ingest(text, submitted_by="U1").added == ["Port reopens"]
    assert service.ingest(text, submitted_by="U2").unchanged == ["Port reopens"]


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
        report = service.ingest(f"  {url} ", submitted_by="U1")
    assert report.added == ["Harbour festival draws crowds"]
    answer = service.ask("How many visitors did the harbour festival draw?")
    assert answer.quotes[0].citation.source == "Quay News"
    assert answer.quotes[0].highlight.text == "12,000"


def test_questions_are_answered_while_a_page_sent_to_ingest_downloads(tmp_path, embedder):
    service = web_service(tmp_path, embedder)
    reports = []
    with NewsSite() as site:
        url = site.serve("/slow", FESTIVAL_PAGE, content_type="text/html", delay=3.0)
        ingest = threading.Thread(target=lambda: reports.append(service.ingest(url, "U1")))
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
    ingest = threading.Thread(target=lambda: reports.append(service.ingest(text, "U1")))
    ingest.start()
    assert slow.embedding.wait(30)
    answer = service.ask("how many Chinese troops?")  # returns while the ingest embeds
    assert ingest.is_alive() and not reports
    slow.go_on.set()
    ingest.join(30)
    assert "150,000" in answer.quotes[0].text
    assert reports[0].added == ["Port reopens"]
    assert (
        service.ask("How many days did repairs to the quay take?").quotes[0].highlight.text == "12"
    )


def test_a_page_that_cannot_be_fetched_is_reported_and_nothing_changes(tmp_path, embedder):
    service = web_service(tmp_path, embedder)
    with NewsSite() as site:
        report = service.ingest(site.url("/missing"), submitted_by="U1")
    assert report.added == [] and len(report.failed) == 1
    assert "HTTP 404" in report.failed[0][1]
    assert [a.id for a in service.sources()] == [1]  # the seed article alone


def test_feed_polling_starts_and_stops_with_the_service(service):
    service.start_feed_polling()
    assert service._poller is not None and service._poller._thread.is_alive()
    service.close()
    assert not service._poller._thread.is_alive()


def test_an_uploaded_file_is_indexed_and_a_title_given_with_it_wins(service):
    text = b"Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
    assert service.ingest_upload("port.txt", text).added == ["Port reopens"]
    assert service.ingest_upload("copy.txt", text).unchanged == ["Port reopens"]
    renamed = service.ingest_upload("port.txt", text, title="Harbour open again")
    assert renamed.updated == ["Harbour open again"]
    answer = service.ask("How many days of repairs did the port need?")
    assert answer.quotes[0].highlight.text == "12"


def test_an_upload_over_the_size_limit_is_refused_unread(service):
    service.config = replace(service.config, web=WebSettings(max_bytes=100))
    report = service.ingest_upload("long.txt", b"Title\n" + b"Words. " * 20)
    assert report.failed == [("long.txt", "long.txt: larger than 100 bytes")]
    assert [a.id for a in service.sources()] == [1]


def test_remove_names_the_article_it_removed(service):
    service.ingest_text("Port reopens\nThe port reopened on Monday.", submitted_by="U1")
    assert service.remove("port reopens").title == "Port reopens"
    assert [a.id for a in service.sources()] == [1]
    with pytest.raises(ArticleLookupError):
        service.remove("port reopens")


def test_reindex_refreshes_every_passage_and_says_whether_it_re_embedded(service):
    passages = sum(a.passage_count for a in service.sources())
    done = service.reindex()
    assert (done.passages, done.embedded) == (passages, False)
