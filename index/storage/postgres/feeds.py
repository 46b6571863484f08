"""The feed store in the article database: followed feeds and what polling did with each entry.

It shares the article store's `PostgresDatabase`, so what a poll records inside the article
store's transaction commits with the articles it indexed; outside one, each write is kept at
once.
"""

from __future__ import annotations

from index.models import Feed, FeedEntryState
from index.storage.postgres.database import PostgresDatabase

_FEEDS = """SELECT f.id, f.url, f.title, f.etag, f.last_modified, f.last_polled, f.last_error,
    (SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id AND e.done) FROM feeds f"""


class PostgresFeedStore:
    """The `FeedStore` in a `PostgresDatabase` (its tables come with the article store's
    migrations)."""

    def __init__(self, database: PostgresDatabase):
        self._db = database

    def add_feed(self, url: str, title: str | None) -> Feed:
        self._db.run(
            "INSERT INTO feeds (url, title) VALUES (%s, %s) ON CONFLICT (url) DO NOTHING",
            (url, title),
        )
        feed = self.feed(url)
        assert feed is not None
        return feed

    def feeds(self) -> list[Feed]:
        return [Feed(*row) for row in self._db.rows(f"{_FEEDS} ORDER BY f.id")]

    def feed(self, reference: str) -> Feed | None:
        row = self._db.row(
            f"{_FEEDS} WHERE f.url = %(ref)s OR f.id::text = %(ref)s ORDER BY f.id LIMIT 1",
            {"ref": reference},
        )
        return Feed(*row) if row else None

    def remove_feed(self, feed_id: int) -> None:
        self._db.run("DELETE FROM feeds WHERE id = %s", (feed_id,))

    def update_feed(
        self,
        feed_id: int,
        polled_at: str,
        error: str | None,
        title: str | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> None:
        keep = validators is None
        etag, last_modified = validators or (None, None)
        self._db.run(
            """UPDATE feeds SET last_polled = %(polled)s, last_error = %(error)s,
                 title = coalesce(%(title)s, title),
                 etag = CASE WHEN %(keep)s THEN etag ELSE %(etag)s END,
                 last_modified = CASE WHEN %(keep)s THEN last_modified ELSE %(modified)s END
               WHERE id = %(id)s""",
            {
                "polled": polled_at,
                "error": error,
                "title": title,
                "keep": keep,
                "etag": etag,
                "modified": last_modified,
                "id": feed_id,
            },
        )

    def feed_entries(self, feed_id: int) -> dict[str, FeedEntryState]:
        rows = self._db.rows(
            "SELECT entry, url, done, attempts, revision FROM feed_entries WHERE feed_id = %s",
            (feed_id,),
        )
        return {entry: FeedEntryState(*state) for entry, *state in rows}

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
            """INSERT INTO feed_entries (feed_id, entry, url, done, attempts, last_error,
                 revision)
               VALUES (%s, %s, %s, %s, 1, %s, %s)
               ON CONFLICT (feed_id, entry) DO UPDATE SET url = excluded.url, done = excluded.done,
                 attempts = CASE WHEN coalesce(excluded.revision, feed_entries.revision)
                     IS NOT DISTINCT FROM feed_entries.revision
                   THEN feed_entries.attempts + 1 ELSE 1 END,
                 last_error = excluded.last_error,
                 revision = coalesce(excluded.revision, feed_entries.revision)""",
            (feed_id, entry, url, done, error, revision),
        )
