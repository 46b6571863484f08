"""Each place's conversation in `chat.sqlite3`, kept across a restart and forgotten when old;
and a follow-up asking the last answer's article first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.chat_state import FILENAME, MIGRATIONS, ChatState
from bot.config import load_config
from bot.conversations import Contexts, Where, converse
from bot.core.followups import Turn
from bot.core.hedges import Cue
from bot.core.models import Citation, Highlight, Quote
from bot.service import NewsService, newsbot_admin, open_library

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


BORDER = (
    "Border build-up\nChina has sent 150,000 troops to the border. Russia has sent 20,000 troops"
    " to the same border, officials said on Monday."
)
ARMY = (
    "Russia moves its army east\nRussia has sent 90,000 troops to the Korean border this week,"
    " the Russian defence ministry said. The 90,000 Russian troops arrived by train."
)
PORT = "Port reopens\nThe port reopened on Monday after 12 days of repairs. Japan sent 400 troops."


@pytest.fixture
def stories(tmp_path, embedder) -> Iterator[tuple[NewsService, dict[str, int]]]:
    config = replace(load_config(environ={}), data_dir=tmp_path / "data")
    library, _ = open_library(config, seed=False)
    library.embedder = embedder
    service = NewsService(config, library)
    for text in (BORDER, ARMY, PORT):
        assert service.ingest_text(text, newsbot_admin("tests")).added
    yield service, {a.title.split()[0]: a.id for a in service.sources()}
    service.close()


def test_a_follow_up_is_answered_from_the_last_article_when_it_answers(stories):
    service, ids = stories
    asked = converse(service, "how many Chinese troops?", None)
    assert asked.answer.quotes[0].citation.article_id == ids["Border"]
    followed = converse(service, "and Russia?", asked.turn)
    assert followed.read_as == "how many Russian troops?"
    # Asked afresh, the whole corpus answers from the article about Russia's army...
    fresh = service.ask("how many Russian troops?")
    assert fresh.answered and fresh.quotes[0].citation.article_id == ids["Russia"]
    # ...but the follow-up asks the border story first, and it answers.
    (quote, *_) = followed.answer.quotes
    assert quote.citation.article_id == ids["Border"] and quote.highlight.text == "20,000"


def test_a_follow_up_the_last_article_cannot_answer_is_asked_of_every_article(stories):
    service, ids = stories
    asked = converse(service, "how many Japanese troops?", None)
    assert asked.answer.quotes[0].citation.article_id == ids["Port"]
    followed = converse(service, "and Russia?", asked.turn)
    assert followed.answer.answered
    assert followed.answer.quotes[0].citation.article_id != ids["Port"]
