"""The library on each storage backend: ingest, update, remove, search, reindex and a crash
mid-ingest, as a user's commands drive them, with the same results on both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from index.library import Library
from index.models import Document
from index.neardup import minhash
from index.settings import IndexSettings
from index.storage.postgres.state import COLUMNS as STATE_COLUMNS
from tests.support.corpus import (
    BRIDGE_TITLE,
    SEED_TITLE,
    assert_answers_troops_question,
    assert_derived_indexes_match_the_database,
    snapshot,
)
from tests.support.encoder import HashingEncoder
from tests.support.updates import TITLE, write_version

OpenLibrary = Callable[[], Library]
WriteArticle = Callable[..., Path]


@pytest.fixture(params=["sqlite", "postgres"])
def open_backend(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[OpenLibrary]:
    """Opens a library on one corpus of the backend (each call as another process would)."""
    backend = request.param
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    settings = replace(IndexSettings(), backend=backend)
    opened: list[Library] = []

    def open_() -> Library:
        opened.append(Library(data_dir, settings, HashingEncoder(), database_url=url))
        return opened[-1]

    yield open_
    for library in opened:
        library.close()


def test_ingest_update_remove_and_search(
    open_backend: OpenLibrary, corpus: Path, write_article: WriteArticle
) -> None:
    library = open_backend()
    assert library.is_empty()
    report = library.ingest_paths([corpus])
    assert sorted(report.added) == sorted([SEED_TITLE, BRIDGE_TITLE])
    assert_answers_troops_question(library)
    assert_derived_indexes_match_the_database(library)

    write_article("bridge.txt", BRIDGE_TITLE, "Bearings, not cables, were replaced in the end.")
    report = library.ingest_paths([library.data_dir.parent / "articles"])
    assert report.updated == [BRIDGE_TITLE]
    hit = library.search("which bearings were replaced", k=1)[0]
    assert hit.article.title == BRIDGE_TITLE
    assert "Bearings" in hit.passage.text
    assert all("corroded" not in p.text for p in library.article_passages(hit.article.id))

    library.remove(hit.article.id)
    assert [a.title for a in library.articles()] == [SEED_TITLE]
    assert all(h.article.title == SEED_TITLE for h in library.search("bearings cables", k=5))
    assert_derived_indexes_match_the_database(library)


def test_another_process_answers_from_a_new_article_without_reopening(
    open_backend: OpenLibrary, corpus: Path, write_article: WriteArticle
) -> None:
    reader, writer = open_backend(), open_backend()
    writer.ingest_paths([corpus])
    assert_answers_troops_question(reader)
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")
    writer.ingest_paths([writer.data_dir.parent / "articles"])
    hit = reader.search("Lava sea volcano", k=1)[0]
    assert hit.article.title == "Volcano Erupts"
    assert hit.lexical > 0


def test_reindex_re_embeds_every_passage(open_backend: OpenLibrary, corpus: Path) -> None:
    library = open_backend()
    library.ingest_paths([corpus])
    before = {
        title: [text for _, text in passages] for title, passages in snapshot(library).items()
    }
    assert library.reindex(embed=True) == library.store.passage_count()
    after = {title: [text for _, text in passages] for title, passages in snapshot(library).items()}
    assert after == before
    assert_answers_troops_question(library)
    assert_derived_indexes_match_the_database(library)


def test_a_crash_mid_ingest_keeps_the_previous_state(
    open_backend: OpenLibrary,
    corpus: Path,
    write_article: WriteArticle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_backend()
    library.ingest_paths([corpus])
    before = snapshot(library)
    write_article("new.txt", "Volcano Erupts", "Lava reached the sea on Friday.")

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(type(library.store), "set_fingerprints", crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest_paths([library.data_dir.parent / "articles"])
    monkeypatch.undo()
    assert snapshot(library) == before
    assert library.search("Lava sea volcano", k=1)[0].article.title != "Volcano Erupts"
    assert_derived_indexes_match_the_database(library)
    assert library.ingest_paths([library.data_dir.parent / "articles"]).added == ["Volcano Erupts"]


def test_a_changed_article_keeps_its_versions_and_a_new_date_alone_makes_none(
    open_backend: OpenLibrary, tmp_path: Path
) -> None:
    library = open_backend()
    path = tmp_path / "articles" / "bridge.md"
    library.ingest_paths([write_version(path, 1)])
    library.ingest_paths([write_version(path, 2)])
    (article,) = library.articles()
    ids = library.store.passage_ids(article.id)
    assert library.ingest_paths([write_version(path, 2, updated="2017-05-04")]).updated == [TITLE]
    assert library.store.passage_ids(article.id) == ids
    versions = library.versions(article.id)
    assert [(v.number, v.updated, len(v.sentences)) for v in versions] == [
        (1, None, 4),
        (2, "2017-05-03", 5),
    ]
    assert open_backend().versions(article.id) == versions  # as another process reads them
    library.remove(article.id)
    assert library.versions(article.id) == []


def wire_stories(seed: int) -> dict[str, str]:
    """Texts by key: a few stories, each run again with all but its first words rewritten, by
    amounts that put their similarity on both sides of the threshold."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{n}" for n in range(400)]

    def words(count: int) -> list[str]:
        return rng.choice(vocabulary, count).tolist()

    texts = {}
    for story in range(4):
        original = words(90)
        for kept in (90, 80, 70, 62, 55, 48, 40, 20):
            story_words = original[:kept] + words(90 - kept)
            sentences = [" ".join(story_words[i : i + 10]) + "." for i in range(0, 90, 10)]
            texts[f"https://example.com/{story}/{kept}"] = " ".join(sentences)
    return texts


def test_near_duplicates_linked_are_those_every_pair_compared_would_link(
    open_backend: OpenLibrary,
) -> None:
    library = open_backend()
    texts = wire_stories(seed=7)

    def ingest(keys: list[str]) -> None:
        library.ingest(Document(key, key, texts[key], source="Wire", url=key) for key in keys)

    keys = list(texts)
    ingest(keys[::2])  # across writes, and within one
    ingest(keys[1::2])
    texts[keys[3]] = wire_stories(seed=8)[keys[3]]  # rewritten: its old slots must go
    ingest([keys[3]])
    removed = next(a.id for a in library.articles() if a.title == keys[5])
    library.remove(removed)

    ids = {a.title: a.id for a in library.articles()}
    signatures = {key: minhash(texts[key]) for key in ids}
    threshold = library.settings.near_duplicate_threshold
    scores = {
        (one, two): float((signatures[one] == signatures[two]).mean())
        for one in ids
        for two in ids
        if one != two
    }
    expected = {pair for pair, score in scores.items() if score >= threshold}
    found = {(one, other.title) for one in ids for other in library.also_reported(ids[one])}
    assert found == expected
    # Pairs on both sides of the threshold, and some just below it.
    assert len(expected) >= 20
    assert any(threshold - 0.1 <= score < threshold for score in scores.values())


# What one warm search sends PostgreSQL: the model check, each index's search, the visibility
# of what they found, then the candidates with their vectors and articles in one read.
WARM_SEARCH_STATEMENTS = 5


def test_a_warm_search_on_postgres_sends_few_statements_and_reads_no_state(
    postgres_url: str, data_dir: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(IndexSettings(), backend="postgres")
    library = Library(data_dir, settings, HashingEncoder(), database_url=postgres_url)
    writer = Library(data_dir, settings, HashingEncoder(), database_url=postgres_url)
    try:
        writer.ingest_paths([corpus])
        assert_answers_troops_question(library)  # warm: the query's vector and the pool
        sent: list[str] = []
        execute = psycopg.Cursor.execute

        def counted(cursor: psycopg.Cursor, query: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(str(query))
            return execute(cursor, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", counted)
        for _ in range(2):
            sent.clear()
            assert_answers_troops_question(library)
            assert len(sent) == WARM_SEARCH_STATEMENTS, sent
            assert f"SELECT {STATE_COLUMNS} FROM index_state" not in sent  # nothing changed
        # A write by another process is still seen by the next search.
        writer.ingest(
            [Document("/volcano.txt", "Volcano Erupts", "Lava reached the sea on Friday.")]
        )
        assert library.search("Lava sea volcano", k=1)[0].article.title == "Volcano Erupts"
    finally:
        library.close()
        writer.close()
