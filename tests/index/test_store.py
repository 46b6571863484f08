"""SQLite storage: migrations, clear errors, transactions, and lossless round trips."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index.models import Chunk, Document, Span
from index.store import MIGRATIONS, Store, StoreError

DIMENSION = 4


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsbot.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    store = Store(db_path)
    yield store
    store.close()


def document(key: str = "https://example.com/a", title: str = "Bridge reopens") -> Document:
    return Document(key=key, title=title, text="unused here", source="Herald", url=key)


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_migrations_set_user_version_and_keep_data(store: Store, db_path: Path) -> None:
    assert user_version(db_path) == len(MIGRATIONS)
    with store.transaction():
        store.set_meta("generation", "3")
    store.close()
    reopened = Store(db_path)  # a second open must not re-run the migrations
    try:
        assert reopened.get_meta("generation") == "3"
        assert user_version(db_path) == len(MIGRATIONS)
    finally:
        reopened.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(db_path)


def test_garbage_file_raises_store_error_naming_the_file(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all \x00\xff" * 200)
    with pytest.raises(StoreError) as caught:
        Store(db_path)
    message = str(caught.value)
    assert str(db_path) in message
    assert "not a database" in message
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)


def test_transaction_rolls_back_on_exception(store: Store) -> None:
    with store.transaction():
        store.set_meta("model", "kept")
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        store.set_meta("model", "lost")
        store.upsert_article(document(), "hash")
        raise RuntimeError("boom")
    assert store.get_meta("model") == "kept"
    assert store.articles() == []
    # The connection is usable again after the rollback.
    with store.transaction():
        store.set_meta("model", "again")
    assert store.get_meta("model") == "again"


def test_committed_writes_survive_reopening(store: Store, db_path: Path) -> None:
    with store.transaction():
        article_id = store.upsert_article(document(), "h1")
    store.close()
    reopened = Store(db_path)
    try:
        assert reopened.content_hash("https://example.com/a") == (article_id, "h1")
    finally:
        reopened.close()


def test_passages_and_sentence_vectors_round_trip(store: Store) -> None:
    chunks = [
        Chunk(1, "First sentence. Second one.", (Span(0, 15), Span(16, 27))),
        Chunk(3, "A lone “quoted” sentence.", (Span(0, 25),)),
    ]
    rng = np.random.default_rng(7)
    vectors = [rng.standard_normal((2, DIMENSION)), rng.standard_normal((1, DIMENSION))]
    vectors = [(v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32) for v in vectors]
    with store.transaction():
        article_id = store.upsert_article(document(), "h1")
        ids = store.insert_passages(article_id, chunks, vectors)

    assert len(set(ids)) == 2
    passages = store.passages(ids)
    assert set(passages) == set(ids)
    for position, (pid, chunk) in enumerate(zip(ids, chunks, strict=True)):
        passage = passages[pid]
        assert passage.article_id == article_id
        assert passage.position == position
        assert passage.paragraph == chunk.paragraph
        assert passage.text == chunk.text
        assert passage.sentences == chunk.sentences
    assert passages[ids[0]].sentence_text(1) == "Second one."
    assert [p.id for p in store.article_passages(article_id)] == ids

    stored = store.sentence_vectors(ids, DIMENSION)
    for pid, original in zip(ids, vectors, strict=True):
        assert stored[pid].dtype == np.float32
        assert stored[pid].shape == original.shape
        # Stored as float16: exactly the float16 rounding of the input, no more loss than that.
        np.testing.assert_array_equal(stored[pid], original.astype(np.float16).astype(np.float32))
    assert store.passage_count() == 2
    assert store.all_passage_texts() == (ids, [c.text for c in chunks])


def test_upsert_keeps_the_id_and_delete_removes_passages(store: Store) -> None:
    chunk = Chunk(1, "Text.", (Span(0, 5),))
    vector = [np.ones((1, DIMENSION), dtype=np.float32)]
    with store.transaction():
        first = store.upsert_article(document(), "h1")
        other = store.upsert_article(document("k2", "Other story"), "h9")
        old_ids = store.insert_passages(first, [chunk], vector)
        store.insert_passages(other, [chunk], vector)
    with store.transaction():
        again = store.upsert_article(document(title="Bridge reopens at last"), "h2")
    assert again == first
    article = store.article(first)
    assert article is not None
    assert article.title == "Bridge reopens at last"
    assert article.passage_count == 1
    assert store.content_hash("https://example.com/a") == (first, "h2")

    with store.transaction():
        assert store.delete_article(first) == old_ids
    assert store.article(first) is None
    assert store.passages(old_ids) == {}
    assert [(a.title, a.passage_count) for a in store.articles()] == [("Other story", 1)]
    assert store.content_hash("https://example.com/a") is None


def test_lookups_with_no_ids_return_nothing(store: Store) -> None:
    assert store.passages([]) == {}
    assert store.sentence_vectors([], DIMENSION) == {}
    assert store.get_meta("missing") is None
