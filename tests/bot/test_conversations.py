"""Each place's conversation in `chat.sqlite3`: kept across a restart, forgotten when old."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from bot.chat_state import FILENAME, MIGRATIONS, ChatState
from bot.conversations import Contexts, Where
from bot.core.followups import Turn
from bot.core.hedges import Cue
from bot.core.models import Citation, Highlight, Quote

T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
CITATION = Citation(7, "Troops sent", None, "https://example.com/t", None, 3, None, "2017-04-21")
QUOTE = Quote(
    "Officials said 150,000 troops were sent.",
    CITATION,
    1.5,
    Highlight(15, 22, "150,000"),
    (Cue(10, 14, "said", "attribution"),),
    0.8,
)
TURN = Turn("how many troops?", QUOTE, True, "medium", 0.8)
THREAD = Where("slack", "T0NEWS", "C0NEWS", "1712000000.000100")


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_turn_survives_a_restart_and_expires_after_context_minutes(tmp_path):
    clock = Clock(T0)
    Contexts(ChatState(tmp_path), 30, clock).remember(THREAD, TURN)
    clock.now = T0 + timedelta(minutes=30)
    restarted = Contexts(ChatState(tmp_path), 30, clock)  # a new process, the same folder
    assert restarted.previous(THREAD) == TURN  # quote, citation, highlight and hedges
    clock.now = T0 + timedelta(minutes=31)
    assert restarted.previous(THREAD) is None
    assert restarted.part_of(THREAD)  # still newsbot's thread
    # Another thread, channel, workspace or platform is another conversation.
    for other in (
        Where("slack", "T0NEWS", "C0NEWS", "1712000000.000200"),
        Where("slack", "T0NEWS", "C0OTHER", THREAD.thread),
        Where("slack", "T0OTHER", "C0NEWS", THREAD.thread),
        Where("discord", "T0NEWS", "C0NEWS", THREAD.thread),
    ):
        assert not restarted.part_of(other)


def test_a_later_turn_replaces_the_earlier_and_restarts_the_clock(tmp_path):
    clock = Clock(T0)
    contexts = Contexts(ChatState(tmp_path), 30, clock)
    contexts.remember(THREAD, TURN)
    clock.now = T0 + timedelta(minutes=20)
    later = Turn("how many Russian troops?")
    contexts.remember(THREAD, later)
    clock.now = T0 + timedelta(minutes=45)
    assert contexts.previous(THREAD) == later


def test_the_state_file_is_migrated_once_in_order(tmp_path):
    ChatState(tmp_path)
    ChatState(tmp_path)  # opening again runs nothing twice
    with sqlite3.connect(tmp_path / FILENAME) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"contexts", "shown", "feedback"} <= tables
