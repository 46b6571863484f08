"""The public sets as article files: numbering decides the half, gold answers decide right."""

import json

import pytest

from bot.core.reader.evalsets import GoldQuestion, holds_answer, load_quail, load_squad


def _squad(titles_paragraphs, impossible=False):
    return {
        "version": "x",
        "data": [
            {
                "title": title,
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {
                                "id": f"{title}-{n}",
                                "question": f"What about {title}?",
                                "answers": [] if impossible else [{"text": context.split()[0]}],
                                **({"is_impossible": True} if impossible else {}),
                            }
                        ],
                    }
                    for n, context in enumerate(paragraphs)
                ],
            }
            for title, paragraphs in titles_paragraphs
        ],
    }


@pytest.fixture
def folder(tmp_path):
    first = [("Alpha_One", ["Apples grow here.", "Bears  live\nthere."]), ("Beta", ["Cats."])]
    (tmp_path / "squad-dev-v1.1-first24.json").write_text(json.dumps(_squad(first)))
    (tmp_path / "squad2-dev-10articles.json").write_text(
        json.dumps(_squad([("Beta", ["Cats purr."])], impossible=True))
    )
    quail = {
        "articles": [
            {"id": "f1", "domain": "fiction", "title": "Tale", "text": "Ann ran.\nBob hid."},
        ],
        "questions": [
            {"id": "q1", "article_id": "f1", "type": "Factual", "question": "Who hid?",
             "correct_text": "Bob", "answerable": True},
            {"id": "q2", "article_id": "f1", "type": "Unanswerable", "question": "Why?",
             "correct_text": "not enough information", "answerable": False},
            {"id": "q3", "article_id": "f1", "type": "Causality", "question": "How?",
             "correct_text": "fast", "answerable": True},
        ],
    }  # fmt: skip
    (tmp_path / "quail-dev-other-domains.json").write_text(json.dumps(quail))
    return tmp_path


def test_squad_articles_are_numbered_by_their_place_in_the_squad1_file(folder):
    squad1 = load_squad(folder, "squad1")
    assert [(t.key, t.number, t.title) for t in squad1.texts] == [
        ("00-000", 0, "Alpha One"),
        ("00-001", 0, "Alpha One"),
        ("01-000", 1, "Beta"),
    ]
    assert squad1.texts[1].text == "Bears live there."
    assert [q.half for q in squad1.questions] == ["even", "even", "odd"]
    squad2 = load_squad(folder, "squad2")
    assert squad2.texts[0].number == 1 and not squad2.questions[0].answerable


def test_quail_keeps_the_three_scored_types_and_knows_verbatim_answers(folder):
    quail = load_quail(folder)
    assert [q.kind for q in quail.questions] == ["Factual", "Unanswerable"]
    assert quail.questions[0].answers == ("Bob",)
    assert quail.questions[1].answers == () and not quail.questions[1].answerable


def test_files_carry_the_title_on_the_first_line(folder, tmp_path):
    written = load_quail(folder).write(tmp_path / "files")
    assert (written / "00-f1.txt").read_text() == "Tale\n\nAnn ran.\n\nBob hid.\n"


def test_a_right_quote_contains_a_gold_answer_whatever_its_spacing():
    question = GoldQuestion("1", "q", "k", 0, True, ("Denver  Broncos",), "answerable")
    assert holds_answer("The Denver\nBroncos won.", question)
    assert not holds_answer("Carolina won.", question)
