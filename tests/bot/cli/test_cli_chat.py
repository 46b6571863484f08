"""`newsbot chat` and `newsbot feedback` end to end, as a user runs them."""

from __future__ import annotations

import json
import tomllib

from bot.chat_state import ChatState
from bot.config import load_config
from bot.core.followups import NO_PLACE
from bot.core.models import Answer, Citation, Highlight, Quote
from bot.feedback import FeedbackStore

QUOTE = Quote(
    "China sent 150,000 troops.",
    Citation(1, "T", None, None, None, 1),
    1.0,
    Highlight(11, 18, "150,000"),
)


def test_chat_reads_each_line_with_the_answers_before_it(newsbot):
    lines = (
        "how many Chinese troops?\n\nand Russia?\nwho says so?\nWhat is the population of Tokyo?\n"
    )
    result = newsbot("chat", input=lines)
    assert result.exit_code == 0, result.output
    answers = result.stdout.split("Q: ")[1:]
    assert len(answers) == 4  # the blank line is skipped
    assert "150,000" in answers[0] and "Read as" not in answers[0]
    assert answers[1].startswith("and Russia?\nRead as: how many Russian troops?\n")
    assert "Images surfaced today purporting to show Russian military troops" in answers[1]
    assert answers[2].startswith("who says so?\nRead as: who is the source of the last quote?\n")
    assert "The quoted sentence names no source of its own" in answers[2]
    assert "Read as" not in answers[3] and "I couldn't find that" in answers[3]


def test_chat_follows_a_conversation_about_one_story(newsbot):
    lines = (
        "how many Chinese troops?\nand in Russia?\nwho says so?\nwhen was that?\nwhere?\n"
        "what does it say about refugees?\n"
    )
    result = newsbot("chat", input=lines)
    assert result.exit_code == 0, result.output
    answers = result.stdout.split("Q: ")[1:]
    assert answers[1].startswith("and in Russia?\nRead as: how many Russian troops?\n")
    russian = "Images surfaced today purporting to show Russian military troops"
    assert all(russian in answer for answer in answers[1:5])
    assert answers[3].startswith("when was that?\nRead as: when is the last quote from?\n")
    assert "The quoted sentence itself says when: “today”." in answers[3]
    # "Russian" says whose the troops are, not where: no place is claimed for the sentence.
    assert answers[4].startswith("where?\nRead as: where does the last quote place it?\n")
    assert NO_PLACE in answers[4] and "itself says where" not in answers[4]
    # "it" is the story quoted last: that article is asked about refugees.
    title = "Putin Sends Troops To North Korean Border Sparking Fears Of Conflict"
    assert answers[5].startswith(
        f"what does it say about refugees?\nRead as: what does “{title}” say about refugees?\n"
    )
    assert "I couldn't find that" not in answers[5] and "refugees" in answers[5].split("—")[0]


def test_chat_json_gives_one_answer_a_line_with_how_it_was_read(newsbot):
    result = newsbot("chat", "--json", input="how many Chinese troops?\nand Japan?\n")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["read_as"] is None and first["answered"]
    assert second["question"] == "and Japan?"
    assert second["read_as"] == "how many Japanese troops?"


def test_a_line_that_cannot_be_asked_is_reported_and_the_chat_goes_on(newsbot):
    result = newsbot("chat", input=b"how many Chinese troops?\n\xff\xfe?\nand Russia?\n")
    assert result.exit_code == 0
    assert "line 2 is not valid UTF-8" in result.stderr
    assert "Read as: how many Russian troops?" in result.stdout


def test_feedback_lists_ratings_with_counts_and_exports_them(newsbot, tmp_path):
    config = load_config(environ={})
    store = FeedbackStore(ChatState(newsbot.data), config.now)
    answer = Answer("how many?", True, "high", (QUOTE,), (), probability=0.9)
    store.record(store.shown(answer, "how many Chinese troops?", "slack"), "up", "T0:U1")
    store.record(store.shown(answer, "how many Japanese troops?", "discord"), "should_abstain", "7")

    listed = newsbot("feedback")
    assert listed.exit_code == 0
    assert "Q: how many Chinese troops?" in listed.stdout
    assert "slack" in listed.stdout and "articles: 1 · probability 90%" in listed.stdout
    assert listed.stdout.rstrip().endswith(
        "2 ratings (👍: 1 · 👎 wrong quote: 0 · 👎 should have said “not found”: 1)"
    )

    as_json = newsbot("feedback", "--json", "--since", "2000-01-01")
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {r["kind"] for r in rows} == {"up", "should_abstain"}
    assert {"kind", "question", "platform", "article_ids", "at"} <= set(rows[0])
    assert "2 ratings" in as_json.stderr
    assert newsbot("feedback", "--since", "2999-01-01").stdout.startswith("0 ratings")

    target = tmp_path / "rated.toml"
    exported = newsbot("feedback", "--export", str(target))
    assert exported.exit_code == 0 and "wrote 2 questions" in exported.stderr
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert data["answerable"] == [{"question": "how many Chinese troops?", "quote": "150,000"}]
    assert data["unanswerable"] == [{"question": "how many Japanese troops?"}]


def test_feedback_where_no_chat_ran_lists_nothing_and_creates_nothing(newsbot):
    result = newsbot("feedback")
    assert result.exit_code == 0 and result.stdout.startswith("0 ratings")
    assert not newsbot.data.exists()


def test_feedback_refuses_a_date_it_cannot_read(newsbot):
    result = newsbot("feedback", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "'last tuesday' does not match the format '%Y-%m-%d'" in result.output


def test_feedback_export_to_a_folder_that_does_not_exist_is_one_line_of_error(newsbot, tmp_path):
    result = newsbot("feedback", "--export", str(tmp_path / "missing" / "rated.toml"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot write {tmp_path / 'missing' / 'rated.toml'}: No such file or directory"
    ]
