"""The PostgreSQL backend: the storage contracts, then its migrations, clear connection errors,
and several processes on one database (commits seen, one writer at a time, no half writes,
leases that die with their holder)."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from index.storage.article_store import ArticleStore
from index.storage.postgres import PostgresSettings, indexes, open_postgres_storage
from index.storage.postgres.migrations import MIGRATIONS
from index.storage.protocols import FeedStore, StoreError
from tests.index.storage.contract import (
    ArticleStoreContract,
    FeedStoreContract,
    LeasesContract,
    OpenArticleStore,
    OpenStorage,
    OpenStores,
    PassageIndexesContract,
    document,
    one_chunk,
    signature,
    unit,
    write_passages,
)
from tests.support.postgres import PostgresServer


@pytest.fixture
def open_storage(open_postgres: OpenStorage) -> OpenStorage:
    return open_postgres


@pytest.fixture
def open_article_store(open_postgres: OpenStorage) -> OpenArticleStore:
    return lambda: open_postgres().articles


@pytest.fixture
def open_stores(open_postgres: OpenStorage) -> OpenStores:
    def open_() -> tuple[ArticleStore, FeedStore]:
        storage = open_postgres()
        return storage.articles, storage.feeds

    return open_


class TestPostgresArticleStore(ArticleStoreContract):
    pass


class TestPostgresFeedStore(FeedStoreContract):
    pass


class TestPostgresIndexes(PassageIndexesContract):
    pass


class TestPostgresLeases(LeasesContract):
    pass


def schema_version(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT version FROM schema_version").fetchone()[0]  # type: ignore[index]


# -- migrations ----------------------------------------------------------------------------


def test_migrations_run_once_and_keep_data(open_postgres: OpenStorage, postgres_url: str) -> None:
    storage = open_postgres()
    assert schema_version(postgres_url) == len(MIGRATIONS)
    with storage.articles.transaction():
        storage.articles.set_meta("generation", "3")
    storage.articles.close()
    reopened = open_postgres()  # a second open must not run the migrations again
    assert reopened.articles.get_meta("generation") == "3"
    assert schema_version(postgres_url) == len(MIGRATIONS)


def test_processes_starting_together_migrate_once(postgres_url: str) -> None:
    settings = PostgresSettings(pool_min_size=1, pool_max_size=1)
    with ThreadPoolExecutor(4) as pool:
        opened = list(
            pool.map(lambda _: open_postgres_storage(postgres_url, settings, 5), range(4))
        )
    try:
        assert schema_version(postgres_url) == len(MIGRATIONS)
        with psycopg.connect(postgres_url) as connection:
            assert connection.execute("SELECT count(*) FROM schema_version").fetchone() == (1,)
    finally:
        for storage in opened:
            storage.articles.close()


def test_an_article_stored_before_versions_has_one_its_text_then(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (1)")
        for statement in MIGRATIONS[0]:
            connection.execute(statement)
        connection.execute(
            "INSERT INTO articles (key, title, published, updated, content_hash, added_at) "
            "VALUES ('/a.txt', 'Old story', '2017-04-03', '2017-04-10', 'h', '2017-04-11 08:00:00')"
        )
        connection.execute(
            "INSERT INTO articles (key, title, content_hash) VALUES ('/b.txt', 'Bare', 'h')"
        )
        old, bare = (row[0] for row in connection.execute("SELECT id FROM articles ORDER BY id"))
        passages = [  # stored out of order: the version follows their positions
            (old, 1, "Le café ferme. Il rouvre lundi.", "[[0, 14], [15, 31]]"),
            (old, 0, "The bridge “closed” today.", "[[0, 26]]"),
        ]
        connection.cursor().executemany(
            "INSERT INTO passages (article_id, position, paragraph, text, sentences, "
            "sentence_vectors) VALUES (%s, %s, 1, %s, %s, '')",
            passages,
        )
    store = open_postgres().articles
    assert schema_version(postgres_url) == len(MIGRATIONS)
    (version,) = store.versions(old)
    assert version.sentences == ("The bridge “closed” today.", "Le café ferme.", "Il rouvre lundi.")
    assert (version.number, version.seen_at) == (1, "2017-04-11 08:00:00")
    assert (version.published, version.updated) == ("2017-04-03", "2017-04-10")
    assert [v.sentences for v in store.versions(bare)] == [()]


def test_a_newer_schema_is_refused(open_postgres: OpenStorage, postgres_url: str) -> None:
    open_postgres().articles.close()
    with psycopg.connect(postgres_url) as connection:
        connection.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match=f"newer newsbot \\(schema {len(MIGRATIONS) + 1}\\)"):
        open_postgres()


# -- connection errors ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://newsbot:s3cret@127.0.0.1:{port}/newsbot",  # nothing listens there
        "postgresql://newsbot:s3cret@127.0.0.1:notaport/newsbot",
        "postgresql://newsbot:s3cret@127.0.0.1:{port}/newsbot?sslmode=bogus",
        "host=127.0.0.1 port={port} password=s3cret dbname=newsbot",
    ],
    ids=["unreachable", "bad port", "bad option", "key-value"],
)
def test_a_server_that_cannot_be_used_is_one_line_without_the_password(url: str) -> None:
    settings = PostgresSettings(connect_timeout_seconds=2)
    with pytest.raises(StoreError) as caught:
        open_postgres_storage(url.format(port=free_port()), settings, 1)
    message = str(caught.value)
    assert message.startswith("cannot connect to the PostgreSQL database")
    assert "\n" not in message
    assert "s3cret" not in message


def test_a_missing_database_is_named(postgres_server: PostgresServer) -> None:
    with pytest.raises(StoreError, match=r'cannot connect to .*/nowhere: .*"nowhere" does not'):
        open_postgres_storage(postgres_server.url("nowhere"), PostgresSettings(), 1)


# -- several processes ---------------------------------------------------------------------


def waiting_writers(url: str) -> int:
    """How many sessions wait for an advisory lock (another's write lock)."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
    return int(row[0])  # type: ignore[index]


def wait_for_a_waiting_writer(url: str, gave_up: threading.Event) -> None:
    while not waiting_writers(url) and not gave_up.is_set():
        gave_up.wait(0.01)


def test_a_commit_by_one_process_is_seen_by_another(open_postgres: OpenStorage) -> None:
    writer, reader = open_postgres(), open_postgres()
    chunks, vectors = one_chunk("Ferries resumed after the strike.")
    with writer.indexes.writing():
        article_id = writer.articles.upsert_article(document(), "h")
        writer.articles.insert_passages(article_id, chunks, vectors)
        writer.feeds.add_feed("https://example.com/rss", "Herald")
    assert [a.id for a in reader.articles.articles()] == [article_id]
    assert [f.url for f in reader.feeds.feeds()] == ["https://example.com/rss"]
    reader.indexes.refresh()
    assert len(reader.indexes.lexical.search("ferry strike", 5)[0]) == 1


def test_a_process_that_found_the_corpus_empty_notices_the_first_passages(
    open_postgres: OpenStorage,
) -> None:
    writer, reader = open_postgres(), open_postgres()
    assert reader.indexes.is_empty()
    write_passages(writer)
    assert not reader.indexes.is_empty()
    assert len(reader.indexes.vectors) == len(reader.indexes.lexical) == 4


def test_a_write_waits_for_another_process_to_finish_its_own(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    first, second = open_postgres(), open_postgres()
    events: list[str] = []
    second_done = threading.Event()

    def second_writes() -> None:
        with second.articles.transaction():
            events.append("second writes")
            events.append(f"second sees {second.articles.get_meta('turn')}")
            second.articles.set_meta("turn", "second")
        second_done.set()

    with first.articles.transaction():
        first.articles.set_meta("turn", "first")
        thread = threading.Thread(target=second_writes)
        thread.start()
        wait_for_a_waiting_writer(postgres_url, second_done)
        events.append("first commits")
    thread.join()
    assert events == ["first commits", "second writes", "second sees first"]
    assert first.articles.get_meta("turn") == "second"


def test_a_write_that_waits_too_long_says_to_try_again(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    holder = open_postgres()
    impatient = open_postgres_storage(postgres_url, PostgresSettings(), wait_seconds=0.2)
    try:
        with holder.articles.transaction():
            holder.articles.set_meta("turn", "holder")
            with (
                pytest.raises(StoreError, match=r"another process is writing to .*; try again"),
                impatient.articles.transaction(),
            ):
                impatient.articles.set_meta("turn", "impatient")
        assert impatient.articles.get_meta("turn") == "holder"
    finally:
        impatient.articles.close()


def test_readers_never_see_half_a_write_nor_one_rolled_back(open_postgres: OpenStorage) -> None:
    writer, reader = open_postgres(), open_postgres()
    ids = write_passages(writer)
    chunks, _ = one_chunk("Volcanic ash closed the airport.")

    def seen() -> tuple[int, int, int, list[int], list[int]]:
        reader.indexes.refresh()
        return (
            len(reader.articles.articles()),
            reader.articles.passage_count(),
            len(reader.indexes.lexical),
            reader.indexes.lexical.search("volcanic troops", 5)[0].tolist(),
            sorted(reader.indexes.vectors.search(unit(1), 10)[0].tolist()),
        )

    before = seen()
    assert before == (1, 4, 4, [ids[0]], sorted(ids))
    with pytest.raises(RuntimeError, match="crash"), writer.indexes.writing():
        article_id = writer.articles.upsert_article(document("https://example.com/b"), "h")
        writer.articles.insert_passages(article_id, chunks, [unit(1)[None, :]])
        writer.articles.delete_passages(writer.articles.passages([ids[0]])[ids[0]].article_id)
        assert seen() == before  # the write is under way
        raise RuntimeError("crash")
    assert seen() == before
    writer.indexes.refresh()
    assert len(writer.indexes.lexical) == len(writer.indexes.vectors) == 4


@pytest.mark.parametrize("flush_at", [2, 1000])
def test_a_write_of_many_articles_is_indexed_whole_with_what_it_replaced_gone(
    open_postgres: OpenStorage, monkeypatch: pytest.MonkeyPatch, flush_at: int
) -> None:
    monkeypatch.setattr(indexes, "FLUSH_PASSAGES", flush_at)
    storage, reader = open_postgres(), open_postgres()
    with storage.indexes.writing():
        storage.articles.set_meta("dimension", "8")
        kept, replaced = [], []
        for number in range(5):
            article_id = storage.articles.upsert_article(
                document(f"https://example.com/{number}"), "h"
            )
            chunks, _ = one_chunk(f"Glacier number{number} retreated.")
            replaced += storage.articles.insert_passages(article_id, chunks, [unit(1)[None, :]])
            storage.articles.delete_passages(article_id)  # held back or already indexed
            chunks, _ = one_chunk(f"Harbour number{number} froze.")
            kept += storage.articles.insert_passages(article_id, chunks, [unit(0, 1)[None, :]])
    reader.indexes.refresh()
    assert len(reader.indexes.lexical) == len(reader.indexes.vectors) == 5
    assert reader.indexes.lexical.search("glacier", 10)[0].size == 0
    assert reader.indexes.lexical.search("number3 harbour", 1)[0].tolist() == [kept[3]]
    assert sorted(reader.indexes.vectors.search(unit(0, 1), 10)[0].tolist()) == kept


def test_a_write_rolled_back_after_indexing_part_of_it_leaves_nothing(
    open_postgres: OpenStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexes, "FLUSH_PASSAGES", 2)
    writer, reader = open_postgres(), open_postgres()
    ids = write_passages(writer)
    with pytest.raises(RuntimeError, match="crash"), writer.indexes.writing():
        for number in range(3):
            article_id = writer.articles.upsert_article(
                document(f"https://example.com/{number}"), "h"
            )
            chunks, _ = one_chunk(f"Volcanic ash number{number}.")
            writer.articles.insert_passages(article_id, chunks, [unit(1)[None, :]])
        raise RuntimeError("crash")
    for storage in (writer, reader):
        storage.indexes.refresh()
        assert len(storage.indexes.lexical) == len(storage.indexes.vectors) == 4
        assert storage.indexes.lexical.search("volcanic troops", 5)[0].tolist() == [ids[0]]
    with writer.indexes.writing():  # nothing held back from the rolled-back write
        article_id = writer.articles.upsert_article(document("https://example.com/z"), "h")
        chunks, _ = one_chunk("Harbour froze.")
        writer.articles.insert_passages(article_id, chunks, [unit(0, 1)[None, :]])
    reader.indexes.refresh()
    assert len(reader.indexes.lexical) == len(reader.indexes.vectors) == 5


def test_a_lease_is_taken_over_once_its_holder_closes(open_postgres: OpenStorage) -> None:
    holder, other = open_postgres(), open_postgres()
    assert holder.leases.try_hold("feeds")
    assert not other.leases.try_hold("feeds")
    holder.articles.close()  # as the holder's process ending would
    assert other.leases.try_hold("feeds")


def test_threads_of_one_process_see_a_write_only_once_committed(
    open_postgres: OpenStorage,
) -> None:
    storage = open_postgres()
    inside = threading.Event()
    release = threading.Event()

    def write() -> None:
        with storage.articles.transaction():
            storage.articles.set_meta("model", "new")
            assert storage.articles.get_meta("model") == "new"  # its own thread sees it
            inside.set()
            release.wait()

    thread = threading.Thread(target=write)
    thread.start()
    inside.wait()
    try:
        assert storage.articles.get_meta("model") is None
    finally:
        release.set()
        thread.join()
    assert storage.articles.get_meta("model") == "new"


def test_signatures_stored_before_their_bands_are_found_after_the_migration(
    open_postgres: OpenStorage, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (2)")
        for statement in MIGRATIONS[0] + MIGRATIONS[1]:
            connection.execute(statement)
        ids = [
            connection.execute(
                "INSERT INTO articles (key, title, content_hash, text_hash, minhash) "
                "VALUES (%s, 'Old', 'h', 't', %s) RETURNING id",
                (f"/{n}.txt", signature(n).tobytes()),
            ).fetchone()[0]  # type: ignore[index]
            for n in range(3)
        ]
        connection.execute(
            "INSERT INTO articles (key, title, content_hash) VALUES ('/bare.txt', 'B', 'h')"
        )
    store = open_postgres().articles
    assert schema_version(postgres_url) == len(MIGRATIONS)
    for n, article_id in enumerate(ids):
        assert store.minhash_matches(signature(n), at_least=1) == {article_id: 128}
    with store.transaction():  # the migrated bands are replaced like any others
        store.set_fingerprints(ids[0], None, "t", signature(9))
    assert store.minhash_matches(signature(0), at_least=1) == {}
    assert store.minhash_matches(signature(9), at_least=1) == {ids[0]: 128}
