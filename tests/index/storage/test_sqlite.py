"""The SQLite article store: the contract, migrations, clear errors, half-precision vectors, one
connection shared safely by threads, other processes' writes and read-only files."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index.models import Chunk, Span
from index.storage import sqlite_database
from index.storage.article_store import ArticleStore
from index.storage.protocols import StoreError
from index.storage.sqlite import SqliteArticleStore
from index.storage.sqlite_database import MIGRATIONS, Database
from tests.index.storage.contract import (
    DIMENSION,
    ArticleStoreContract,
    OpenArticleStore,
    document,
    signature,
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsbot.sqlite3"


@pytest.fixture
def open_article_store(db_path: Path) -> Iterator[OpenArticleStore]:
    opened: list[ArticleStore] = []

    def open_() -> ArticleStore:
        opened.append(SqliteArticleStore(Database(db_path)))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


class TestSqliteArticleStore(ArticleStoreContract):
    pass


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_migrations_set_user_version_and_keep_data(
    open_article_store: OpenArticleStore, db_path: Path
) -> None:
    store = open_article_store()
    assert user_version(db_path) == len(MIGRATIONS)
    with store.transaction():
        store.set_meta("generation", "3")
    store.close()
    reopened = open_article_store()  # a second open must not re-run the migrations
    assert reopened.get_meta("generation") == "3"
    assert user_version(db_path) == len(MIGRATIONS)


def test_articles_stored_before_scopes_are_shared_after_the_migration(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as db:
        for number, script in enumerate(MIGRATIONS[:3], start=1):
            db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
        db.execute(
            "INSERT INTO articles (key, title, content_hash) VALUES ('/a.txt', 'Old story', 'h')"
        )
        db.commit()
    store = SqliteArticleStore(Database(db_path))
    try:
        assert user_version(db_path) == len(MIGRATIONS)
        (article,) = store.visible_articles(None)
        assert (article.title, article.scope, article.added_by) == ("Old story", None, None)
        assert store.visible_articles("discord:1") == [article]
    finally:
        store.close()


def test_articles_stored_before_update_dates_are_undated_after_the_migration(
    db_path: Path,
) -> None:
    with closing(sqlite3.connect(db_path)) as db:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
        db.execute(
            "INSERT INTO articles (key, title, published, content_hash) "
            "VALUES ('/a.txt', 'Old story', '2017-04-03', 'h')"
        )
        db.commit()
    store = SqliteArticleStore(Database(db_path))
    try:
        (article,) = store.visible_articles(None)
        assert (article.published, article.updated) == ("2017-04-03", None)
    finally:
        store.close()


def test_an_article_stored_before_versions_has_one_its_text_then(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as db:
        for number, script in enumerate(MIGRATIONS[:6], start=1):
            db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
        db.execute(
            "INSERT INTO articles (key, title, published, updated, content_hash, added_at) "
            "VALUES ('/a.txt', 'Old story', '2017-04-03', '2017-04-10', 'h', '2017-04-11 08:00:00')"
        )
        db.execute("INSERT INTO articles (key, title, content_hash) VALUES ('/b.txt', 'Bare', 'h')")
        passages = [  # stored out of order: the version follows their positions
            (1, 2, "Le café ferme. Il rouvre lundi.", "[[0, 14], [15, 31]]"),
            (1, 1, "The bridge “closed” today.", "[[0, 26]]"),
        ]
        db.executemany(
            "INSERT INTO passages (article_id, position, paragraph, text, sentences, "
            "sentence_vectors) VALUES (?, ?, 1, ?, ?, x'')",
            passages,
        )
        db.commit()
    store = SqliteArticleStore(Database(db_path))
    try:
        (version,) = store.versions(1)
        assert version.sentences == (
            "The bridge “closed” today.",
            "Le café ferme.",
            "Il rouvre lundi.",
        )
        assert (version.number, version.seen_at) == (1, "2017-04-11 08:00:00")
        assert (version.published, version.updated) == ("2017-04-03", "2017-04-10")
        assert [v.sentences for v in store.versions(2)] == [()]
    finally:
        store.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Database(db_path).close()
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer"):
        Database(db_path)


def test_garbage_file_raises_store_error_naming_the_file(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all \x00\xff" * 200)
    with pytest.raises(StoreError) as caught:
        Database(db_path)
    message = str(caught.value)
    assert str(db_path) in message
    assert "not a database" in message
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)


def test_sentence_vectors_are_stored_in_half_precision(
    open_article_store: OpenArticleStore,
) -> None:
    store = open_article_store()
    chunks = [
        Chunk(1, "First sentence. Second one.", (Span(0, 15), Span(16, 27))),
        Chunk(3, "A lone “quoted” sentence.", (Span(0, 25),)),
    ]
    rng = np.random.default_rng(7)
    vectors = [rng.standard_normal((2, DIMENSION)), rng.standard_normal((1, DIMENSION))]
    vectors = [(v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32) for v in vectors]
    with store.transaction():
        ids = store.insert_passages(store.upsert_article(document(), "h1"), chunks, vectors)
    stored = store.sentence_vectors(ids, DIMENSION)
    for pid, original in zip(ids, vectors, strict=True):
        # Stored as float16: exactly the float16 rounding of the input, no more loss than that.
        np.testing.assert_array_equal(stored[pid], original.astype(np.float16).astype(np.float32))


def test_a_transaction_runs_alone_while_other_threads_read(
    open_article_store: OpenArticleStore,
) -> None:
    """Chat handlers and the feed poller share one connection: a reader on another thread
    waits for an open transaction instead of seeing its uncommitted rows."""
    store = open_article_store()
    seen: list[int] = []
    started = threading.Event()
    reader = threading.Thread(target=lambda: (started.set(), seen.append(len(store.articles()))))
    with store.transaction():
        store.upsert_article(document(), "h1")
        reader.start()
        assert started.wait(5)
        reader.join(0.2)
        assert reader.is_alive()  # waiting for the transaction
        store.upsert_article(document("k2", "Second"), "h2")
    reader.join(5)
    assert seen == [2]


# -- other processes, read-only files ------------------------------------------------------


def test_a_write_that_outwaits_another_connections_write_is_a_clear_error(db_path: Path) -> None:
    first, second = Database(db_path), Database(db_path, wait_seconds=0.1)
    try:
        with first.transaction():
            first.run("INSERT INTO meta (key, value) VALUES ('first', '1')")
            with pytest.raises(StoreError) as caught, second.transaction():
                pass
            assert str(caught.value) == (
                f"another process is writing to {db_path.parent}; try again when it has finished"
            )
            # Reading goes on meanwhile, from the last commit.
            assert second.row("SELECT value FROM meta WHERE key = 'first'") is None
        with second.transaction():
            second.run("INSERT INTO meta (key, value) VALUES ('second', '2')")
        assert first.rows("SELECT key FROM meta ORDER BY key") == [("first",), ("second",)]
    finally:
        first.close()
        second.close()


def test_a_write_waits_for_another_connections_write_and_says_so(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = Database(db_path), Database(db_path)
    written = threading.Event()

    def write() -> None:
        with second.transaction():
            second.run("INSERT INTO meta (key, value) VALUES ('second', '2')")
        written.set()

    writer = threading.Thread(target=write)
    try:
        with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
            with first.transaction():
                first.run("INSERT INTO meta (key, value) VALUES ('first', '1')")
                writer.start()
                wait_for(lambda: "another process is writing" in caplog.text)
                assert not written.is_set()
            writer.join(30)
        assert written.is_set()
        assert first.rows("SELECT key FROM meta ORDER BY key") == [("first",), ("second",)]
    finally:
        first.close()
        second.close()


def test_a_new_file_migrated_by_another_process_while_this_one_waits(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two processes opening one new data folder at once: the one that waited for the other's
    migrations finds them done."""
    migrated = db_path.with_name("migrated.sqlite3")
    Database(migrated).close()
    with closing(sqlite3.connect(migrated)) as db:
        schema = db.execute(
            "SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("BEGIN IMMEDIATE")
    opened: list[Database | BaseException] = []

    def open_() -> None:
        try:
            opened.append(Database(db_path))
        except BaseException as error:  # the test reports it below
            opened.append(error)

    opener = threading.Thread(target=open_)
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
        opener.start()
        wait_for(lambda: "another process is writing" in caplog.text or bool(opened))
    for (statement,) in schema:  # the other process's migrations, in its open transaction
        other.execute(statement)
    other.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    other.execute("COMMIT")
    other.close()
    opener.join(30)
    (database,) = opened
    assert isinstance(database, Database), database
    database.close()
    assert user_version(db_path) == len(MIGRATIONS)


def test_a_read_only_database_reads_and_refuses_every_write(
    open_article_store: OpenArticleStore, db_path: Path
) -> None:
    store = open_article_store()
    with store.transaction():
        store.upsert_article(document(), "h1")
    store.close()

    database = Database(db_path, read_only=True)
    try:
        assert [a.title for a in SqliteArticleStore(database).articles()] == [document().title]
        message = f"{db_path.parent} is read-only: newsbot can answer from it but not write to it"
        with pytest.raises(StoreError) as caught, database.transaction():
            pass
        assert str(caught.value) == message
        # The connection itself is read-only (`mode=ro`): SQLite refuses a write outside one.
        with pytest.raises(StoreError) as caught:
            database.run("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        assert str(caught.value) == message
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    finally:
        database.close()
    assert SqliteArticleStore(Database(db_path)).get_meta("x") is None


def test_a_read_only_database_of_an_older_schema_is_refused_clearly(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as db:
        db.executescript(f"{MIGRATIONS[0]}; PRAGMA user_version = 1;")
    with pytest.raises(StoreError, match=r"needs upgrading from schema 1 .* is read-only"):
        Database(db_path, read_only=True)
    assert user_version(db_path) == 1


def wait_for(condition: Callable[[], bool]) -> None:
    """Until `condition` holds (another thread has reached a point), or fail after 30 s."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_signatures_stored_before_their_bands_are_found_after_the_migration(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_database, "_BAND_PAGE", 2)  # several pages of articles
    old = Database(db_path, migrations=MIGRATIONS[:7])
    with old.transaction():
        for n in range(5):
            old.run(
                "INSERT INTO articles (key, title, content_hash, text_hash, minhash) "
                "VALUES (?, 'Old', 'h', 't', ?)",
                (f"/{n}.txt", signature(n).tobytes()),
            )
        old.run("INSERT INTO articles (key, title, content_hash) VALUES ('/bare.txt', 'B', 'h')")
    old.close()
    store = SqliteArticleStore(Database(db_path))
    try:
        assert user_version(db_path) == len(MIGRATIONS)
        for n in range(5):
            assert store.minhash_matches(signature(n), at_least=1) == {n + 1: 128}
        with store.transaction():  # the migrated bands are replaced like any others
            store.set_fingerprints(1, None, "t", signature(9))
        assert store.minhash_matches(signature(0), at_least=1) == {}
        assert store.minhash_matches(signature(9), at_least=1) == {1: 128}
    finally:
        store.close()
