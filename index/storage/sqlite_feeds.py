"""The feed store in the article database's SQLite file: followed feeds and their entries.

It shares the article store's `Database`, so what a poll records commits in the same
transaction as the articles it indexed, and one lock orders both stores' statements.
"""

from __future__ import annotations

from index.models import Feed, FeedEntryState
from index.storage.sqlite_database import Database

_FEED_COLUMNS = "f.id, f.url, f.title, f.etag, f.last_modified, f.last_polled, f.last_error"


class SqliteFeedStore:
    """The `FeedStore` in a SQLite `Database` (its tables come with the article store's
    migrations)."""

    def __init__(self, database: Database):
        self._db = database

    def add_feed(self, url: str, title: str | None) -> Feed:
        self._db.run(
            "INSERT INTO feeds (url, title) VALUES (?, ?) ON CONFLICT(url) DO NOTHING",
            (url, title),
        )
        feed = self.feed(url)
        assert feed is not None
        return feed

    def feeds(self) -> list[Feed]:
        rows = self._db.rows(
            f"""SELECT {_FEED_COLUMNS}, (SELECT count(*) FROM feed_entries e
                  WHERE e.feed_id = f.id AND e.done) FROM feeds f ORDER BY f.id"""
        )
        return [Feed(*row) for row in rows]

    def feed(self, reference: str) -> Feed | None:
        return next((f for f in self.feeds() if reference in (f.url, str(f.id))), None)

    def remove_feed(self, feed_id: int) -> None:
        self._db.run("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def update_feed(
        self,
        feed_id: int,
        polled_at: str,
        error: str | None,
        title: str | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> None:
        self._db.run(
            "UPDATE feeds SET last_polled = ?, last_error = ?, title = coalesce(?, title) "
            "WHERE id = ?",
            (polled_at, error, title, feed_id),
        )
        if validators is not None:
            self._db.run(
                "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?", (*validators, feed_id)
            )

    def feed_entries(self, feed_id: int) -> dict[str, FeedEntryState]:
        rows = self._db.rows(
            "SELECT entry, url, done, attempts, revision FROM feed_entries WHERE feed_id = ?",
            (feed_id,),
        )
        return {row[0]: FeedEntryState(row[1], bool(row[2]), row[3], row[4]) for row in rows}

    def record_entry(
        self,
        feed_id: int,
        entry: str,
        url: str,
        done: bool,
        error: str | None = None,
        revision: str | None = None,
    ) -> None:
        self._db.run(
            """INSERT INTO feed_entries (feed_id, entry, url, done, attempts, last_error, revision)
               VALUES (?, ?, ?, ?, 1, ?, ?)
               ON CONFLICT(feed_id, entry) DO UPDATE SET url = excluded.url, done = excluded.done,
                 attempts = CASE WHEN coalesce(excluded.revision, revision) IS revision
                   THEN attempts + 1 ELSE 1 END,
                 last_error = excluded.last_error,
                 revision = coalesce(excluded.revision, revision)""",
            (feed_id, entry, url, int(done), error, revision),
        )
