"""Slack end to end: `/ask` shows where the articles disagree above the quotes, and
`/ask --compare` what each outlet says, through the real bolt app and a stand-in for Slack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.config import load_config
from bot.service import NewsService
from bot.slack.conflicts import HEADING
from index.embedding import Embedder
from index.library import Library
from tests.support import conflicts as stories
from tests.support.slack import block_problems


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[NewsService]:
    """A service whose articles disagree on a troop figure and on a crocodile."""
    root = tmp_path_factory.mktemp("slack-conflicts")
    folder = stories.write_stories(
        root / "articles", (*stories.DISAGREEING_FIGURES, *stories.CLAIM_AND_DEBUNKING)
    )
    config = replace(load_config(environ={}), data_dir=root / "data")
    library = Library(config.data_dir, config.index, embedder)
    assert not library.ingest_paths([folder]).failed
    service = NewsService(config, library)
    yield service
    service.close()


def _sections(post) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]


def test_ask_shows_the_conflicting_figures_above_the_quotes(make_slack, disputed: NewsService):
    slack = make_slack(disputed)
    _, ack, _, key = slack.command("/ask", stories.TROOPS)
    assert ack == b""
    (post,) = slack.stand_in.wait_for(key)
    sections = _sections(post)
    assert sections[0].startswith("*Q:*")
    heading, note = sections[1].split("\n")
    assert heading == HEADING
    assert note.startswith("• The articles disagree: ")
    assert "says 150,000" in note and "says 100,000" in note
    quotes = [s for s in sections if s.startswith(">")]
    assert any("*150,000*" in q for q in quotes) and any("*100,000*" in q for q in quotes)
    assert not block_problems(post.body["blocks"])


def test_ask_compare_shows_each_outlet_newest_first_with_the_stance_on_top(
    make_slack, disputed: NewsService
):
    slack = make_slack(disputed)
    _, _, _, key = slack.command("/ask", f"--compare {stories.CROCODILE}")
    (post,) = slack.stand_in.wait_for(key)
    sections = _sections(post)
    assert sections[0] == f"*Q:* {stories.CROCODILE}"
    assert sections[1] == (
        f"{HEADING}\n• Reports conflict: Millbrook Echo reports it; County Times says it is a hoax."
    )
    contexts = [
        e["text"] for b in post.body["blocks"] if b["type"] == "context" for e in b["elements"]
    ]
    outlets = [c for c in contexts if c.startswith("— ")]
    assert "County Times" in outlets[0] and "Millbrook Echo" in outlets[1]
    assert "Conflicting reports" in post.body["text"]  # the notification says so too


def test_compare_works_with_the_other_flags_in_any_order(make_slack, disputed: NewsService):
    slack = make_slack(disputed)
    _, _, _, key = slack.command("/ask", f"--compare --private {stories.TROOPS}")
    (post,) = slack.stand_in.wait_for(key)
    assert post.body["response_type"] == "ephemeral"
    assert _sections(post)[0] == f"*Q:* {stories.TROOPS}"


def test_ask_without_a_conflict_has_no_conflict_section(make_slack, disputed: NewsService):
    slack = make_slack(disputed)
    _, _, _, key = slack.command("/ask", "Who said the crocodile story was a hoax?")
    (post,) = slack.stand_in.wait_for(key)
    assert _sections(post)[0].startswith("*Q:*")
    assert any(s.startswith(">") for s in _sections(post))  # it answers, from one side
    assert not any(s.startswith(HEADING) for s in _sections(post))
    assert "Conflicting reports" not in post.body["text"]
