"""The Library facade on small corpora: ingest, search, update, remove, reindex, its lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.library import Library
from index.models import Document, Filters
from index.storage.protocols import StoreError
from tests.support.corpus import (
    BRIDGE_TITLE,
    SEED_TITLE,
    TROOPS_QUESTION,
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    snapshot,
)
from tests.support.encoder import HashingEncoder

OpenLibrary = Callable[..., Library]
WriteArticle = Callable[..., Path]

# Another model's name, as the library sees it after `[model] name` changes.
OTHER_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


# -- reading -------------------------------------------------------------------------------


def test_empty_library_searches_to_nothing(open_library: OpenLibrary) -> None:
    library = open_library()
    assert library.is_empty()
    assert library.articles() == []
    assert library.search("how many Chinese troops") == []


def test_seed_answers_the_troops_question(open_library: OpenLibrary, seed_text: str) -> None:
    library = open_library()
    seed = library.data_dir.parent / "seed.txt"
    seed.write_text(seed_text, encoding="utf-8")
    report = library.ingest_paths([seed])
    assert report.added == [SEED_TITLE]
    assert report.failed == []
    assert report.passages == library.store.passage_count() > 1
    assert not library.is_empty()
    assert_answers_troops_question(library)


def test_hits_are_ranked_and_complete(library: Library) -> None:
    hits = library.search(TROOPS_QUESTION, k=3)
    assert len(hits) == 3
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({hit.passage.id for hit in hits}) == 3
    top = hits[0]
    assert top.passage.article_id == top.article.id
    assert len(top.sentence_scores) == len(top.passage.sentences)
    # The best sentence of the top passage is the one that answers.
    best = int(np.argmax(top.sentence_scores))
    assert "150,000" in top.passage.sentence_text(best)
    assert top.lexical > 0  # "troops" is shared with the question


def test_search_finds_the_other_article(library: Library) -> None:
    hits = library.search("When did the bridge reopen to traffic?", k=2)
    assert hits[0].article.title == BRIDGE_TITLE
    assert "reopened to traffic on Tuesday" in hits[0].passage.text


def test_sentence_vectors_match_the_model(library: Library) -> None:
    passage = library.search(TROOPS_QUESTION, k=1)[0].passage
    vectors = library.sentence_vectors([passage.id])[passage.id]
    assert vectors.shape == (len(passage.sentences), 384)
    assert vectors.dtype == np.float32
    fresh = library.embedder.encode([passage.sentence_text(0)])[0]
    np.testing.assert_allclose(vectors[0], fresh, atol=2e-3)


def test_articles_and_lookup_by_title(library: Library) -> None:
    titles = {article.title: article for article in library.articles()}
    assert set(titles) == {BRIDGE_TITLE, SEED_TITLE}
    assert titles[BRIDGE_TITLE].passage_count == 3
    seed = library.article("putin troops")
    assert seed == titles[SEED_TITLE]
    assert library.article(str(seed.id)) == seed
    passages = library.article_passages(seed.id)
    assert [p.position for p in passages] == list(range(len(passages)))
    assert passages[0].paragraph == 1
    assert passages[0].text.startswith("As the combative rhetoric")


# -- ingesting -----------------------------------------------------------------------------


def test_reingesting_unchanged_files_does_nothing(library: Library, corpus: Path) -> None:
    before = snapshot(library)
    generation = library.store.get_meta("generation")
    report = library.ingest_paths([corpus])
    assert sorted(report.unchanged) == sorted([BRIDGE_TITLE, SEED_TITLE])
    assert report.added == report.updated == report.failed == []
    assert report.passages == 0
    assert snapshot(library) == before  # same passage ids, same texts
    assert library.store.get_meta("generation") == generation


def test_changed_file_replaces_its_passages_and_keeps_its_id(
    library: Library, write_article: WriteArticle
) -> None:
    old = library.article("harbour bridge")
    old_ids = [p.id for p in library.article_passages(old.id)]
    path = write_article(
        "bridge.txt",
        BRIDGE_TITLE,
        "The bridge stayed closed after inspectors found cracked bearings.",
        "Ferry operators added extra sailings for stranded commuters.",
    )
    report = library.ingest_paths([path])
    assert report.updated == [BRIDGE_TITLE]
    assert report.added == []

    new = library.article("harbour bridge")
    assert new.id == old.id
    passages = library.article_passages(new.id)
    assert [p.text for p in passages] == [
        "The bridge stayed closed after inspectors found cracked bearings.",
        "Ferry operators added extra sailings for stranded commuters.",
    ]
    assert library.store.passages(old_ids) == {}
    assert_derived_indexes_match_the_database(library)
    texts = [hit.passage.text for hit in library.search("corroded steel cables 1932", k=20)]
    assert not any("corroded" in text for text in texts)
    assert library.search("cracked bearings inspectors", k=1)[0].passage.id == passages[0].id
    # And the new state is what a fresh open sees.
    library.close()
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        assert reopened.search("cracked bearings inspectors", k=1)[0].passage.id == passages[0].id
        assert_derived_indexes_match_the_database(reopened)
    finally:
        reopened.close()


def test_ingest_documents_and_report_empty_text(open_library: OpenLibrary) -> None:
    library = open_library()
    report = library.ingest(
        [
            Document(key="https://example.com/x", title="Storm", text="A storm hit the coast."),
            Document(key="https://example.com/y", title="Blank", text="  \n\n  "),
        ]
    )
    assert report.added == ["Storm"]
    assert report.failed == [("https://example.com/y", "Blank: no text to index")]
    assert [a.key for a in library.articles()] == ["https://example.com/x"]


class RecordingLock:
    """A re-entrant lock that notes when it is first taken and last given back."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self.events: list[str] = []

    @property
    def held(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> None:
        self._lock.acquire()
        self._depth += 1
        if self._depth == 1:
            self.events.append("take")

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.events.append("give back")
        self._lock.release()


class WatchedEncoder:
    """The library's encoder, noting for each call whether `lock` was held."""

    def __init__(self, inner: HashingEncoder, lock: RecordingLock):
        self.inner, self.lock = inner, lock
        self.name, self.dimension = inner.name, inner.dimension
        self.held_while_encoding: list[bool] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.held_while_encoding.append(self.lock.held)
        return self.inner.encode(texts)


def test_an_ingest_holds_the_library_lock_to_read_and_write_but_not_to_embed(
    open_library: OpenLibrary, encoder: HashingEncoder
) -> None:
    library = open_library()
    lock = RecordingLock()
    library._lock = lock  # type: ignore[assignment]  # the library's own lock, watched
    watched = WatchedEncoder(encoder, lock)
    library.embedder = watched
    storm = Document(key="https://example.com/x", title="Storm", text="A storm hit the coast.")
    report = library.ingest([storm])
    assert report.added == ["Storm"]
    assert watched.held_while_encoding == [False]
    assert lock.events == ["take", "give back", "take", "give back"]
    assert library.ingest([storm]).unchanged == ["Storm"]
    assert watched.held_while_encoding == [False]  # nothing new: nothing embedded
    assert library.search("storm coast", k=1)[0].article.title == "Storm"


class ReadingEncoder:
    """The library's encoder; while it embeds an article, another thread reads the library."""

    def __init__(self, inner: HashingEncoder, library: Library):
        self.inner, self.library = inner, library
        self.name, self.dimension = inner.name, inner.dimension
        self.read_meanwhile: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        titles: list[str] = []
        reader = threading.Thread(
            target=lambda: titles.extend(a.title for a in self.library.articles())
        )
        reader.start()
        reader.join(10)
        self.read_meanwhile.append(titles if not reader.is_alive() else ["still waiting"])
        return self.inner.encode(texts)


def test_the_library_answers_other_threads_while_an_ingest_embeds(
    library: Library, encoder: HashingEncoder
) -> None:
    reading = ReadingEncoder(encoder, library)
    library.embedder = reading
    port = Document(key="chat:port", title="Port reopens", text="The port reopened on Monday.")
    assert library.ingest([port]).added == ["Port reopens"]
    assert reading.read_meanwhile == [[BRIDGE_TITLE, SEED_TITLE]]
    assert [a.title for a in library.articles()] == [BRIDGE_TITLE, SEED_TITLE, "Port reopens"]


def test_a_read_sees_no_write_land_between_its_calls(library: Library) -> None:
    inside, go_on = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def reading(read: Library) -> str:
        seen.append([a.title for a in read.articles()])
        inside.set()
        assert go_on.wait(10)
        seen.append([a.title for a in read.articles()])
        return "read"

    results: list[str] = []
    reader = threading.Thread(target=lambda: results.append(library.read(reading)))
    reader.start()
    assert inside.wait(10)
    port = Document(key="chat:port", title="Port reopens", text="The port reopened on Monday.")
    writer = threading.Thread(target=lambda: library.ingest([port]))
    writer.start()
    writer.join(0.3)
    assert writer.is_alive()  # the ingest waits for the read to finish
    go_on.set()
    reader.join(10)
    writer.join(10)
    assert results == ["read"]
    assert seen == [[BRIDGE_TITLE, SEED_TITLE]] * 2
    assert [a.title for a in library.articles()] == [BRIDGE_TITLE, SEED_TITLE, "Port reopens"]


def test_bad_file_in_a_folder_is_reported_and_the_rest_indexed(
    open_library: OpenLibrary, corpus: Path
) -> None:
    bad = corpus / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    library = open_library()
    report = library.ingest_paths([corpus])
    assert [path for path, _ in report.failed] == [str(bad)]
    assert "not a UTF-8 text file" in report.failed[0][1]
    assert sorted(report.added) == sorted([BRIDGE_TITLE, SEED_TITLE])
    assert_answers_troops_question(library)


def test_missing_path_is_reported_not_raised(open_library: OpenLibrary, tmp_path: Path) -> None:
    library = open_library()
    report = library.ingest_paths([tmp_path / "nowhere.txt"])
    assert len(report.failed) == 1
    assert "no such file or folder" in report.failed[0][1]
    assert library.is_empty()


def test_missing_path_does_not_stop_the_good_ones(
    open_library: OpenLibrary, corpus: Path, tmp_path: Path
) -> None:
    library = open_library()
    report = library.ingest_paths([corpus / "bridge.txt", tmp_path / "nowhere.txt"])
    assert report.added == [BRIDGE_TITLE]
    assert len(report.failed) == 1


# -- removing and reindexing -----------------------------------------------------------------


def test_remove_deletes_the_article_and_its_passages(library: Library) -> None:
    bridge = library.article("harbour bridge")
    ids = [p.id for p in library.article_passages(bridge.id)]
    library.remove(bridge.id)

    assert [a.title for a in library.articles()] == [SEED_TITLE]
    assert library.article_passages(bridge.id) == []
    assert library.store.passages(ids) == {}
    assert_derived_indexes_match_the_database(library)
    hits = library.search("Harbour Bridge reopened corroded cables ferry", k=20)
    assert all(hit.article.id != bridge.id for hit in hits)
    assert_answers_troops_question(library)

    library.close()
    reopened = Library(library.data_dir, library.settings, library.embedder)
    try:
        assert [a.title for a in reopened.articles()] == [SEED_TITLE]
        hits = reopened.search("Harbour Bridge reopened corroded cables ferry", k=20)
        assert all(hit.article.id != bridge.id for hit in hits)
    finally:
        reopened.close()


def test_removing_the_last_article_empties_the_library(library: Library) -> None:
    for article in library.articles():
        library.remove(article.id)
    assert library.is_empty()
    assert library.search(TROOPS_QUESTION) == []
    assert len(library.indexes.vectors) == 0


def test_reindex_keeps_articles_and_search(library: Library) -> None:
    titles = [(a.id, a.title, a.passage_count) for a in library.articles()]
    assert library.reindex() == library.store.passage_count()
    assert [(a.id, a.title, a.passage_count) for a in library.articles()] == titles
    assert_derived_indexes_match_the_database(library)
    assert_answers_troops_question(library)


# -- the model the vectors come from -----------------------------------------------------


def test_a_different_model_name_is_refused_with_a_hint_to_reindex(library: Library) -> None:
    data_dir = library.data_dir
    library.close()
    other = HashingEncoder(OTHER_MODEL_NAME)
    # Refused when opened or, at the latest, when first used.
    with pytest.raises(StoreError, match="reindex") as caught:
        refused = Library(data_dir, library.settings, other)
        try:
            refused.search(TROOPS_QUESTION)
        finally:
            refused.close()
    assert "all-MiniLM-L6-v2" in str(caught.value)
    # The refusal changed nothing: the original model still opens and answers.
    reopened = Library(data_dir, library.settings, library.embedder)
    try:
        assert_answers_troops_question(reopened)
    finally:
        reopened.close()


def test_reindex_under_a_new_model_name_switches_the_library_to_it(library: Library) -> None:
    data_dir = library.data_dir
    library.close()
    switched = Library(data_dir, library.settings, HashingEncoder(OTHER_MODEL_NAME))
    try:
        assert switched.reindex() == switched.store.passage_count()
        assert switched.store.get_meta("model") == OTHER_MODEL_NAME
        assert_answers_troops_question(switched)
    finally:
        switched.close()
    # Now the old name is the stale one.
    old = Library(data_dir, library.settings, library.embedder)
    try:
        with pytest.raises(StoreError, match="reindex"):
            old.search(TROOPS_QUESTION)
    finally:
        old.close()


def test_an_empty_library_accepts_any_model_name(open_library: OpenLibrary) -> None:
    open_library().close()
    other = open_library(embedder=HashingEncoder(OTHER_MODEL_NAME))
    assert other.is_empty()


def test_garbage_database_is_a_store_error(data_dir: Path, open_library: OpenLibrary) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "newsbot.sqlite3").write_bytes(b"garbage, not sqlite \x00\xff" * 100)
    with pytest.raises(StoreError, match="cannot open the article database"):
        open_library()


class CountingEncoder:
    """The encoder, counting the texts it embeds."""

    def __init__(self, inner: HashingEncoder):
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.texts: list[str] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.inner.encode(texts)


def test_a_question_searched_again_is_not_embedded_again(
    open_library: OpenLibrary, encoder: HashingEncoder
) -> None:
    library = open_library()
    library.ingest([Document(key="k", title="Storm", text="A storm hit the coast.")])
    counting = CountingEncoder(encoder)
    library.embedder = counting
    first = library.search("storm coast", k=1)
    # Searched again among other dates, as a "latest" question is: the same vector serves.
    again = library.search("storm coast", k=1, filters=Filters(since="2000-01-01"))
    assert counting.texts == ["storm coast"]
    assert first[0].article.title == "Storm" and again == []
    library.search("a different question", k=1)
    assert counting.texts == ["storm coast", "a different question"]
