"""Subscriptions, alerts, digests and what was posted, in `<data>/channels.sqlite3`.

This is the chat bots' own state, not the corpus: it names channels and people, which the
article database never does, and only a bot process reads it. So it lives in a small SQLite
file of its own beside the index, whichever backend the corpus uses, migrated by numbered steps
like the article database and safe to share between the Slack and Discord processes on one
data folder. Times are ISO 8601 in UTC, so they compare as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.models import Alert, AlertTarget, Digest, Every, Place, Platform, Subscription
from index.storage.sqlite_database import Database

FILE = "channels.sqlite3"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        community TEXT,
        channel TEXT NOT NULL,
        feed_url TEXT NOT NULL,
        keywords TEXT NOT NULL,
        per_hour INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        failure_told_at TEXT,
        UNIQUE (platform, channel, feed_url)
    );
    CREATE TABLE handled_entries (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        PRIMARY KEY (subscription_id, entry_id)
    );
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        message TEXT NOT NULL,
        subscription_id INTEGER,
        posted_at TEXT NOT NULL,
        also_reported TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX posts_by_channel ON posts (platform, channel, article_id);
    CREATE INDEX posts_by_subscription ON posts (subscription_id, posted_at);
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        community TEXT,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        words TEXT NOT NULL,
        created_by TEXT NOT NULL,
        last_article_id INTEGER NOT NULL
    );
    CREATE TABLE digests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        community TEXT,
        channel TEXT NOT NULL,
        every TEXT NOT NULL,
        at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_sent_at TEXT,
        last_article_id INTEGER NOT NULL,
        UNIQUE (platform, channel)
    );
    """,
)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class ChannelStore:
    """Everything the channel features keep; safe to use from several threads."""

    def __init__(self, data_dir: Path, wait_seconds: float = 120.0):
        data_dir.mkdir(parents=True, exist_ok=True)
        self._db = Database(
            data_dir / FILE, wait_seconds, migrations=MIGRATIONS, name="channel database"
        )

    def close(self) -> None:
        self._db.close()

    # -- subscriptions -------------------------------------------------------------------------

    def subscribe(
        self,
        place: Place,
        feed_url: str,
        keywords: tuple[str, ...],
        per_hour: int,
        now: datetime,
        listed: Iterable[str],
    ) -> tuple[Subscription, bool]:
        """Follow the feed in `place`, its `listed` entries already handled (they are not new);
        an existing subscription takes the new keywords and cap. True when it is new."""
        with self._db.transaction():
            known = self._subscription(place.platform, place.channel, feed_url)
            if known is not None:
                self._db.run(
                    "UPDATE subscriptions SET keywords = ?, per_hour = ? WHERE id = ?",
                    (json.dumps(keywords), per_hour, known.id),
                )
            else:
                new_id = self._db.run(
                    """INSERT INTO subscriptions (platform, community, channel, feed_url,
                         keywords, per_hour, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (
                        place.platform,
                        place.community,
                        place.channel,
                        feed_url,
                        json.dumps(keywords),
                        per_hour,
                        utc(now),
                    ),
                )
                self._handle(new_id, listed)
            found = self._subscription(place.platform, place.channel, feed_url)
        assert found is not None
        return found, known is None

    def subscriptions(
        self, platform: Platform | None = None, community: str | None = None
    ) -> list[Subscription]:
        """Every subscription (of `platform`, and of one server or workspace), oldest first."""
        rows = self._db.rows(f"SELECT {_SUBSCRIPTION} FROM subscriptions ORDER BY id")
        found = [_subscription(row) for row in rows]
        return [
            s
            for s in found
            if (platform is None or s.place.platform == platform)
            and (community is None or s.place.community == community)
        ]

    def unsubscribe(self, subscription_id: int) -> None:
        with self._db.transaction():
            self._db.run(
                "DELETE FROM handled_entries WHERE subscription_id = ?", (subscription_id,)
            )
            self._db.run("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    def handled(self, subscription_id: int) -> set[str]:
        rows = self._db.rows(
            "SELECT entry_id FROM handled_entries WHERE subscription_id = ?", (subscription_id,)
        )
        return {row[0] for row in rows}

    def mark_handled(self, subscription_id: int, entry_ids: Iterable[str]) -> None:
        with self._db.transaction():
            self._handle(subscription_id, entry_ids)

    def failure_told(self, subscription_id: int, now: datetime) -> None:
        self._db.run(
            "UPDATE subscriptions SET failure_told_at = ? WHERE id = ?",
            (utc(now), subscription_id),
        )

    def _handle(self, subscription_id: int, entry_ids: Iterable[str]) -> None:
        self._db.run_many(
            "INSERT OR IGNORE INTO handled_entries (subscription_id, entry_id) VALUES (?, ?)",
            ((subscription_id, entry) for entry in entry_ids),
        )

    def _subscription(self, platform: str, channel: str, feed_url: str) -> Subscription | None:
        row = self._db.row(
            f"""SELECT {_SUBSCRIPTION} FROM subscriptions
                WHERE platform = ? AND channel = ? AND feed_url = ?""",
            (platform, channel, feed_url),
        )
        return _subscription(row) if row else None

    # -- posts ---------------------------------------------------------------------------------

    def record_post(
        self,
        place: Place,
        article_id: int,
        message: str,
        subscription_id: int | None,
        now: datetime,
    ) -> None:
        self._db.run(
            """INSERT INTO posts (platform, channel, article_id, message, subscription_id,
                 posted_at) VALUES (?, ?, ?, ?, ?, ?)""",
            (place.platform, place.channel, article_id, message, subscription_id, utc(now)),
        )

    def post_of(
        self, place: Place, article_ids: Iterable[int]
    ) -> tuple[int, str, tuple[str, ...]] | None:
        """The first post in `place` of any of these articles: (article id, message, the
        outlets it already says also reported it)."""
        wanted = list(article_ids)
        if not wanted:
            return None
        marks = ", ".join("?" * len(wanted))
        row = self._db.row(
            f"""SELECT article_id, message, also_reported FROM posts
                WHERE platform = ? AND channel = ? AND article_id IN ({marks})
                ORDER BY id LIMIT 1""",
            (place.platform, place.channel, *wanted),
        )
        return (row[0], row[1], tuple(json.loads(row[2]))) if row else None

    def set_also_reported(self, place: Place, message: str, outlets: tuple[str, ...]) -> None:
        self._db.run(
            "UPDATE posts SET also_reported = ? WHERE platform = ? AND channel = ? AND message = ?",
            (json.dumps(outlets), place.platform, place.channel, message),
        )

    def posts_since(self, subscription_id: int, since: datetime) -> int:
        row = self._db.row(
            "SELECT count(*) FROM posts WHERE subscription_id = ? AND posted_at > ?",
            (subscription_id, utc(since)),
        )
        return int(row[0]) if row else 0

    # -- alerts --------------------------------------------------------------------------------

    def add_alert(
        self, place: Place, target: AlertTarget, words: str, created_by: str, last_article_id: int
    ) -> Alert:
        alert_id = self._db.run(
            """INSERT INTO alerts (platform, community, channel, target, words, created_by,
                 last_article_id) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                place.platform,
                place.community,
                place.channel,
                target,
                words,
                created_by,
                last_article_id,
            ),
        )
        return next(a for a in self.alerts() if a.id == alert_id)

    def alerts(self, platform: Platform | None = None) -> list[Alert]:
        rows = self._db.rows(
            """SELECT id, platform, community, channel, target, words, created_by,
                 last_article_id FROM alerts ORDER BY id"""
        )
        return [
            Alert(row[0], Place(row[1], row[2], row[3]), row[4], row[5], row[6], row[7])
            for row in rows
            if platform is None or row[1] == platform
        ]

    def remove_alert(self, alert_id: int) -> None:
        self._db.run("DELETE FROM alerts WHERE id = ?", (alert_id,))

    def alert_seen(self, alert_id: int, last_article_id: int) -> None:
        self._db.run(
            "UPDATE alerts SET last_article_id = ? WHERE id = ?", (last_article_id, alert_id)
        )

    # -- digests -------------------------------------------------------------------------------

    def set_digest(
        self, place: Place, every: Every, at: str, now: datetime, last_article_id: int
    ) -> Digest:
        """The channel's digest, replacing any it had; it covers articles after
        `last_article_id`."""
        self._db.run(
            """INSERT INTO digests (platform, community, channel, every, at, created_at,
                 last_article_id) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (platform, channel) DO UPDATE SET every = excluded.every,
                 at = excluded.at""",
            (place.platform, place.community, place.channel, every, at, utc(now), last_article_id),
        )
        return next(d for d in self.digests(place.platform) if d.place == place)

    def digests(self, platform: Platform | None = None) -> list[Digest]:
        rows = self._db.rows(
            """SELECT id, platform, community, channel, every, at, created_at, last_sent_at,
                 last_article_id FROM digests ORDER BY id"""
        )
        return [
            Digest(row[0], Place(row[1], row[2], row[3]), *row[4:])
            for row in rows
            if platform is None or row[1] == platform
        ]

    def remove_digest(self, digest_id: int) -> None:
        self._db.run("DELETE FROM digests WHERE id = ?", (digest_id,))

    def digest_sent(self, digest_id: int, now: datetime, last_article_id: int) -> None:
        self._db.run(
            "UPDATE digests SET last_sent_at = ?, last_article_id = ? WHERE id = ?",
            (utc(now), last_article_id, digest_id),
        )


_SUBSCRIPTION = (
    "id, platform, community, channel, feed_url, keywords, per_hour, created_at, failure_told_at"
)


def _subscription(row: tuple) -> Subscription:
    return Subscription(
        row[0], Place(row[1], row[2], row[3]), row[4], tuple(json.loads(row[5])), *row[6:]
    )
