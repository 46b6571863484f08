"""Every command end to end, as a user types it, on a real index in a temporary folder."""

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import load_config
from bot.service import NewsService
from index.models import Contributor

SEEDS = Path(__file__).parents[3] / "seeds"


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "port.md"
    path.write_text(
        "---\ntitle: Port reopens after repairs\nsource: Harbour Times\nurl: "
        "https://example.org/port\npublished: 2024-03-02\n---\n"
        "The port reopened on Monday after 12 days of repairs to the main quay.\n\n"
        "Harbour officials said 40 ships had waited offshore during the closure.\n",
        encoding="utf-8",
    )
    return path


def test_ask_seeds_an_empty_index_and_quotes_the_figure(newsbot):
    result = newsbot("ask", "how", "many", "Chinese", "troops?")
    assert result.exit_code == 0
    assert "indexed the seed articles" in result.stderr
    assert "150,000 troops" in result.stdout
    assert "According to the article “Putin Sends Troops" in result.stdout
    assert re.search(r"Confidence: (high|medium) \(\d+% likely to answer\)", result.stdout)


def test_ask_json_has_the_documented_shape(newsbot):
    result = newsbot("ask", "--json", "How many Chinese troops?")
    data = json.loads(result.stdout)
    assert data["question"] == "How many Chinese troops?"
    assert data["answered"] is True
    assert "150,000" in data["quotes"][0]["text"]
    assert data["quotes"][0]["article_id"] == 1
    assert data["caveats"][0].startswith("According to")


def test_ask_says_when_it_cannot_find_an_answer(newsbot):
    result = newsbot("ask", "What is the population of Tokyo?")
    assert result.exit_code == 0
    assert "I couldn't find that in the indexed articles." in result.stdout
    assert "“" not in result.stdout  # no quote is shown as if it answered


def test_ask_reads_questions_from_stdin_one_json_line_each(newsbot):
    questions = "how many Chinese troops?\n\nWhat is the population of Tokyo?\n"
    result = newsbot("ask", "-", "--json", input=questions)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]


def test_a_bad_line_on_stdin_is_reported_and_the_rest_answered(newsbot):
    result = newsbot("ask", "-", "--json", input="x" * 100_000 + "\nhow many Chinese troops?\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert "limit is 1,000" in lines[0]["error"]
    assert lines[1]["answered"] is True
    assert result.exit_code == 1


@pytest.mark.parametrize("question", ["   ", "x" * 100_000])
def test_empty_or_huge_question_is_a_one_line_error(newsbot, question):
    result = newsbot("ask", question)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: the question is")


def test_ingest_then_ask_about_the_new_article(newsbot, article):
    result = newsbot("ingest", str(article))
    assert result.exit_code == 0
    assert "added: Port reopens after repairs" in result.stdout
    answer = json.loads(newsbot("ask", "--json", "How many ships waited offshore?").stdout)
    assert answer["answered"]
    assert answer["quotes"][0]["source"] == "Harbour Times"
    assert answer["quotes"][0]["highlight"]["text"] == "40"


def test_ingest_twice_changes_nothing(newsbot, article):
    newsbot("ingest", str(article))
    result = newsbot("ingest", str(article))
    assert "unchanged: Port reopens after repairs" in result.stdout
    assert "0 added, 0 updated, 1 unchanged" in result.stdout


def test_bad_files_are_reported_and_nothing_indexed_is_lost(newsbot, article, tmp_path):
    newsbot("ingest", str(article))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (bad / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    (bad / "empty.md").write_text("")
    (bad / "broken.html").write_text("<html><body><div>")
    result = newsbot("ingest", str(bad))
    assert result.exit_code == 1
    assert result.stdout.count("failed:") == 4
    assert "not a UTF-8 text file" in result.stdout
    assert "empty file" in result.stdout
    assert "no article text found" in result.stdout
    sources = json.loads(newsbot("sources", "--json").stdout)
    assert [s["title"] for s in sources] == ["Port reopens after repairs"]


def test_ingest_of_a_missing_path_fails_clearly(newsbot, tmp_path):
    result = newsbot("ingest", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "no such file or folder" in result.stdout


def test_summarize_by_fuzzy_title(newsbot):
    result = newsbot("summarize", "putin", "troops", "-n", "3")
    assert result.exit_code == 0
    assert "The 3 sentences below are quoted verbatim from the article" in result.stdout
    assert result.stdout.count("  “") == 3
    seed_text = next(SEEDS.glob("*.txt")).read_text()
    quotes = [line.strip()[1:-1] for line in result.stdout.splitlines() if line.startswith("  “")]
    assert all(q in seed_text for q in quotes)


def test_summarize_json_by_id(newsbot):
    data = json.loads(newsbot("summarize", "1", "--json").stdout)
    assert data["article_id"] == 1
    assert len(data["quotes"]) == 4


def test_summarize_an_unknown_article_is_an_error(newsbot):
    result = newsbot("summarize", "banana bread recipes")
    assert result.exit_code == 1
    assert "no indexed article matches 'banana bread recipes'" in result.stderr


def test_sources_lists_the_seed(newsbot):
    result = newsbot("sources")
    assert "1  Putin Sends Troops To North Korean Border" in result.stdout
    assert "outlet unknown" in result.stdout


def test_remove_deletes_the_article_and_its_answers(newsbot, article):
    newsbot("ingest", str(article))
    result = newsbot("remove", "port reopens")
    assert result.exit_code == 0
    assert "removed: Port reopens after repairs" in result.stdout
    answer = json.loads(newsbot("ask", "--json", "How many ships waited offshore?").stdout)
    assert not answer["answered"]


def test_the_operator_sees_and_removes_what_a_chat_added(newsbot):
    newsbot("sources")  # indexes the seed article
    config = replace(load_config(environ={}), data_dir=newsbot.data)
    member = Contributor(scope="discord:42", user="discord:7", added_by="a member of Newsroom")
    service = NewsService(config)
    try:
        service.ingest_text("Planted claim\n\nThe port closed for good.", member)
    finally:
        service.close()
    assert "Planted claim" not in newsbot("sources").stdout
    listed = newsbot("sources", "--all").stdout
    assert re.search(
        r"2  Planted claim\n\s+uploaded by a member of Newsroom .* in discord:42", listed
    )
    result = newsbot("remove", "2")
    assert result.exit_code == 0
    assert "removed: Planted claim" in result.stdout
    assert "Planted claim" not in newsbot("sources", "--all").stdout


def test_remove_unknown_article_is_an_error(newsbot, article):
    newsbot("ingest", str(article))
    result = newsbot("remove", "99")
    assert result.exit_code == 1
    assert "Error:" in result.stderr


def test_corrupt_database_is_a_one_line_error(newsbot):
    newsbot.data.mkdir(parents=True)
    (newsbot.data / "newsbot.sqlite3").write_bytes(b"this is not a database" * 100)
    result = newsbot("ask", "how many troops?")
    assert result.exit_code == 1
    assert "cannot open the article database" in result.stderr
    assert "Traceback" not in result.output


def test_missing_vector_index_is_rebuilt_from_the_database(newsbot):
    newsbot("sources")
    for faiss_file in newsbot.data.glob("generations/*/vectors.faiss"):
        faiss_file.unlink()
    result = newsbot("ask", "--json", "How many Chinese troops?")
    assert json.loads(result.stdout)["answered"]


def test_reindex_keeps_every_passage(newsbot):
    newsbot("sources")
    before = (
        sqlite3.connect(newsbot.data / "newsbot.sqlite3")
        .execute("SELECT count(*) FROM passages")
        .fetchone()[0]
    )
    result = newsbot("reindex")
    assert result.exit_code == 0
    assert f"reindexed {before} passages: refreshed their hedge cues" in result.stdout
    assert json.loads(newsbot("ask", "--json", "How many Chinese troops?").stdout)["answered"]


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["--data-dir", str(blocker), "sources"])
    assert result.exit_code == 1
    assert "cannot use" in result.stderr


def test_bad_config_is_a_clear_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[answer]\ntop_k = 'many'\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "sources"])
    assert result.exit_code == 1
    assert "top_k must be of type int" in result.stderr


def test_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("ingest", "ask", "summarize", "sources", "remove", "reindex"):
        assert command in result.stdout


def test_serve_lists_both_chat_front_ends():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "slack" in result.stdout and "discord" in result.stdout


def test_serve_without_a_token_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "discord"])
    assert result.exit_code == 1
    assert "DISCORD_TOKEN is not set" in result.stderr


def test_ask_json_gives_the_probability_of_the_answer_and_of_each_quote(newsbot):
    data = json.loads(newsbot("ask", "--json", "How many Chinese troops?").stdout)
    assert 0.5 <= data["probability"] <= 1.0 and data["confidence"] in ("high", "medium")
    assert data["quotes"][0]["probability"] == data["probability"]


def test_ask_json_abstains_on_a_detail_the_article_never_gives(newsbot):
    data = json.loads(newsbot("ask", "--json", "What did Vladamir Putin eat for breakfast?").stdout)
    assert data["answered"] is False and data["quotes"] == []
    assert data["probability"] < 0.5
    assert data["caveats"] == [
        "I couldn't find that in the indexed articles.",
        "The articles mention Vladamir Putin, but not “eat” or “breakfast”.",
    ]
    assert data["related"] and data["related"][0]["probability"] == data["probability"]


@pytest.mark.parametrize("content", [None, b"\x1f\x8b broken"])
def test_a_missing_or_corrupt_answer_model_is_one_line_naming_the_make_target(
    newsbot, tmp_path, content
):
    weights = tmp_path / "weights.json.gz"
    if content is not None:
        weights.write_bytes(content)
    config = tmp_path / "config.toml"
    config.write_text(f'[answer]\nreader_model = "{weights}"\n')
    result = newsbot("--config", str(config), "ask", "How many Chinese troops?")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("Error: the answer model ")
    assert line.endswith("; rebuild it with `make train-answers`")
    assert "Traceback" not in result.stderr
