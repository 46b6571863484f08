"""Feedback on answers: the buttons under each chat answer, what a click records, and export.

An answer shown with buttons is registered first (`shown`): its question as newsbot read it,
quotes, probability and article ids, so the button needs to carry only a number. A click
records its kind against that answer and the asker, who is kept only as a salted hash: an HMAC
of the platform's user id under a secret salt made once and kept in the data folder
(`feedback.salt`, readable by its owner alone). Clicks from one person can be told apart
without the id ever being stored; a later click of theirs on the same answer replaces the
earlier. `export` writes the questions as a question set the answer benchmark and tests read
(the shape of tests/bot/core/seed_questions.toml), so real misses become tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, get_args

from bot.chat_state import ChatState
from bot.core.models import Answer
from index.errors import UserError

FeedbackKind = Literal["up", "wrong_quote", "should_abstain"]
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = get_args(FeedbackKind)
# What each button says: fixed labels, the same in Slack and Discord.
LABELS: dict[FeedbackKind, str] = {
    "up": "👍",
    "wrong_quote": "👎 wrong quote",
    "should_abstain": "👎 should have said “not found”",
}
THANKS = "Thanks: your feedback is recorded, and helps newsbot get answers right."
UNKNOWN_ANSWER = "That answer is too old to rate, or newsbot no longer has it."
SALT_FILE = "feedback.salt"
# Answers nobody rated are forgotten after this long; rated ones are kept with their feedback.
KEEP_UNRATED_DAYS = 90


@dataclass(frozen=True)
class Feedback:
    """One person's rating of one answer, with what that answer was."""

    kind: FeedbackKind
    question: str  # as newsbot read it
    answered: bool
    quotes: tuple[str, ...]
    highlights: tuple[str | None, ...]
    probability: float
    article_ids: tuple[int, ...]
    platform: str
    user: str  # the salted hash, never the id
    at: str
    about_quote: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "question": self.question,
            "answered": self.answered,
            "quotes": list(self.quotes),
            "probability": round(self.probability, 4),
            "article_ids": list(self.article_ids),
            "platform": self.platform,
            "user": self.user,
            "at": self.at,
        }


class FeedbackStore:
    """Answers shown with buttons, and the clicks on them, in `chat.sqlite3`."""

    def __init__(self, state: ChatState, clock: Callable[[], datetime]):
        self._state = state
        self._clock = clock
        self._salt = _salt(state)

    def shown(
        self, answer: Answer, understood: str, platform: str, about_quote: bool = False
    ) -> int:
        """Register an answer about to be shown; the id its buttons carry. `about_quote`: a
        follow-up answered from the last quote ("who says so?"), which no search answers."""
        quotes = answer.quotes or answer.related
        record = {
            "answered": answer.answered,
            "about_quote": about_quote,
            "probability": answer.probability,
            "quotes": [q.text for q in quotes],
            "highlights": [q.highlight.text if q.highlight else None for q in quotes],
            "article_ids": list(dict.fromkeys(q.citation.article_id for q in quotes)),
        }
        now = self._clock()
        with self._state.connect() as connection:
            old = (now - timedelta(days=KEEP_UNRATED_DAYS)).isoformat()
            connection.execute(
                "DELETE FROM shown WHERE at < ? AND id NOT IN (SELECT shown_id FROM feedback)",
                (old,),
            )
            cursor = connection.execute(
                "INSERT INTO shown (platform, question, answer, at) VALUES (?, ?, ?, ?)",
                (platform, understood, json.dumps(record, ensure_ascii=False), now.isoformat()),
            )
            return int(cursor.lastrowid or 0)

    def record(self, shown_id: int, kind: FeedbackKind, user: str) -> None:
        """One click: `user` is the platform's id for the person, hashed before it is kept."""
        if kind not in FEEDBACK_KINDS:
            raise UserError(f"unknown feedback {kind!r}")
        with self._state.connect() as connection:
            row = connection.execute("SELECT platform FROM shown WHERE id = ?", (shown_id,))
            found = row.fetchone()
            if found is None:
                raise UserError(UNKNOWN_ANSWER)
            connection.execute(
                "INSERT INTO feedback (shown_id, user_hash, kind, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (shown_id, user_hash) DO UPDATE SET kind = excluded.kind, "
                "at = excluded.at",
                (shown_id, self.user_hash(found[0], user), kind, self._clock().isoformat()),
            )

    def user_hash(self, platform: str, user: str) -> str:
        return hmac.new(self._salt, f"{platform}:{user}".encode(), hashlib.sha256).hexdigest()

    def listed(self, since: date | None = None) -> list[Feedback]:
        """Every click, oldest first; from the day `since` on when given."""
        query = (
            "SELECT f.kind, s.question, s.answer, s.platform, f.user_hash, f.at "
            "FROM feedback f JOIN shown s ON s.id = f.shown_id"
        )
        bound: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE f.at >= ?"
            bound = (since.isoformat(),)
        with self._state.connect() as connection:
            rows = connection.execute(query + " ORDER BY f.at, f.rowid", bound).fetchall()
        return [_feedback(*row) for row in rows]


def _feedback(kind: str, question: str, answer: str, platform: str, user: str, at: str) -> Feedback:
    record = json.loads(answer)
    return Feedback(
        kind,  # type: ignore[arg-type]
        question,
        record["answered"],
        tuple(record["quotes"]),
        tuple(record["highlights"]),
        record["probability"],
        tuple(record["article_ids"]),
        platform,
        user,
        at,
        record.get("about_quote", False),
    )


def _salt(state: ChatState) -> bytes:
    """The data folder's salt, made the first time any process needs it."""
    path = state.data_dir / SALT_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    salt = secrets.token_bytes(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(salt.hex())
    return salt


def counts(feedback: Iterable[Feedback]) -> dict[FeedbackKind, int]:
    """How many of each kind, every kind named (0 when none)."""
    found = Counter(f.kind for f in feedback)
    return {kind: found.get(kind, 0) for kind in FEEDBACK_KINDS}


EXPORT_HEADER = """\
# Questions people rated in chat, written by `newsbot feedback --export`, in the shape of
# tests/bot/core/seed_questions.toml (the question set the answer tests and benchmark read).
# [[answerable]]: rated 👍; its first quote must contain `quote`.
# [[unanswerable]]: newsbot should say "not found" (rated so, or a "not found" rated 👍).
# [[to_check]]: rated "wrong quote"; find the right quote (or decide it has none), then move
# the question to [[answerable]] or [[unanswerable]]. `wrong_quote` is what newsbot quoted.
# Follow-ups about the last quote ("who says so?") are left out: no search answers them.
"""


_REQUIRED = ("answerable", "unanswerable")


def exported(feedback: Iterable[Feedback]) -> list[Feedback]:
    """The ratings an export writes: each question's latest, follow-ups about the last quote
    left out."""
    return list({f.question.casefold(): f for f in feedback if not f.about_quote}.values())


def export(feedback: Iterable[Feedback]) -> str:
    """The rated questions as a question set; a question rated more than once counts as its
    latest rating."""
    tables: list[tuple[str, str]] = []
    for rated in exported(feedback):
        question = f"question = {_toml(rated.question)}\n"
        if rated.kind == "up" and rated.answered and rated.quotes:
            quote = rated.highlights[0] or rated.quotes[0]
            tables.append(("answerable", f"{question}quote = {_toml(quote)}\n"))
        elif rated.kind == "should_abstain" or (rated.kind == "up" and not rated.answered):
            tables.append(("unanswerable", question))
        else:
            wrong = f"wrong_quote = {_toml(rated.quotes[0])}\n" if rated.answered else ""
            tables.append(("to_check", f"{question}{wrong}"))
    # The reader of question sets wants both lists, even when one is empty.
    named = {name for name, _ in tables}
    empty = "".join(f"{name} = []\n" for name in _REQUIRED if name not in named)
    return EXPORT_HEADER + empty + "".join(f"\n[[{name}]]\n{body}" for name, body in tables)


def _toml(text: str) -> str:
    """A TOML basic string: JSON's escapes (\\", \\\\, \\n, \\uXXXX) are TOML's too, and
    DEL, which JSON leaves as it is, must be escaped in TOML."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
