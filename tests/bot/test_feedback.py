"""Feedback: answers registered for their buttons, clicks kept with a salted hash of the
clicker, and the rated questions exported as a question set."""

from __future__ import annotations

import stat
import tomllib
from datetime import date, datetime, timedelta

import pytest

from bench.answers import seed_corpus
from bot.chat_state import ChatState
from bot.core.models import Answer, Citation, Highlight, Quote
from bot.feedback import (
    SALT_FILE,
    UNKNOWN_ANSWER,
    FeedbackStore,
    counts,
    export,
)
from index.errors import UserError

T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
QUOTE = Quote(
    "China sent 150,000 troops.",
    Citation(3, "T", None, None, None, 1),
    1.0,
    Highlight(11, 18, "150,000"),
)
ANSWERED = Answer("and China?", True, "high", (QUOTE,), (), probability=0.93)
ABSTAINED = Answer("Tokyo?", False, "none", (), ("not found",), (QUOTE,), 0.12)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_click_is_kept_with_its_answer_and_a_hash_of_the_clicker(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path), clock)
    shown = store.shown(ANSWERED, "how many Chinese troops?", "slack")
    store.record(shown, "up", "T0NEWS:U0RATER")
    (rated,) = store.listed()
    assert rated.kind == "up" and rated.question == "how many Chinese troops?"
    assert rated.quotes == (QUOTE.text,) and rated.highlights == ("150,000",)
    assert rated.article_ids == (3,) and rated.probability == 0.93 and rated.platform == "slack"
    assert rated.at == T0.isoformat()
    assert "U0RATER" not in rated.user and len(rated.user) == 64
    # Nowhere in the data folder (the database, its write-ahead log, the salt) is the raw id.
    for path in tmp_path.iterdir():
        assert b"U0RATER" not in path.read_bytes(), path.name
    # The salt is the data folder's own, made once, readable by its owner alone.
    salt = tmp_path / SALT_FILE
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    again = FeedbackStore(ChatState(tmp_path), clock)
    assert again.user_hash("slack", "T0NEWS:U0RATER") == rated.user
    elsewhere = FeedbackStore(ChatState(tmp_path / "other"), clock)
    assert elsewhere.user_hash("slack", "T0NEWS:U0RATER") != rated.user


def test_a_second_click_by_the_same_person_replaces_the_first(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path), clock)
    shown = store.shown(ANSWERED, "how many Chinese troops?", "discord")
    store.record(shown, "up", "42")
    clock.now = T0 + timedelta(days=1)
    store.record(shown, "wrong_quote", "42")
    store.record(shown, "up", "43")
    assert [(f.kind, f.at[:10]) for f in store.listed()] == [
        ("wrong_quote", "2026-03-03"),
        ("up", "2026-03-03"),
    ]
    assert [f.kind for f in store.listed(since=date(2026, 3, 3))] == ["wrong_quote", "up"]
    assert store.listed(since=date(2026, 3, 4)) == []
    assert counts(store.listed()) == {"up": 1, "wrong_quote": 1, "should_abstain": 0}


def test_a_click_on_an_unknown_answer_is_refused_plainly(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path), clock)
    with pytest.raises(UserError, match=UNKNOWN_ANSWER):
        store.record(999, "up", "42")


def test_export_writes_a_question_set_the_seed_questions_reader_reads(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path), clock)
    right = store.shown(ANSWERED, "how many Chinese troops?", "slack")
    wrong = store.shown(ANSWERED, 'who said "150,000"?\n', "slack")
    missed = store.shown(ABSTAINED, "What is the population of Tokyo?", "slack")
    abstain = store.shown(ANSWERED, "How many Japanese troops?", "discord")
    for shown, kind in (
        (right, "up"),
        (wrong, "wrong_quote"),
        (missed, "up"),
        (abstain, "should_abstain"),
    ):
        store.record(shown, kind, "42")
    data = tomllib.loads(export(store.listed()))
    assert data["answerable"] == [{"question": "how many Chinese troops?", "quote": "150,000"}]
    assert data["unanswerable"] == [
        {"question": "What is the population of Tokyo?"},
        {"question": "How many Japanese troops?"},
    ]
    assert data["to_check"] == [{"question": 'who said "150,000"?\n', "wrong_quote": QUOTE.text}]


def test_an_export_with_only_misses_is_read_by_the_answer_benchmark(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path / "data"), clock)
    store.record(store.shown(ANSWERED, "How many Japanese troops?", "slack"), "should_abstain", "1")
    written = tmp_path / "rated.toml"
    written.write_text(export(store.listed()), encoding="utf-8")
    corpus = seed_corpus(questions=written)
    assert [(c.gold.text, c.gold.answerable) for c in corpus.cases] == [
        ("How many Japanese troops?", False)
    ]


def test_a_follow_up_about_the_last_quote_is_listed_but_not_exported(tmp_path, clock):
    store = FeedbackStore(ChatState(tmp_path), clock)
    about = store.shown(ANSWERED, f"who is the source of “{QUOTE.text}”?", "slack", True)
    asked = store.shown(ANSWERED, "how many Chinese troops?", "slack")
    store.record(about, "wrong_quote", "1")
    store.record(asked, "up", "1")
    assert [f.about_quote for f in store.listed()] == [True, False]
    data = tomllib.loads(export(store.listed()))
    assert data["answerable"] == [{"question": "how many Chinese troops?", "quote": "150,000"}]
    assert "to_check" not in data and data["unanswerable"] == []
