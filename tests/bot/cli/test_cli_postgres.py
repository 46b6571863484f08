"""The `newsbot` command on the PostgreSQL backend, as an operator runs it: the config names the
backend, NEWSBOT_DATABASE_URL the database; two data folders (two hosts) share one corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def on_postgres(tmp_path: Path, postgres_url: str):
    config = tmp_path / "config.toml"
    config.write_text('[index]\nbackend = "postgres"\n')
    runner = CliRunner()

    def run(*args: str, host: str = "a", url: str = postgres_url):
        environ = {"NEWSBOT_CONFIG": str(config), "NEWSBOT_DATABASE_URL": url}
        data = ["--data-dir", str(tmp_path / f"host-{host}")]
        return runner.invoke(cli, [*data, *args], env=environ, catch_exceptions=False)

    return run


def test_one_host_ingests_and_another_answers_from_the_shared_database(
    on_postgres, tmp_path: Path
) -> None:
    article = tmp_path / "lighthouse.txt"
    article.write_text(
        "Last keepers leave the Skerry Mor light\n\nThe two keepers who still live on Skerry "
        "Mor will leave in June, the lighthouse board said on Tuesday.\n",
        "utf-8",
    )
    seeded = json.loads(on_postgres("ask", "--json", "How many Chinese troops?").stdout)
    assert "150,000" in seeded["quotes"][0]["text"]  # the seeds, indexed on first use
    assert on_postgres("ingest", str(article), host="b").exit_code == 0
    answer = json.loads(on_postgres("ask", "--json", "How many keepers live on Skerry Mor?").stdout)
    assert "The two keepers who still live on Skerry Mor" in answer["quotes"][0]["text"]
    titles = [s["title"] for s in json.loads(on_postgres("sources", "--json").stdout)]
    assert "Last keepers leave the Skerry Mor light" in titles
    assert not (tmp_path / "host-a" / "newsbot.sqlite3").exists()  # nothing kept in the folder


def test_an_unreachable_database_is_one_line_without_its_password(on_postgres) -> None:
    result = on_postgres(
        "ask", "How many troops?", url="postgresql://newsbot:hunter2@127.0.0.1:9/news"
    )
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert "hunter2" not in result.stderr
    assert "127.0.0.1" in lines[0]
