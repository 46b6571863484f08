"""`newsbot ingest URL` and `newsbot feeds …` end to end, against a news site on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from index.embedding import Embedder
from tests.support.newssite import NewsSite, article_html, rss

HARBOUR = (
    "Harbour dredging finishes after two years",
    [
        "Dredging of the main harbour channel finished on Tuesday, two years after work "
        "began, allowing container ships of up to 14 metres draught to dock at any tide.",
        "The port authority said 1.2 million cubic metres of silt had been removed and taken "
        "to a licensed site offshore, under the supervision of marine biologists.",
        "Local fishing crews, who had complained about noise and closures, will be "
        "compensated from a 2 million pound fund agreed with the contractor last year.",
    ],
)
MUSEUM = (
    "Museum reopens with dinosaur gallery",
    [
        "The natural history museum reopened its doors on Saturday after an 18-month "
        "refurbishment, with a new gallery built around a nearly complete Triceratops skeleton.",
        "Curators said the skeleton, found by a farmer in 1994, had spent three decades in "
        "storage because no room in the old building was tall enough to display it upright.",
        "Entry remains free, and the museum expects 300,000 visitors in its first year.",
    ],
)


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    """Every command uses the session's model instead of loading its own."""
    monkeypatch.setattr("bot.service.Embedder", lambda *args, **kwargs: embedder)


@pytest.fixture
def site():
    with NewsSite() as running:
        running.serve(
            "/harbour.html",
            article_html(
                *HARBOUR, outlet="Port Gazette", author="Sam Reid", published="2024-06-04"
            ),
        )
        running.serve("/museum.html", article_html(*MUSEUM, outlet="City Courier"))
        yield running


def test_ingest_a_url_then_ask_about_it(newsbot, site: NewsSite) -> None:
    url = site.url("/harbour.html")
    result = newsbot("ingest", url, "--allow-private-networks")
    assert result.exit_code == 0, result.output
    assert f"added: {HARBOUR[0]}" in result.stdout
    assert "1 added, 0 updated, 0 unchanged, 0 skipped as duplicates, 0 failed" in result.stdout
    answer = json.loads(newsbot("ask", "--json", "How much silt was removed?").stdout)
    assert answer["answered"]
    quote = answer["quotes"][0]
    assert "1.2 million cubic metres" in quote["text"]
    assert (quote["source"], quote["url"]) == ("Port Gazette", url)


def test_ingest_mixes_files_and_urls(newsbot, site: NewsSite, tmp_path: Path) -> None:
    note = tmp_path / "bridge.txt"
    note.write_text("Bridge opens\n\nThe new footbridge opened on Friday.\n", encoding="utf-8")
    result = newsbot(
        "ingest", str(note), site.url("/museum.html"), site.url("/harbour.html"),
        "--allow-private-networks",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    again = newsbot("ingest", site.url("/museum.html"), "--allow-private-networks")
    assert f"unchanged: {MUSEUM[0]}" in again.stdout


def test_private_addresses_are_refused_without_the_setting(newsbot, site: NewsSite) -> None:
    result = newsbot("ingest", site.url("/harbour.html"))
    assert result.exit_code == 1
    assert "failed: http://127.0.0.1:" in result.stdout
    assert "refused, 127.0.0.1 is a loopback address" in result.stdout
    assert "0 added" in result.stdout
    assert site.requests == []
    assert "Traceback" not in result.output


def test_web_settings_come_from_the_config_file(tmp_path: Path, site: NewsSite) -> None:
    config = tmp_path / "newsbot.toml"
    config.write_text("[web]\nallow_private_networks = true\nmax_bytes = 1000\n")
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path / "data"),
            "ingest",
            site.url("/harbour.html"),
        ],
    )
    assert "larger than the 1,000-byte limit" in result.stdout  # both settings were used
    assert "refused" not in result.stdout


def test_a_bad_url_is_one_line_and_exit_1(newsbot, site: NewsSite) -> None:
    result = newsbot(
        "ingest", site.url("/missing.html"), "ftp://example.com/a", "--allow-private-networks"
    )
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed:")]
    assert failed == [
        f"failed: {site.url('/missing.html')}: HTTP 404 Not Found",
        "failed: ftp://example.com/a: only http and https URLs can be fetched",
    ]


def test_the_same_story_twice_is_skipped_and_reported(newsbot, site: NewsSite) -> None:
    site.serve("/copy.html", article_html("Dredging done", HARBOUR[1], outlet="Wire"))
    result = newsbot(
        "ingest", site.url("/harbour.html"), site.url("/copy.html"), "--allow-private-networks"
    )
    assert result.exit_code == 0
    assert f"skipped: Dredging done: same text as “{HARBOUR[0]}”" in result.stdout
    assert "1 added, 0 updated, 0 unchanged, 1 skipped as duplicates, 0 failed" in result.stdout


def test_follow_poll_list_and_remove_a_feed(newsbot, site: NewsSite) -> None:
    items = [(HARBOUR[0], site.url("/harbour.html")), (MUSEUM[0], site.url("/museum.html"))]
    url = site.serve(
        "/feed.xml", rss("Port Gazette", site.url("/"), items),
        content_type="application/rss+xml", etag='"1"',
    )  # fmt: skip
    added = newsbot("feeds", "add", url, "--allow-private-networks")
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == f"following: Port Gazette · {url} · 2 entries"

    assert "never polled" in newsbot("feeds", "list").stdout
    polled = newsbot("feeds", "poll", "--allow-private-networks")
    assert polled.exit_code == 0, polled.output
    assert f"feed {url}: 2 new entries fetched" in polled.stdout
    assert "2 added" in polled.stdout
    again = newsbot("feeds", "poll", "--allow-private-networks")
    assert f"feed {url}: not modified" in again.stdout
    assert "0 added" in again.stdout

    (listed,) = json.loads(newsbot("feeds", "list", "--json").stdout)
    assert (listed["url"], listed["etag"], listed["entries"]) == (url, '"1"', 2)
    removed = newsbot("feeds", "remove", url)
    assert removed.stdout.strip() == "removed feed: Port Gazette"
    assert "No feeds are followed" in newsbot("feeds", "list").stdout
    sources = json.loads(newsbot("sources", "--json").stdout)
    assert {s["title"] for s in sources} == {HARBOUR[0], MUSEUM[0]}  # articles stay


def test_a_page_is_not_a_feed(newsbot, site: NewsSite) -> None:
    result = newsbot("feeds", "add", site.url("/harbour.html"), "--allow-private-networks")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {site.url('/harbour.html')}: not an RSS or Atom feed (Content-Type text/html)"
    )
    assert "No feeds are followed" in newsbot("feeds", "list").stdout


def test_removing_an_unknown_feed_is_an_error(newsbot) -> None:
    result = newsbot("feeds", "remove", "https://example.com/nope.xml")
    assert result.exit_code == 1
    assert "no followed feed matches" in result.stderr


def test_help_lists_the_feed_commands() -> None:
    result = CliRunner().invoke(cli, ["feeds", "--help"])
    for command in ("add", "list", "remove", "poll"):
        assert command in result.stdout
