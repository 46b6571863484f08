import tomllib
from pathlib import Path

import pytest

from bot.core.answer import AnswerSettings, QuestionError, ask, confidence_band
from bot.core.caveats import EMPTY_INDEX, LOW_CONFIDENCE, NOT_FOUND

QUESTIONS = tomllib.loads((Path(__file__).parent / "seed_questions.toml").read_text())


def _case(q: dict, *values: str):  # type: ignore[no-untyped-def]
    """A seed question; one the reader still gets wrong must fail, and says why."""
    marks = [pytest.mark.xfail(reason=q["miss"], strict=True)] if "miss" in q else []
    return pytest.param(*values, marks=marks, id=q["question"])


ANSWERABLE = [_case(q, q["question"], q["quote"]) for q in QUESTIONS["answerable"]]
UNANSWERABLE = [_case(q, q["question"]) for q in QUESTIONS["unanswerable"]]
RIGHT = [(q["question"], q["quote"]) for q in QUESTIONS["answerable"] if "miss" not in q]


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE)
def test_seed_question_is_answered_with_the_right_quote(seeded, question, expected):
    answer = ask(seeded, question)
    assert answer.answered
    assert expected in answer.quotes[0].text


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_seed_question_without_an_answer_abstains(seeded, question):
    answer = ask(seeded, question)
    assert not answer.answered
    assert answer.quotes == ()
    assert answer.caveats[0] == NOT_FOUND


def test_quotes_are_verbatim_sentences_of_the_article(seeded):
    article_text = (Path(__file__).parents[3] / "seeds").glob("*.txt").__next__().read_text()
    for question, _ in RIGHT:
        for quote in ask(seeded, question).quotes:
            assert quote.text in article_text


def test_chinese_troops_highlights_the_figure_and_attributes_it(seeded):
    answer = ask(seeded, "how many Chinese troops?")
    quote = answer.quotes[0]
    assert quote.highlight is not None and quote.highlight.text == "150,000"
    assert quote.text[quote.highlight.start : quote.highlight.end] == "150,000"
    assert answer.confidence in ("high", "medium")
    assert answer.caveats[0].startswith("According to the article “Putin Sends Troops")
    assert any("outlet is unknown" in c for c in answer.caveats)


def test_hedges_of_another_part_of_the_sentence_are_told_apart_from_the_figure(seeded):
    answer = ask(seeded, "how many Chinese troops?")
    elsewhere = next(c for c in answer.caveats if "another part of this sentence" in c)
    assert elsewhere.startswith("The figure itself is stated plainly; the article hedges")
    assert "“would”" in elsewhere and "“if”" in elsewhere
    assert not any(c.startswith("The article hedges this:") for c in answer.caveats)
    hedges = {h["text"]: h for h in answer.to_dict()["quotes"][0]["hedges"]}
    assert hedges["would"]["covers_answer"] is False and hedges["if"]["covers_answer"] is False


def test_hedges_next_to_the_quote_are_surfaced(seeded):
    answer = ask(seeded, "how many Chinese troops?")
    around = next(c for c in answer.caveats if c.startswith("The sentences around this"))
    for phrase in ("It appears", "reports emerged suggesting", "officials have not confirmed"):
        assert f"“{phrase}”" in around


def test_unconfirmed_claim_says_so_in_the_articles_words(seeded):
    answer = ask(seeded, "Have officials confirmed why Russian troops are moving?")
    assert any(
        c.startswith("The article itself says this is not confirmed") and "purporting" in c
        for c in answer.caveats
    )


def test_missing_entity_is_named(seeded):
    answer = ask(seeded, "How many Japanese troops were sent?")
    assert "The closest passages do not mention Japanese." in answer.caveats


def test_missing_figure_shows_the_closest_passage_as_related_only(seeded):
    answer = ask(seeded, "How many Russian troops were sent to the border?")
    assert not answer.answered
    assert any("mention Russian but give no figure" in c for c in answer.caveats)
    assert answer.related and "Russian" in answer.related[0].text


def test_source_rating_from_settings(make_library):
    library = make_library(
        {
            "wire.md": "---\ntitle: Port reopens\nsource: Harbour Times\n"
            "published: 2024-03-02\n---\nThe port reopened on Monday after 12 days of repairs to "
            "the main quay, the harbour authority said.\n",
        }
    )
    settings = AnswerSettings(source_ratings={"harbour times": "generally reliable"})
    answer = ask(library, "How many days of repairs did the port need?", settings)
    assert answer.answered
    assert answer.quotes[0].highlight.text == "12"
    assert "According to Harbour Times's article “Port reopens” (published 2024-03-02)." in (
        answer.caveats
    )
    assert "newsbot's source list rates Harbour Times: generally reliable." in answer.caveats
    assert "The article attributes this to “the harbour authority”." in answer.caveats


def test_unrated_source_is_said_to_be_unrated(make_library):
    library = make_library(
        {
            "a.md": "---\ntitle: Dam\nsource: Valley Post\n---\nThe new dam holds 40 million "
            "cubic metres of water, engineers said.\n",
        }
    )
    answer = ask(library, "How much water does the dam hold?")
    assert "Valley Post is not rated in newsbot's source list." in answer.caveats


def test_lowconfidence_band_is_flagged(seeded):
    settings = AnswerSettings(min_probability=0.0, high_probability=1.0, medium_probability=1.0)
    answer = ask(seeded, "What did Donald Trump vow to do about North Korea?", settings)
    assert answer.confidence == "low"
    assert LOW_CONFIDENCE in answer.caveats


def test_empty_index_says_so(tmp_path, embedder):
    from index.library import Library
    from index.settings import IndexSettings

    answer = ask(Library(tmp_path, IndexSettings(), embedder), "how many troops?")
    assert not answer.answered and answer.caveats == (EMPTY_INDEX,)


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_is_refused(seeded, question):
    with pytest.raises(QuestionError, match="empty"):
        ask(seeded, question)


def test_huge_question_is_refused(seeded):
    with pytest.raises(QuestionError, match="100,000 characters long; the limit is 1,000"):
        ask(seeded, "x" * 100_000)


def test_answer_json_has_the_documented_fields(seeded):
    data = ask(seeded, "how many Chinese troops?").to_dict()
    assert {"question", "answered", "probability", "confidence", "quotes", "caveats"} <= set(data)
    quote = data["quotes"][0]
    assert {"text", "title", "source", "article_id", "probability"} <= set(quote)
    assert data["probability"] == quote["probability"]
    assert quote["highlight"]["text"] == "150,000"
    assert all(quote["text"][h["start"] : h["end"]] == h["text"] for h in quote["hedges"])
    for hedge in quote["hedges"]:
        assert {"scope_start", "scope_end", "covers_answer"} <= set(hedge)
        assert hedge["scope_start"] <= hedge["start"] < hedge["end"] <= hedge["scope_end"]


WIRE_STORY = (
    "Flooding closed the coastal highway on Tuesday after three days of heavy rain, and "
    "engineers said 14 bridges along the route would need inspection before traffic could "
    "return. The regional transport office expects the road to reopen next week if the "
    "weather improves, though repairs to two damaged sections could take longer."
)


def test_a_wire_story_on_two_sites_is_quoted_once_and_credited_to_both(make_library):
    library = make_library(
        {
            "a.md": f"---\ntitle: Coast road shut\nsource: Harbour Times\n---\n{WIRE_STORY}\n",
            "b.md": f"---\ntitle: Floods close highway\nsource: Valley Post\n---\n{WIRE_STORY} "
            "Schools in the area stayed open.\n",
        }
    )
    answer = ask(library, "How many bridges need inspection?")
    assert answer.answered
    assert len(answer.quotes) == 1
    assert "14 bridges" in answer.quotes[0].text
    also = next(c for c in answer.caveats if c.startswith("Also reported by:"))
    assert ("Valley Post" in also) != ("Harbour Times" in also)


@pytest.mark.parametrize(
    ("probability", "confidence"),
    [(0.95, "high"), (0.9, "high"), (0.89, "medium"), (0.5, "medium")],
)
def testconfidence_band_is_the_band_of_the_probability(probability, confidence):
    assert confidence_band(probability, AnswerSettings()) == confidence


def test_probability_andconfidence_band_agree_on_every_seed_answer(seeded):
    settings = AnswerSettings()
    for question, _ in RIGHT:
        answer = ask(seeded, question)
        assert settings.min_probability <= answer.probability <= 1.0
        assert answer.confidence == confidence_band(answer.probability, settings)
        for quote in answer.quotes:
            assert settings.min_probability <= quote.probability <= 1.0


def test_an_abstention_is_below_the_threshold_and_keeps_its_near_miss_apart(seeded):
    answer = ask(seeded, "How old is Mike Pence?")
    assert not answer.answered and answer.confidence == "none" and answer.quotes == ()
    assert answer.probability < AnswerSettings().min_probability
    assert answer.related and answer.related[0].probability == answer.probability


def test_an_abstention_on_a_named_person_says_what_is_missing(seeded):
    answer = ask(seeded, "What did Vladamir Putin eat for breakfast?")
    assert not answer.answered
    assert answer.caveats[1] == (
        "The articles mention Vladamir Putin, but not “eat” or “breakfast”."
    )


def test_raising_the_threshold_turns_an_answer_into_an_abstention(seeded):
    question = "What did Donald Trump vow to do about North Korea?"
    answered = ask(seeded, question)
    refused = ask(seeded, question, AnswerSettings(min_probability=1.0))
    assert answered.answered and not refused.answered
    assert refused.related[0].text == answered.quotes[0].text


def test_the_similarity_reader_still_answers_and_abstains(seeded):
    settings = AnswerSettings(reader="similarity")
    assert "150,000" in ask(seeded, "How many Chinese troops?", settings).quotes[0].text
    assert not ask(seeded, "What is the population of Tokyo?", settings).answered
