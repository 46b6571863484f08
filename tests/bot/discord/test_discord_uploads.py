"""/ingest with an attached article file: read like a file on disk (but cited as the upload it
is), refused before download when newsbot cannot read it, and only ever for admins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.discord.commands import INGEST_ONE_THING, NOT_ADMIN
from index.sources.fetching import WebSettings
from tests.support.discord import DiscordStandIn, Upload
from tests.support.discord_payloads import GUILD_ID, MANAGER_PERMISSIONS

# Longer than the 6,000 characters a text option can hold: what a file is for.
FILLER = "Ships queued outside the breakwater while divers checked the hull of each vessel. " * 80
HARBOUR_MD = f"""---
title: Harbour dredging finished
source: Quay News
published: 2024-06-03
---

# Harbour dredging finished

The dredgers removed 48,000 tonnes of silt from the channel, the harbour master said.

{FILLER}
""".encode()


def ingest_file(standin: DiscordStandIn, upload: Upload, **options: object):
    return standin.slash("ingest", {"file": upload, **options}, permissions=MANAGER_PERMISSIONS)


def downloads(standin: DiscordStandIn) -> list[str]:
    return [r.path for r in standin.requests if r.method == "GET" and r.path in standin.files]


def test_an_attached_markdown_article_is_indexed_as_an_upload_and_answered(
    standin: DiscordStandIn, run_bot, fresh_service
):
    assert len(HARBOUR_MD) > 6000
    run_bot(service=fresh_service)
    sent = ingest_file(standin, Upload("harbour.md", HARBOUR_MD))
    assert standin.callback(sent).body == {"type": 5, "data": {"flags": 64}}
    report = standin.followup(sent, timeout=30).body["content"]
    assert report.startswith("added: Harbour dredging finished\n1 added, 0 updated")
    assert len(downloads(standin)) == 1

    asked = standin.slash("ask", {"question": "How much silt did the dredgers remove?"})
    quote = standin.followup(asked).body["embeds"][0]
    assert quote["title"] == "Harbour dredging finished"
    assert "removed **48,000** tonnes of silt" in quote["description"]
    # Its front matter names an outlet and a date; the citation says who uploaded it, when.
    uploaded = f"uploaded by a member of Newsroom on {datetime.now(UTC).date().isoformat()}"
    assert quote["fields"][0]["value"].startswith(uploaded + " · paragraph 1")


def test_a_title_given_with_the_file_names_the_article(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(service=fresh_service)
    text = b"ignored first line\nThe ferry service resumed after 9 days, the operator said."
    sent = ingest_file(standin, Upload("ferry.txt", text), title="Ferries are back")
    assert standin.followup(sent, timeout=30).body["content"].startswith("added: Ferries are back")
    assert "Ferries are back" in [a.title for a in fresh_service.sources(f"discord:{GUILD_ID}")]


@pytest.mark.parametrize(
    ("upload", "refusal"),
    [
        (
            Upload("scan.pdf", b"%PDF-1.7"),
            "Sorry, I can read .txt, .md and .html files, not scan.pdf.",
        ),
        (
            Upload("big.txt", b"x" * 2_001),
            "Sorry, big.txt is larger than the 2,000 bytes I accept.",
        ),
    ],
)
def test_a_file_newsbot_cannot_read_is_refused_before_it_is_downloaded(
    standin: DiscordStandIn, run_bot, fresh_service, upload, refusal
):
    small = replace(fresh_service.config, web=WebSettings(max_bytes=2_000))
    fresh_service.config = small
    run_bot(service=fresh_service)
    before = fresh_service.sources()
    sent = ingest_file(standin, upload)
    callback = standin.callback(sent)
    assert callback.body["type"] == 4
    assert (callback.body["data"]["content"], callback.body["data"]["flags"]) == (refusal, 64)
    assert downloads(standin) == [] and not sent.followups
    assert fresh_service.sources() == before


def test_a_broken_file_is_reported_and_nothing_is_indexed(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(service=fresh_service)
    before = fresh_service.sources()
    sent = ingest_file(standin, Upload("notes.txt", b"\xff\xfe\x00binary"))
    report = standin.followup(sent, timeout=30).body["content"]
    assert "failed: notes.txt: not a UTF-8 text file" in report
    assert fresh_service.sources() == before


def test_a_file_discord_cannot_hand_over_is_reported(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(service=fresh_service)
    before = fresh_service.sources()
    sent = ingest_file(standin, Upload("harbour.md", HARBOUR_MD, gone=True))
    report = standin.followup(sent, timeout=30).body["content"]
    assert "failed: harbour.md: could not be downloaded from Discord (HTTP 404)" in report
    assert fresh_service.sources() == before


@pytest.mark.parametrize(
    "options",
    [{}, {"content": "Port reopens\nThe port reopened.", "file": Upload("a.txt", b"A\nB.")}],
    ids=["neither", "both"],
)
def test_ingest_wants_either_text_or_a_file(
    standin: DiscordStandIn, run_bot, fresh_service, options
):
    run_bot(service=fresh_service)
    sent = standin.slash("ingest", options, permissions=MANAGER_PERMISSIONS)
    callback = standin.callback(sent)
    assert (callback.body["type"], callback.body["data"]["content"]) == (4, INGEST_ONE_THING)
    assert downloads(standin) == []


def test_members_who_are_not_admins_cannot_upload_either(
    standin: DiscordStandIn, run_bot, fresh_service
):
    run_bot(service=fresh_service)
    before = fresh_service.sources()
    sent = standin.slash("ingest", {"file": Upload("harbour.md", HARBOUR_MD)})
    assert standin.callback(sent).body["data"]["content"] == NOT_ADMIN
    assert downloads(standin) == [] and fresh_service.sources() == before
