"""The Library facade on small real corpora: ingest, search, update, remove, crashes, repair."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.embedding import Embedder
from index.lexical import LexicalIndex
from index.library import IndexSettings, Library, StoreError
from index.models import Document
from index.vectors import FaissIndex

OpenLibrary = Callable[..., Library]
WriteArticle = Callable[..., Path]

BRIDGE_TITLE = "Harbour Bridge Reopens After Two-Year Repair"
BRIDGE_PARAGRAPHS = (
    "The Harbour Bridge reopened to traffic on Tuesday after a two-year repair programme that "
    "cost the city council more than 40 million pounds.",
    "Engineers replaced the corroded steel cables installed in 1932. They also resurfaced the "
    "deck with a lighter composite material.",
    "Cafés near the ferry terminal said trade had fallen by almost a third during the closure.",
)
TROOPS_QUESTION = "how many Chinese troops"
# The bundled model under its other accepted name: a different name, so no download is needed.
OTHER_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
SEED_TITLE = "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"


@pytest.fixture
def corpus(tmp_path: Path, seed_text: str, write_article: WriteArticle) -> Path:
    """A folder with a writable copy of the seed article and a short article about a bridge."""
    folder = tmp_path / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seed.txt").write_text(seed_text, encoding="utf-8")
    write_article("bridge.txt", BRIDGE_TITLE, *BRIDGE_PARAGRAPHS)
    return folder


@pytest.fixture
def library(open_library: OpenLibrary, corpus: Path) -> Library:
    """A library holding the corpus, freshly ingested."""
    library = open_library()
    report = library.ingest_paths([corpus])
    assert sorted(report.added) == sorted([BRIDGE_TITLE, SEED_TITLE])
    return library


def snapshot(library: Library) -> dict[str, list[tuple[int, str]]]:
    """Every article's passages as (id, text), keyed by title: the database's visible state."""
    return {
        article.title: [(p.id, p.text) for p in library.article_passages(article.id)]
        for article in library.articles()
    }


def generation_folders(data_dir: Path) -> list[str]:
    return sorted(folder.name for folder in (data_dir / "generations").iterdir())


def assert_answers_troops_question(library: Library) -> None:
    hits = library.search(TROOPS_QUESTION)
    assert hits, "search found nothing"
    assert "150,000" in hits[0].passage.text
    assert hits[0].article.title == SEED_TITLE


def assert_derived_indexes_match_the_database(library: Library) -> None:
    count = library.store.passage_count()
    assert len(library.vectors) == count
    assert len(library.lexical.ids) == count


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
    reopened = Library(library.data_dir, embedder=library.embedder)
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
    """A lock that notes when it is taken and given back."""

    def __init__(self) -> None:
        self.held = False
        self.events: list[str] = []

    def __enter__(self) -> None:
        self.held = True
        self.events.append("take")

    def __exit__(self, *exc: object) -> None:
        self.held = False
        self.events.append("give back")


class WatchedEmbedder:
    """The real embedder, noting for each call whether `lock` was held."""

    def __init__(self, inner: Embedder, lock: RecordingLock):
        self.inner, self.lock = inner, lock
        self.held_while_encoding: list[bool] = []

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.held_while_encoding.append(self.lock.held)
        return self.inner.encode(texts)


def test_an_ingest_given_a_lock_holds_it_to_read_and_write_but_not_to_embed(
    open_library: OpenLibrary,
) -> None:
    library = open_library()
    lock = RecordingLock()
    watched = WatchedEmbedder(library.embedder, lock)
    library.embedder = watched  # type: ignore[assignment]
    storm = Document(key="https://example.com/x", title="Storm", text="A storm hit the coast.")
    report = library.ingest([storm], lock=lock)
    assert report.added == ["Storm"]
    assert watched.held_while_encoding == [False]
    assert lock.events == ["take", "give back", "take", "give back"]
    assert library.ingest([storm], lock=lock).unchanged == ["Storm"]
    assert watched.held_while_encoding == [False]  # nothing new: nothing embedded
    assert library.search("storm coast", k=1)[0].article.title == "Storm"


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
    reopened = Library(library.data_dir, embedder=library.embedder)
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
    assert len(library.vectors) == 0


def test_remove_on_a_fresh_open_does_not_rebuild_the_vector_index(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    library.close()
    reopened = Library(library.data_dir, embedder=library.embedder)
    try:
        with caplog.at_level(logging.WARNING, logger="index.library"):
            reopened.remove(reopened.article("harbour bridge").id)
        assert "out of step" not in caplog.text
    finally:
        reopened.close()


def test_reindex_keeps_articles_and_search(library: Library) -> None:
    titles = [(a.id, a.title, a.passage_count) for a in library.articles()]
    assert library.reindex() == library.store.passage_count()
    assert [(a.id, a.title, a.passage_count) for a in library.articles()] == titles
    assert_derived_indexes_match_the_database(library)
    assert_answers_troops_question(library)


# -- atomic writes, repair and guards ---------------------------------------------------------


@pytest.mark.parametrize("failing", [LexicalIndex, FaissIndex], ids=["bm25", "faiss"])
def test_crash_mid_ingest_keeps_the_previous_state(
    library: Library,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
    failing: type,
) -> None:
    before = snapshot(library)
    generation = library.store.get_meta("generation")
    data_dir = library.data_dir
    assert generation_folders(data_dir) == [generation]

    def crash(self: object, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_name(path.name + ".partial").write_bytes(b"half written")
        raise OSError("disk full")

    monkeypatch.setattr(failing, "save", crash)
    write_article("bridge.txt", BRIDGE_TITLE, "A completely rewritten story about bearings.")
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([library.data_dir.parent / "articles"])
    monkeypatch.undo()

    # Same object: the database rolled back and the old indexes still answer.
    assert snapshot(library) == before
    assert library.store.get_meta("generation") == generation
    assert_derived_indexes_match_the_database(library)
    assert_answers_troops_question(library)
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"

    # A fresh open sees the same previous state and clears the half-written generation.
    library.close()
    reopened = Library(data_dir, embedder=library.embedder)
    try:
        assert generation_folders(data_dir) == [generation]
        assert snapshot(reopened) == before
        assert_answers_troops_question(reopened)
        # The crash left nothing in the way of the next write.
        report = reopened.ingest_paths([data_dir.parent / "articles"])
        assert report.updated == [BRIDGE_TITLE]
        assert report.added == ["Volcano Erupts"]
        assert reopened.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    finally:
        reopened.close()


def test_crash_on_the_first_ingest_leaves_an_empty_library(
    open_library: OpenLibrary, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_library()

    def crash(self: object, folder: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(LexicalIndex, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([corpus])
    monkeypatch.undo()
    assert library.is_empty()
    assert library.articles() == []
    assert library.search(TROOPS_QUESTION) == []
    assert library.ingest_paths([corpus]).passages > 0
    assert_answers_troops_question(library)


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_damaged_vector_file_is_rebuilt_on_open(
    library: Library, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = library.data_dir
    current = data_dir / "generations" / library.store.get_meta("generation")  # type: ignore[operator]
    library.close()
    vectors_file = current / "vectors.faiss"
    assert vectors_file.is_file()
    if damage == "delete":
        vectors_file.unlink()
    else:
        vectors_file.write_bytes(b"\x00\x01garbage, not a FAISS index" * 50)

    reopened = Library(data_dir, embedder=library.embedder)
    try:
        with caplog.at_level(logging.WARNING, logger="index.library"):
            assert_answers_troops_question(reopened)
        assert "rebuilding" in caplog.text
        assert_derived_indexes_match_the_database(reopened)
        dense_ids, _ = reopened.vectors.search(reopened.embedder.encode([TROOPS_QUESTION])[0], 1)
        assert "150,000" in reopened.store.passages(dense_ids.tolist())[int(dense_ids[0])].text
    finally:
        reopened.close()


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_damaged_bm25_folder_is_rebuilt_on_open(library: Library, damage: str) -> None:
    data_dir = library.data_dir
    current = data_dir / "generations" / library.store.get_meta("generation")  # type: ignore[operator]
    library.close()
    bm25 = current / "bm25"
    if damage == "delete":
        shutil.rmtree(bm25)
    else:
        for file in bm25.iterdir():
            file.write_bytes(b"\xff\xfe garbage")

    reopened = Library(data_dir, embedder=library.embedder)
    try:
        assert_answers_troops_question(reopened)
        assert_derived_indexes_match_the_database(reopened)
        ids, _ = reopened.lexical.search("troop", 50)
        assert len(ids) > 0
    finally:
        reopened.close()


def test_stale_generation_folders_are_removed_on_open(library: Library) -> None:
    data_dir = library.data_dir
    current = library.store.get_meta("generation")
    library.close()
    for stale in ["0", "99", str(int(current) + 1)]:  # type: ignore[arg-type]
        (data_dir / "generations" / stale).mkdir()
        (data_dir / "generations" / stale / "vectors.faiss").write_bytes(b"leftover")

    reopened = Library(data_dir, embedder=library.embedder)
    try:
        assert generation_folders(data_dir) == [current]
        assert_answers_troops_question(reopened)
    finally:
        reopened.close()


def test_each_write_keeps_only_the_new_generation(library: Library) -> None:
    data_dir = library.data_dir
    first = library.store.get_meta("generation")
    library.remove(library.article("harbour bridge").id)
    second = library.store.get_meta("generation")
    assert int(second) == int(first) + 1  # type: ignore[arg-type]
    assert generation_folders(data_dir) == [second]


def test_a_different_model_name_is_refused_with_a_hint_to_reindex(library: Library) -> None:
    data_dir = library.data_dir
    library.close()
    other = IndexSettings(model=OTHER_MODEL_NAME)
    # Refused when opened or, at the latest, when first used.
    with pytest.raises(StoreError, match="reindex") as caught:
        refused = Library(data_dir, other, embedder=library.embedder)
        try:
            refused.search(TROOPS_QUESTION)
        finally:
            refused.close()
    assert "all-MiniLM-L6-v2" in str(caught.value)
    # The refusal changed nothing: the original settings still open and answer.
    reopened = Library(data_dir, embedder=library.embedder)
    try:
        assert_answers_troops_question(reopened)
    finally:
        reopened.close()


def test_reindex_under_a_new_model_name_switches_the_library_to_it(library: Library) -> None:
    data_dir = library.data_dir
    library.close()
    switched = Library(data_dir, IndexSettings(model=OTHER_MODEL_NAME), embedder=library.embedder)
    try:
        assert switched.reindex() == switched.store.passage_count()
        assert switched.store.get_meta("model") == OTHER_MODEL_NAME
        assert_answers_troops_question(switched)
    finally:
        switched.close()
    # Now the old name is the stale one.
    old = Library(data_dir, embedder=library.embedder)
    try:
        with pytest.raises(StoreError, match="reindex"):
            old.search(TROOPS_QUESTION)
    finally:
        old.close()


def test_an_empty_library_accepts_any_model_name(open_library: OpenLibrary) -> None:
    open_library().close()
    other = open_library(IndexSettings(model=OTHER_MODEL_NAME))
    assert other.is_empty()


def test_garbage_database_is_a_store_error(data_dir: Path, open_library: OpenLibrary) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "newsbot.sqlite3").write_bytes(b"garbage, not sqlite \x00\xff" * 100)
    with pytest.raises(StoreError, match="cannot open the article database"):
        open_library()


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


def test_a_rebuilt_vector_index_is_saved_for_the_next_open(
    library: Library, data_dir: Path, open_library: OpenLibrary
) -> None:
    (faiss_file,) = data_dir.glob("generations/*/vectors.faiss")
    faiss_file.write_bytes(b"garbage")
    assert len(open_library().vectors) == library.store.passage_count()
    assert len(FaissIndex.load(faiss_file)) == library.store.passage_count()
