"""Discord end to end: `/ask` puts where the articles disagree in an embed above the quotes,
and `/ask compare:True` shows what each outlet says, through the real client and the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.config import load_config
from bot.discord.conflicts import COLOUR, TITLE
from bot.service import NewsService
from index.embedding import Embedder
from index.library import Library
from tests.support import conflicts as stories
from tests.support.discord import DiscordStandIn


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[NewsService]:
    root = tmp_path_factory.mktemp("discord-conflicts")
    folder = stories.write_stories(
        root / "articles", (*stories.DISAGREEING_FIGURES, *stories.CLAIM_AND_DEBUNKING)
    )
    config = replace(load_config(environ={}), data_dir=root / "data")
    library = Library(config.data_dir, config.index, embedder)
    assert not library.ingest_paths([folder]).failed
    service = NewsService(config, library)
    yield service
    service.close()


def test_ask_puts_the_conflicting_figures_in_the_first_embed(
    standin: DiscordStandIn, run_bot, disputed: NewsService
):
    run_bot(disputed)
    sent = standin.slash("ask", {"question": stories.TROOPS})
    body = standin.followup(sent).body
    warning, *quotes, caveats = body["embeds"]
    assert warning["title"] == TITLE and warning["color"] == COLOUR
    assert warning["description"].startswith("• The articles disagree: ")
    assert "says 150,000" in warning["description"]
    assert "says 100,000" in warning["description"]
    assert {"**150,000**", "**100,000**"} <= {
        mark for q in quotes for mark in ("**150,000**", "**100,000**") if mark in q["description"]
    }
    assert caveats["title"] == "Caveats"
    assert body["allowed_mentions"] == {"parse": []}


def test_ask_compare_shows_each_outlet_newest_first_under_the_stance(
    standin: DiscordStandIn, run_bot, disputed: NewsService
):
    run_bot(disputed)
    sent = standin.slash("ask", {"question": stories.CROCODILE, "compare": True})
    body = standin.followup(sent).body
    warning, *quotes, _ = body["embeds"]
    assert warning["description"] == (
        "• Reports conflict: Millbrook Echo reports it; County Times says it is a hoax."
    )
    sources = [q["fields"][0]["value"].split(" · ")[0] for q in quotes]
    assert sources == ["County Times", "Millbrook Echo"]


def test_ask_without_a_conflict_has_no_warning_embed(
    standin: DiscordStandIn, run_bot, disputed: NewsService
):
    run_bot(disputed)
    sent = standin.slash("ask", {"question": "Who said the crocodile story was a hoax?"})
    titles = [e.get("title") for e in standin.followup(sent).body["embeds"]]
    assert TITLE not in titles
