"""The chat front ends' own state: a small SQLite file in the data folder, `chat.sqlite3`.

Conversations and feedback belong to the bot, not to the corpus: they are not articles, are
never searched, and only the bot that wrote them reads them. So they are kept beside the index
in a file of their own, whichever index backend is configured, and survive a restart. The
schema grows by numbered migrations (`PRAGMA user_version` says how many have run). Each call
opens its own connection, so front-end worker threads never share one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

FILENAME = "chat.sqlite3"

MIGRATIONS: tuple[str, ...] = (
    # 1: each conversation's last answer, by where it happens.
    """
    CREATE TABLE contexts (
        platform TEXT NOT NULL,
        workspace TEXT NOT NULL,
        channel TEXT NOT NULL,
        thread TEXT NOT NULL,
        turn TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (platform, workspace, channel, thread)
    );
    """,
    # 2: the answers shown with feedback buttons, and each asker's click on one.
    """
    CREATE TABLE shown (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE feedback (
        shown_id INTEGER NOT NULL REFERENCES shown (id),
        user_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (shown_id, user_hash)
    );
    CREATE INDEX feedback_at ON feedback (at);
    """,
)


class ChatState:
    """`chat.sqlite3` in `data_dir`, created and migrated when opened."""

    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.path = data_dir / FILENAME
        with self.connect() as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            done = connection.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[done:], start=done + 1):
                connection.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose statements commit together when the block ends without error."""
        with closing(sqlite3.connect(self.path, timeout=10)) as connection, connection:
            yield connection
