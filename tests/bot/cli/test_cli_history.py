"""`newsbot history` and answers from an updated story, end to end: the story ingested three
times as its outlet updated it."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import updates


@pytest.fixture
def updated(newsbot, tmp_path):  # type: ignore[no-untyped-def]
    """The story ingested at each of its versions, in turn; the newest is indexed."""
    path = tmp_path / "articles" / "bridge.md"
    for number in (1, 2, 3):
        result = newsbot("ingest", str(updates.write_version(path, number)))
        assert result.exit_code == 0, result.stderr
    return newsbot


def test_history_lists_each_version_with_what_it_added_and_removed(updated):
    result = updated("history", "bridge", "repair")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"History of “{updates.TITLE}” (article 1): 3 versions"
    headers = [line for line in lines if line.startswith("Version ")]
    seen = r"seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    assert re.fullmatch(rf"Version 1 · {seen} · published 2017-05-01", headers[0])
    assert re.fullmatch(
        rf"Version 3 · {seen} · published 2017-05-01 · updated 2017-05-08", headers[2]
    )
    second = lines[lines.index(headers[1]) + 1 : lines.index(headers[2])]
    assert second == [
        f"  - “{updates.FIRST_BILL}”",
        f"  + “{updates.SECOND_BILL}”",
        f"  + “{updates.FERRIES}”",
    ]
    assert lines[lines.index(headers[2]) + 1 :] == [
        f"  - “{updates.REOPENING}”",
        f"  + “{updates.INQUIRY}”",
    ]


def test_history_json_gives_every_version(updated):
    result = updated("history", "1", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["article_id"], data["title"]) == (1, updates.TITLE)
    versions = data["versions"]
    assert [(v["version"], v["published"], v["updated"]) for v in versions] == [
        (1, "2017-05-01", None),
        (2, "2017-05-01", "2017-05-03"),
        (3, "2017-05-01", "2017-05-08"),
    ]
    assert versions[0]["added"] == list(updates.VERSIONS[0][1]) and versions[0]["removed"] == []
    assert versions[1]["added"] == [updates.SECOND_BILL, updates.FERRIES]
    assert versions[1]["removed"] == [updates.FIRST_BILL]
    assert (versions[2]["added"], versions[2]["removed"]) == (
        [updates.INQUIRY],
        [updates.REOPENING],
    )
    assert all(v["seen_at"] for v in versions)


def test_an_answer_quoting_the_latest_update_says_what_it_added(updated):
    result = updated("ask", "When does the public inquiry begin?")
    assert result.exit_code == 0, result.stderr
    assert f"“{updates.INQUIRY}”" in result.stdout
    assert "article 1 · added in the update of 8 May 2017" in result.stdout
    assert (
        "This sentence was added in the update of 8 May 2017; the earlier version did not have it."
    ) in result.stdout
    data = json.loads(updated("ask", "--json", "When does the public inquiry begin?").stdout)
    assert data["quotes"][0]["revision"] == {"kind": "added", "since": "2017-05-08", "before": None}


def test_history_of_an_unknown_article_is_one_line(updated):
    result = updated("history", "banana bread recipes")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no indexed article matches 'banana bread recipes'"
