"""The passage log of the SQLite database: what the indexes kept beside it must catch up with.

Triggers record every passage inserted or deleted (schema 6), numbered in commit order, since
one SQLite writer commits at a time. An index that has applied the log up to `seq` reads only
what came after.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.storage.sqlite_database import Database


@dataclass(frozen=True)
class Changes:
    """The passages added and deleted after one point of the log, up to `seq`.

    A passage inserted and then deleted within them is only in `deleted`; `added` holds
    passages that exist as of `seq`, in id order.
    """

    seq: int
    added: list[int]
    deleted: list[int]


class PassageLog:
    def __init__(self, database: Database):
        self._db = database

    def latest(self) -> int:
        """:returns: the number of the last change committed (0 when there is none)."""
        row = self._db.row("SELECT max(seq) FROM passage_log")
        return int(row[0] or 0) if row else 0

    def reaches_back_to(self, seq: int) -> bool:
        """:returns: whether every change after `seq` is still in the log (not trimmed)."""
        row = self._db.row("SELECT min(seq) FROM passage_log")
        return row is None or row[0] is None or int(row[0]) <= seq + 1

    def since(self, seq: int) -> Changes:
        """The net changes after `seq`, up to the last one committed."""
        rows = self._db.rows(
            "SELECT seq, passage_id, added FROM passage_log WHERE seq > ? ORDER BY seq", (seq,)
        )
        last: dict[int, bool] = {}
        for _, passage_id, added in rows:
            last[passage_id] = bool(added)
        end = rows[-1][0] if rows else seq
        return Changes(
            seq=end,
            added=sorted(i for i, added in last.items() if added),
            deleted=sorted(i for i, added in last.items() if not added),
        )

    def trim(self, upto: int) -> None:
        """Forget changes up to `upto`, which every kept copy of the indexes has applied; only
        inside a write."""
        self._db.run("DELETE FROM passage_log WHERE seq <= ?", (upto,))
