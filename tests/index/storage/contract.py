"""What every implementation of the storage protocols must do, written once.

A backend's test module subclasses these classes and provides the fixture each one names:

- `ArticleStoreContract`: `open_article_store`, a callable that opens (or opens again) one
  empty store, closing what it opened at teardown;
- `FeedStoreContract`: `open_stores`, the same for an (ArticleStore, FeedStore) pair on one
  database;
- `PassageIndexesContract` and `LeasesContract`: `open_storage`, a callable that opens (or opens
  again) a `Storage` on one empty corpus, each call as another process would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from index.models import Chunk, Document, Filters, Span
from index.storage.article_store import ArticleStore
from index.storage.protocols import FeedStore, Storage

OpenArticleStore = Callable[[], ArticleStore]
OpenStores = Callable[[], tuple[ArticleStore, FeedStore]]
OpenStorage = Callable[[], Storage]
DIMENSION = 4


def document(key: str = "https://example.com/a", title: str = "Bridge reopens") -> Document:
    return Document(key=key, title=title, text="unused here", source="Herald", url=key)


def one_chunk(text: str = "Text.") -> tuple[list[Chunk], list[np.ndarray]]:
    return [Chunk(1, text, (Span(0, len(text)),))], [np.ones((1, DIMENSION), dtype=np.float32)]


def signature(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**32, 128, dtype=np.uint32)


class ArticleStoreContract:
    @pytest.fixture
    def store(self, open_article_store: OpenArticleStore) -> ArticleStore:
        return open_article_store()

    def test_transaction_rolls_back_on_exception(self, store: ArticleStore) -> None:
        with store.transaction():
            store.set_meta("model", "kept")
        with pytest.raises(RuntimeError, match="boom"), store.transaction():
            store.set_meta("model", "lost")
            store.upsert_article(document(), "hash")
            raise RuntimeError("boom")
        assert store.get_meta("model") == "kept"
        assert store.articles() == []
        # The store is usable again after the rollback.
        with store.transaction():
            store.set_meta("model", "again")
        assert store.get_meta("model") == "again"

    def test_committed_writes_survive_reopening(
        self, store: ArticleStore, open_article_store: OpenArticleStore
    ) -> None:
        with store.transaction():
            article_id = store.upsert_article(document(), "h1")
            store.set_meta("generation", "3")
        store.close()
        reopened = open_article_store()
        assert reopened.content_hash("https://example.com/a") == (article_id, "h1")
        assert reopened.get_meta("generation") == "3"

    def test_meta_is_replaced_and_missing_keys_are_none(self, store: ArticleStore) -> None:
        with store.transaction():
            store.set_meta("model", "one")
            store.set_meta("model", "two")
        assert store.get_meta("model") == "two"
        assert store.get_meta("missing") is None

    def test_passages_and_sentence_vectors_round_trip(self, store: ArticleStore) -> None:
        chunks = [
            Chunk(1, "First sentence. Second one.", (Span(0, 15), Span(16, 27))),
            Chunk(3, "A lone “quoted” sentence.", (Span(0, 25),)),
        ]
        rng = np.random.default_rng(7)
        vectors = [rng.standard_normal((2, DIMENSION)), rng.standard_normal((1, DIMENSION))]
        vectors = [
            (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32) for v in vectors
        ]
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
            assert passage.notes is None and passage.notes_version is None
        assert passages[ids[0]].sentence_text(1) == "Second one."
        assert [p.id for p in store.article_passages(article_id)] == ids
        assert store.passage_ids(article_id) == ids

        stored = store.sentence_vectors(ids, DIMENSION)
        for pid, original in zip(ids, vectors, strict=True):
            assert stored[pid].dtype == np.float32
            assert stored[pid].shape == original.shape
            np.testing.assert_allclose(stored[pid], original, atol=1e-3)
        assert store.passage_count() == 2
        assert store.all_passage_texts() == (ids, [c.text for c in chunks])

    def test_notes_round_trip_and_are_replaced(self, store: ArticleStore) -> None:
        chunks, vectors = one_chunk()
        with store.transaction():
            article_id = store.upsert_article(document(), "h1")
            (pid,) = store.insert_passages(article_id, chunks, vectors, [("v1", [{"cues": []}])])
        (passage,) = store.article_passages(article_id)
        assert (passage.notes, passage.notes_version) == (({"cues": []},), "v1")
        with store.transaction():
            store.set_notes(pid, "v2", [{"cues": [[0, 4, "belief"]]}])
        assert store.passages([pid])[pid].notes == ({"cues": [[0, 4, "belief"]]},)
        assert store.passages([pid])[pid].notes_version == "v2"

    def test_upsert_keeps_the_id_and_delete_removes_passages(self, store: ArticleStore) -> None:
        chunk, vector = one_chunk()
        with store.transaction():
            first = store.upsert_article(document(), "h1")
            other = store.upsert_article(document("k2", "Other story"), "h9")
            old_ids = store.insert_passages(first, chunk, vector)
            store.insert_passages(other, chunk, vector)
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

    def test_deleting_passages_keeps_the_article_and_never_reuses_ids(
        self, store: ArticleStore
    ) -> None:
        chunk, vector = one_chunk()
        with store.transaction():
            article_id = store.upsert_article(document(), "h1")
            old = store.insert_passages(article_id, chunk * 2, vector * 2)
        with store.transaction():
            assert store.delete_passages(article_id) == old
            new = store.insert_passages(article_id, chunk, vector)
        assert not set(new) & set(old)
        assert store.article(article_id).passage_count == 1  # type: ignore[union-attr]
        assert store.delete_passages(12345) == []

    def test_articles_come_in_id_order_with_their_passage_counts(self, store: ArticleStore) -> None:
        chunk, vector = one_chunk()
        with store.transaction():
            ids = [store.upsert_article(document(f"k{n}", f"Story {n}"), "h") for n in range(3)]
            store.insert_passages(ids[1], chunk * 2, vector * 2)
        assert [(a.id, a.title, a.passage_count) for a in store.articles()] == [
            (ids[0], "Story 0", 0),
            (ids[1], "Story 1", 2),
            (ids[2], "Story 2", 0),
        ]
        assert ids == sorted(ids)

    def test_several_articles_and_their_passages_are_read_at_once(
        self, store: ArticleStore
    ) -> None:
        chunks = [Chunk(n, f"Paragraph {n}.", (Span(0, 12),)) for n in range(3)]
        vectors = [np.ones((1, DIMENSION), dtype=np.float32)] * 3
        with store.transaction():
            first = store.upsert_article(document("k1", "First"), "h")
            second = store.upsert_article(document("k2", "Second"), "h")
            empty = store.upsert_article(document("k3", "Empty"), "h")
            store.insert_passages(second, chunks[:1], vectors[:1])
            store.insert_passages(first, chunks[::-1], vectors)
        articles = store.articles_by_id([second, 999, first, second, empty])
        assert {i: (a.title, a.passage_count) for i, a in articles.items()} == {
            first: ("First", 3),
            second: ("Second", 1),
            empty: ("Empty", 0),
        }
        passages = store.passages_of_articles([first, empty, second, 999])
        assert set(passages) == {first, second}
        assert passages[first] == store.article_passages(first)
        assert [p.text for p in passages[first]] == ["Paragraph 2.", "Paragraph 1.", "Paragraph 0."]
        assert [p.text for p in passages[second]] == ["Paragraph 0."]

    def test_candidates_are_the_passages_their_vectors_and_articles_read_at_once(
        self, store: ArticleStore
    ) -> None:
        with store.transaction():
            first = store.upsert_article(document("/a.txt", "First"), "h")
            second = store.upsert_article(document("/b.txt", "Second"), "h")
            ids = store.insert_passages(first, *one_chunk("One."))
            ids += store.insert_passages(second, *one_chunk("Two."))
            ids += store.insert_passages(second, *one_chunk("Three."))
        asked = [ids[2], ids[0], 999]
        found = store.candidates(asked, DIMENSION)
        assert found.passages == store.passages(asked)
        assert found.articles == store.articles_by_id([first, second])
        assert found.articles[second].passage_count == 2
        expected = store.sentence_vectors(asked, DIMENSION)
        assert found.sentence_vectors.keys() == expected.keys() == {ids[0], ids[2]}
        for passage_id, vectors in expected.items():
            np.testing.assert_array_equal(found.sentence_vectors[passage_id], vectors)
        assert store.candidates([], DIMENSION) == store.candidates([999], DIMENSION)

    def test_lookups_with_no_ids_return_nothing(self, store: ArticleStore) -> None:
        assert store.passages([]) == {}
        assert store.articles_by_id([]) == {}
        assert store.passages_of_articles([]) == {}
        assert store.sentence_vectors([], DIMENSION) == {}
        assert store.get_meta("missing") is None
        assert store.article(999) is None
        assert store.article_passages(999) == []
        assert store.passage_count() == 0
        assert store.all_passage_texts() == ([], [])

    def test_fingerprints_find_an_article_again(self, store: ArticleStore) -> None:
        with store.transaction():
            first = store.upsert_article(document("/a.txt", "First"), "h")
            second = store.upsert_article(document("/b.txt", "Second"), "h")
            later = store.upsert_article(document("/c.txt", "Later"), "h")
            store.set_fingerprints(first, "https://example.com/a", "same", signature(1))
            store.set_fingerprints(second, None, "same", signature(2))
        assert store.unfingerprinted() == [later]
        assert store.key_by_canonical_url("https://example.com/a", None) == "/a.txt"
        assert store.key_by_canonical_url("https://example.com/other", None) is None
        assert store.has_key("/a.txt", None) and store.has_key("https://example.com/a", None)
        assert not store.has_key("/nowhere.txt", None)
        assert store.article_by_text_hash("same", None).id == first  # type: ignore[union-attr]
        assert store.article_by_text_hash("same", None, other_than=first).id == second  # type: ignore[union-attr]
        assert store.article_by_text_hash("different", None) is None
        assert store.minhash_matches(signature(1), at_least=128) == {first: 128}
        assert store.minhash_matches(signature(2), at_least=1) == {second: 128}

    def test_minhash_matches_count_the_equal_slots_of_what_is_stored_now(
        self, store: ArticleStore
    ) -> None:
        base = signature(1)

        def sharing(slots: int) -> np.ndarray:
            """`base` with all but its first `slots` slots changed."""
            changed = base.copy()
            changed[slots:] += np.uint32(1)
            return changed

        shares = [0, 1, 63, 64, 65, 127, 128]
        with store.transaction():
            ids = {store.upsert_article(document(f"k{n}", f"S{n}"), "h"): n for n in shares}
            for article_id, n in ids.items():
                store.set_fingerprints(article_id, None, f"t{n}", sharing(n))
        by_share = {n: article_id for article_id, n in ids.items()}
        assert store.minhash_matches(base, at_least=64) == {
            by_share[n]: n for n in (64, 65, 127, 128)
        }
        assert store.minhash_matches(base, at_least=1) == {by_share[n]: n for n in shares[1:]}
        assert store.minhash_matches(base, at_least=129) == {}

        # A new signature replaces the old one's slots; the same one again changes nothing.
        with store.transaction():
            store.set_fingerprints(by_share[128], None, "t", sharing(3))
            store.set_fingerprints(by_share[65], None, "t", sharing(65))
        assert store.minhash_matches(base, at_least=64) == {by_share[n]: n for n in (64, 65, 127)}
        assert store.minhash_matches(sharing(3), at_least=128) == {by_share[128]: 128}
        # A deleted article is forgotten, and a rolled-back write leaves nothing behind.
        with store.transaction():
            store.delete_article(by_share[127])
        with pytest.raises(RuntimeError), store.transaction():
            store.set_fingerprints(by_share[64], None, "t", sharing(0))
            raise RuntimeError("rolled back")
        assert store.minhash_matches(base, at_least=64) == {by_share[64]: 64, by_share[65]: 65}

    def test_links_go_both_ways_most_similar_first_and_are_replaced(
        self, store: ArticleStore
    ) -> None:
        with store.transaction():
            a, b, c, d = (store.upsert_article(document(f"k{n}", f"S{n}"), "h") for n in range(4))
            store.replace_links(a, [(b, 0.6), (c, 0.9)])
        assert [x.id for x in store.linked_articles(a, None)] == [c, b]
        assert [x.id for x in store.linked_articles(b, None)] == [a]
        assert [x.id for x in store.linked_articles(c, None)] == [a]
        with store.transaction():
            store.replace_links(a, [(d, 0.7)])
        assert [x.id for x in store.linked_articles(a, None)] == [d]
        assert store.linked_articles(b, None) == store.linked_articles(c, None) == []
        with store.transaction():
            store.delete_article(d)
        assert store.linked_articles(a, None) == []

    def test_an_article_keeps_its_dates_and_passages_are_filtered_by_date_and_outlet(
        self, store: ArticleStore
    ) -> None:
        chunk, vector = one_chunk()
        dated = {
            "early": ("Herald", "2017-03-20", None),
            "updated": ("Herald", "2017-03-28", "2017-04-02T09:30:00"),
            "late": ("Viral Thread", "2017-04-10", None),
            "undated": ("Herald", None, None),
        }
        with store.transaction():
            ids = {
                name: store.upsert_article(
                    replace(
                        document(f"https://example.com/{name}", name),
                        source=source,
                        published=published,
                        updated=updated,
                    ),
                    "h",
                )
                for name, (source, published, updated) in dated.items()
            }
            passages = {name: store.insert_passages(a, chunk, vector)[0] for name, a in ids.items()}
        article = store.article(ids["updated"])
        assert article is not None
        assert (article.published, article.updated) == ("2017-03-28", "2017-04-02T09:30:00")

        def kept(filters: Filters) -> set[str]:
            found = store.visible_passages(passages.values(), None, filters)
            return {name for name, passage in passages.items() if passage in found}

        assert kept(Filters()) == set(dated)
        # An update counts as the article's date, compared by day.
        assert kept(Filters(since="2017-04-01")) == {"updated", "late"}
        assert kept(Filters(until="2017-04-02")) == {"early", "updated"}
        assert kept(Filters(since="2017-03-21", until="2017-04-09")) == {"updated"}
        assert kept(Filters(source="viral thread")) == {"late"}
        assert kept(Filters(since="2017-04-01", source="Herald")) == {"updated"}
        # Whether any article passes at all, without naming passages.
        assert store.any_visible_article(None, Filters(since="2017-04-10"))
        assert store.any_visible_article(None, Filters(until="2017-03-20", source="HERALD"))
        assert not store.any_visible_article(None, Filters(since="2017-04-11"))
        assert not store.any_visible_article(
            None, Filters(until="2017-04-09", source="Viral Thread")
        )
        assert not store.any_visible_article("discord:1", Filters(source="Elsewhere"))

    def test_versions_are_numbered_in_order_with_their_dates_and_go_with_the_article(
        self, store: ArticleStore
    ) -> None:
        with store.transaction():
            article_id = store.upsert_article(document(), "h1")
            other = store.upsert_article(document("k2", "Other story"), "h9")
            first = store.record_version(article_id, "2017-05-01", None, ["One.", "Two “2”."])
            store.record_version(other, None, None, ["Elsewhere."])
        with store.transaction():
            second = store.record_version(article_id, "2017-05-01", "2017-05-03", ["One."])
        assert (first, second) == (1, 2)
        versions = store.versions(article_id)
        assert [(v.number, v.published, v.updated, v.sentences) for v in versions] == [
            (1, "2017-05-01", None, ("One.", "Two “2”.")),
            (2, "2017-05-01", "2017-05-03", ("One.",)),
        ]
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", v.seen_at) for v in versions)
        assert versions[0].seen_at <= versions[1].seen_at
        assert [v.sentences for v in store.versions(other)] == [("Elsewhere.",)]
        assert store.versions(999) == []

        with pytest.raises(RuntimeError, match="boom"), store.transaction():
            store.record_version(article_id, None, None, ["Lost."])
            raise RuntimeError("boom")
        assert len(store.versions(article_id)) == 2
        with store.transaction():
            store.delete_article(article_id)
        assert store.versions(article_id) == []
        assert len(store.versions(other)) == 1

    def test_a_scopes_articles_are_seen_only_from_it_beside_the_shared_ones(
        self, store: ArticleStore
    ) -> None:
        chunk, vector = one_chunk()
        url = "https://example.com/a"
        with store.transaction():
            shared = store.upsert_article(document(url, "Shared"), "h")
            mine = store.upsert_article(
                replace(document(f"discord:1:{url}", "Mine"), scope="discord:1", added_by="A"), "h"
            )
            theirs = store.upsert_article(
                replace(document("chat:discord:2:u:x", "Theirs"), scope="discord:2"), "h"
            )
            passages = {
                a: store.insert_passages(a, chunk, vector)[0] for a in (shared, mine, theirs)
            }
            for article in (shared, mine, theirs):
                store.set_fingerprints(article, url, "same", signature(article))
            store.replace_links(shared, [(mine, 0.9), (theirs, 0.8)])

        assert [a.id for a in store.articles()] == [shared, mine, theirs]
        assert [a.id for a in store.visible_articles(None)] == [shared]
        seen = store.visible_articles("discord:1")
        assert [(a.id, a.scope, a.added_by) for a in seen] == [
            (shared, None, None),
            (mine, "discord:1", "A"),
        ]
        assert seen[1].added_at and seen[1].passage_count == 1
        assert store.visible_passages(passages.values(), "discord:1") == {
            passages[shared],
            passages[mine],
        }
        assert store.visible_passages(passages.values(), None) == {passages[shared]}
        assert store.visible_passages([], "discord:1") == set()

        # Lookups that find an article again look in one scope alone.
        assert store.key_by_canonical_url(url, None) == url
        assert store.key_by_canonical_url(url, "discord:1") == f"discord:1:{url}"
        assert store.key_by_canonical_url(url, "discord:3") is None
        assert store.has_key(url, None) and store.has_key(url, "discord:1")
        assert not store.has_key(url, "discord:3")
        # Duplicates are looked for where the scope can see.
        assert store.article_by_text_hash("same", "discord:2", other_than=shared).id == theirs  # type: ignore[union-attr]
        assert store.article_by_text_hash("same", None, other_than=shared) is None
        assert store.article_by_text_hash("same", "discord:3").id == shared  # type: ignore[union-attr]
        # Links are read only where both ends are visible.
        assert [a.id for a in store.linked_articles(shared, "discord:1")] == [mine]
        assert store.linked_articles(shared, None) == []
        assert [a.id for a in store.linked_articles(theirs, "discord:1")] == [shared]

        with store.transaction():  # an update keeps the scope the article was added in
            again = store.upsert_article(document(f"discord:1:{url}", "Mine, again"), "h2")
        assert again == mine
        assert store.article(mine).scope == "discord:1"  # type: ignore[union-attr]


class FeedStoreContract:
    @pytest.fixture
    def stores(self, open_stores: OpenStores) -> tuple[ArticleStore, FeedStore]:
        return open_stores()

    def test_a_feed_is_followed_once(self, stores: tuple[ArticleStore, FeedStore]) -> None:
        _, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", "Herald")
        assert (feed.url, feed.title, feed.etag, feed.last_polled, feed.entries) == (
            "https://example.com/rss",
            "Herald",
            None,
            None,
            0,
        )
        again = feeds.add_feed("https://example.com/rss", "Another title")
        assert again == feed
        assert feeds.feeds() == [feed]

    def test_feeds_in_the_order_added_found_by_url_or_id(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        _, feeds = stores
        first = feeds.add_feed("https://example.com/b", None)
        second = feeds.add_feed("https://example.com/a", "A")
        assert [f.id for f in feeds.feeds()] == [first.id, second.id]
        assert feeds.feed("https://example.com/a") == second
        assert feeds.feed(str(first.id)) == first
        assert feeds.feed("https://example.com/none") is None

    def test_a_poll_is_recorded_and_validators_change_only_when_given(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        _, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", "Herald")
        feeds.update_feed(feed.id, "2024-05-03T08:00:00+00:00", None, "Herald", ('"v1"', "Fri"))
        feeds.update_feed(feed.id, "2024-05-03T09:00:00+00:00", "HTTP 500")
        polled = feeds.feed(feed.url)
        assert polled is not None
        assert (polled.title, polled.etag, polled.last_modified) == ("Herald", '"v1"', "Fri")
        assert (polled.last_polled, polled.last_error) == ("2024-05-03T09:00:00+00:00", "HTTP 500")
        feeds.update_feed(feed.id, "2024-05-03T10:00:00+00:00", None, "New name", (None, None))
        polled = feeds.feed(feed.url)
        assert polled is not None
        assert (polled.title, polled.etag, polled.last_error) == ("New name", None, None)

    def test_entries_count_attempts_and_done_ones(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        _, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", None)
        feeds.record_entry(feed.id, "e1", "https://example.com/1", False, "timed out")
        feeds.record_entry(feed.id, "e1", "https://example.com/1", True)
        feeds.record_entry(feed.id, "e2", "https://example.com/2", False, "HTTP 404")
        states = feeds.feed_entries(feed.id)
        assert {k: (s.url, s.done, s.attempts) for k, s in states.items()} == {
            "e1": ("https://example.com/1", True, 2),
            "e2": ("https://example.com/2", False, 1),
        }
        assert feeds.feeds()[0].entries == 1

    def test_an_entry_keeps_its_revision_and_counts_attempts_afresh_at_a_new_one(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        _, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", None)
        url = "https://example.com/1"
        feeds.record_entry(feed.id, "e1", url, False, "timed out", revision="r1")
        feeds.record_entry(feed.id, "e1", url, False, "timed out", revision="r1")
        feeds.record_entry(feed.id, "e1", url, False, "timed out")  # unknown: r1 is kept
        state = feeds.feed_entries(feed.id)["e1"]
        assert (state.done, state.attempts, state.revision) == (False, 3, "r1")
        feeds.record_entry(feed.id, "e1", "https://example.com/one", True, revision="r2")
        state = feeds.feed_entries(feed.id)["e1"]
        assert (state.url, state.done, state.attempts, state.revision) == (
            "https://example.com/one",
            True,
            1,
            "r2",
        )
        feeds.record_entry(feed.id, "e2", url + "2", True)
        assert feeds.feed_entries(feed.id)["e2"].revision is None

    def test_removing_a_feed_forgets_its_entries(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        _, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", None)
        kept = feeds.add_feed("https://example.com/other", None)
        feeds.record_entry(feed.id, "e1", "https://example.com/1", True)
        feeds.remove_feed(feed.id)
        feeds.remove_feed(9999)  # unknown: ignored
        assert feeds.feeds() == [kept]
        assert feeds.feed_entries(feed.id) == {}

    def test_writes_in_an_article_transaction_commit_and_roll_back_with_it(
        self, stores: tuple[ArticleStore, FeedStore]
    ) -> None:
        articles, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", None)
        with pytest.raises(RuntimeError, match="crash"), articles.transaction():
            articles.upsert_article(document(), "h")
            feeds.record_entry(feed.id, "e1", "https://example.com/a", True)
            raise RuntimeError("crash")
        assert articles.articles() == [] and feeds.feed_entries(feed.id) == {}
        with articles.transaction():
            articles.upsert_article(document(), "h")
            feeds.record_entry(feed.id, "e1", "https://example.com/a", True)
        assert len(articles.articles()) == 1 and set(feeds.feed_entries(feed.id)) == {"e1"}

    def test_writes_outside_a_transaction_are_kept(
        self, stores: tuple[ArticleStore, FeedStore], open_stores: OpenStores
    ) -> None:
        articles, feeds = stores
        feed = feeds.add_feed("https://example.com/rss", "Herald")
        feeds.record_entry(feed.id, "e1", "https://example.com/a", True)
        articles.close()
        _, reopened = open_stores()
        assert [f.url for f in reopened.feeds()] == ["https://example.com/rss"]
        assert set(reopened.feed_entries(feed.id)) == {"e1"}


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(8, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


LEXICAL_TEXTS = [
    "China sent 150,000 troops to its border with North Korea.",
    "The weather in Paris was sunny and warm all weekend.",
    "Bananas are a yellow fruit grown in tropical countries.",
    "Russian soldiers and equipment moved toward the border.",
]
# One direction each, so the nearest passage to a query is known.
DIRECTIONS = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(1, 1, 0)]


def write_passages(storage: Storage, key: str = "https://example.com/a") -> list[int]:
    """One article of four one-sentence passages (LEXICAL_TEXTS, DIRECTIONS), committed."""
    chunks = [Chunk(i, text, (Span(0, len(text)),)) for i, text in enumerate(LEXICAL_TEXTS)]
    with storage.indexes.writing():
        storage.articles.set_meta("dimension", "8")
        article_id = storage.articles.upsert_article(document(key), "hash")
        return storage.articles.insert_passages(
            article_id, chunks, [d[None, :] for d in DIRECTIONS]
        )


class PassageIndexesContract:
    """Searches follow the store's writes, from this storage and from another on the corpus."""

    @pytest.fixture
    def storage(self, open_storage: OpenStorage) -> Storage:
        return open_storage()

    @pytest.fixture
    def ids(self, storage: Storage) -> list[int]:
        return write_passages(storage)

    def test_a_new_store_is_empty_and_finds_nothing(self, storage: Storage) -> None:
        assert storage.indexes.is_empty()
        assert storage.indexes.lexical.search("troops", 5)[0].size == 0
        assert storage.indexes.vectors.search(unit(1), 5)[0].size == 0

    def test_vectors_are_found_nearest_first_by_passage_id(
        self, storage: Storage, ids: list[int]
    ) -> None:
        assert not storage.indexes.is_empty()
        assert len(storage.indexes.vectors) == 4
        found, scores = storage.indexes.vectors.search(unit(1, 0.1, 0), 4)
        assert found.tolist() == [ids[0], ids[3], ids[1], ids[2]]
        assert found.dtype == np.int64
        assert scores[0] == pytest.approx(float(unit(1, 0.1, 0) @ unit(1, 0, 0)), abs=2e-3)
        assert scores[0] > scores[1] > scores[2]
        assert storage.indexes.vectors.search(unit(0, 1, 0), 50)[0][0] == ids[1]

    def test_words_are_found_by_stem_best_first(self, storage: Storage, ids: list[int]) -> None:
        lexical = storage.indexes.lexical
        assert len(lexical) == 4
        assert lexical.search("troop", 5)[0].tolist() == [ids[0]]
        found, scores = lexical.search("border troops", 5)
        assert found.tolist() == [ids[0], ids[3]]
        assert scores[0] > scores[1] > 0
        assert found.dtype == np.int64
        assert lexical.search("xylophone bananas", 5)[0].tolist() == [ids[2]]
        every, _ = lexical.search("border", 50)
        assert sorted(every.tolist()) == [ids[0], ids[3]]
        assert lexical.search("border", 1)[0].tolist() == every[:1].tolist()

    @pytest.mark.parametrize("query", ["xylophone quantum", "the and of", "", "   "])
    def test_a_query_without_shared_words_finds_nothing(
        self, storage: Storage, ids: list[int], query: str
    ) -> None:
        found, scores = storage.indexes.lexical.search(query, 5)
        assert found.size == 0
        assert scores.size == 0

    def test_deleted_passages_are_no_longer_found(self, storage: Storage, ids: list[int]) -> None:
        article_id = storage.articles.passages([ids[0]])[ids[0]].article_id
        with storage.indexes.writing():
            storage.articles.delete_article(article_id)
        assert storage.indexes.is_empty()
        assert storage.indexes.lexical.search("troops border", 5)[0].size == 0
        assert storage.indexes.vectors.search(unit(1), 5)[0].size == 0

    def test_replaced_passages_are_found_under_their_new_ids(
        self, storage: Storage, ids: list[int]
    ) -> None:
        article_id = storage.articles.passages([ids[0]])[ids[0]].article_id
        text = "Volcanic ash closed the airport."
        with storage.indexes.writing():
            storage.articles.delete_passages(article_id)
            (new,) = storage.articles.insert_passages(
                article_id, [Chunk(0, text, (Span(0, len(text)),))], [unit(0, 0, 1)[None, :]]
            )
        assert storage.indexes.lexical.search("troops volcanic", 5)[0].tolist() == [new]
        assert storage.indexes.vectors.search(unit(1), 5)[0].tolist() == [new]

    def test_a_write_rolled_back_is_never_found(self, storage: Storage, ids: list[int]) -> None:
        text = "Volcanic ash closed the airport."
        with pytest.raises(RuntimeError, match="boom"), storage.indexes.writing():
            article_id = storage.articles.upsert_article(document("https://example.com/b"), "h")
            storage.articles.insert_passages(
                article_id, [Chunk(0, text, (Span(0, len(text)),))], [unit(0, 0, 1)[None, :]]
            )
            storage.articles.delete_passages(storage.articles.passages([ids[0]])[ids[0]].article_id)
            raise RuntimeError("boom")
        assert storage.indexes.lexical.search("volcanic", 5)[0].size == 0
        assert storage.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
        assert sorted(storage.indexes.vectors.search(unit(1), 10)[0].tolist()) == sorted(ids)

    def test_another_storage_on_the_corpus_sees_each_commit_after_refreshing(
        self, open_storage: OpenStorage
    ) -> None:
        writer, reader = open_storage(), open_storage()
        assert reader.indexes.is_empty()
        assert reader.indexes.lexical.search("troops", 5)[0].size == 0
        assert len(reader.indexes.vectors) == 0
        ids = write_passages(writer)
        reader.indexes.refresh()
        assert not reader.indexes.is_empty()
        assert reader.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
        assert reader.indexes.vectors.search(unit(0, 1, 0), 1)[0].tolist() == [ids[1]]
        with writer.indexes.writing():
            writer.articles.delete_article(writer.articles.passages([ids[0]])[ids[0]].article_id)
        reader.indexes.refresh()
        assert reader.indexes.lexical.search("troops", 5)[0].size == 0
        assert reader.indexes.vectors.search(unit(1), 5)[0].size == 0

    def test_committed_passages_are_found_after_reopening(
        self, storage: Storage, ids: list[int], open_storage: OpenStorage
    ) -> None:
        storage.articles.close()
        reopened = open_storage()
        assert reopened.indexes.lexical.search("troops", 5)[0].tolist() == [ids[0]]
        assert reopened.indexes.vectors.search(unit(0, 0, 1), 1)[0].tolist() == [ids[2]]

    def test_vectors_of_another_dimension_replace_all_after_a_restart(
        self, storage: Storage, ids: list[int]
    ) -> None:
        article_id = storage.articles.passages([ids[0]])[ids[0]].article_id
        chunks = [Chunk(0, LEXICAL_TEXTS[0], (Span(0, len(LEXICAL_TEXTS[0])),))]
        wide = np.zeros((1, 12), dtype=np.float32)
        wide[0, 11] = 1.0
        with storage.indexes.writing():
            storage.indexes.restart_vectors(12)
            storage.articles.delete_passages(article_id)
            (new,) = storage.articles.insert_passages(article_id, chunks, [wide])
            storage.articles.set_meta("dimension", "12")
        found = storage.indexes.vectors.search(wide[0], 5)[0]
        assert found.tolist() == [new]
        assert storage.indexes.lexical.search("troops", 5)[0].tolist() == [new]

    def test_two_writers_take_turns_and_both_land(self, open_storage: OpenStorage) -> None:
        first, second, reader = open_storage(), open_storage(), open_storage()
        inside, release = threading.Event(), threading.Event()
        order: list[str] = []

        def hold_a_write() -> None:
            with first.indexes.writing():
                first.articles.set_meta("dimension", "8")
                first.articles.upsert_article(document("https://example.com/first"), "h")
                inside.set()
                release.wait(30)
                order.append("first")

        holder = threading.Thread(target=hold_a_write)
        holder.start()
        try:
            assert inside.wait(30)
            writer = threading.Thread(
                target=lambda: (
                    write_passages(second, "https://example.com/second"),
                    order.append("second"),
                )
            )
            writer.start()
            writer.join(0.5)
            assert writer.is_alive()  # waiting for the first write's turn
            release.set()
            writer.join(30)
            holder.join(30)
        finally:
            release.set()
        assert order == ["first", "second"]
        reader.indexes.refresh()
        keys = {a.key for a in reader.articles.articles()}
        assert keys == {"https://example.com/first", "https://example.com/second"}
        assert reader.indexes.lexical.search("troops", 5)[0].size == 1


class LeasesContract:
    """A lease is one process's at a time, and free again once released or its holder closed."""

    def test_a_lease_is_held_by_one_storage_at_a_time(self, open_storage: OpenStorage) -> None:
        first, second = open_storage(), open_storage()
        assert first.leases.try_hold("feeds")
        assert first.leases.try_hold("feeds")  # holding it again is still holding it
        assert not second.leases.try_hold("feeds")
        assert second.leases.try_hold("digests")  # another name is another lease
        first.leases.release("feeds")
        assert second.leases.try_hold("feeds")
        assert not first.leases.try_hold("feeds")
        second.leases.release("never held")  # releasing what it does not hold changes nothing
