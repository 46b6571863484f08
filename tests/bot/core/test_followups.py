"""How a question is read after the last answer, and the answers made from the last quote."""

from __future__ import annotations

import pytest

from bot.core.followups import (
    NEAR_MISS,
    NO_PLACE,
    NO_SOURCE,
    NO_TIME,
    NOTHING_BEFORE,
    PLAIN,
    SAME_QUOTE,
    Reading,
    Turn,
    about_quote,
    is_question,
    read,
    turn_after,
    understood,
)
from bot.core.hedges import Cue
from bot.core.models import Answer, Citation, Highlight, Quote

CITATION = Citation(7, "Troops sent to the border", "Daily Post", None, "2017-04-20", 3)
SENTENCE = "The news follows China’s decision to send 150,000 troops to the border."
QUOTE = Quote(SENTENCE, CITATION, 1.0, Highlight(42, 49, "150,000"), probability=0.8)
TROOPS = Turn("how many Chinese troops?", QUOTE, True, "medium", 0.8)


@pytest.mark.parametrize(
    ("typed", "kind", "understood"),
    [
        ("and Russia?", "substituted", "how many Russian troops?"),
        ("what about Japan?", "substituted", "how many Japanese troops?"),
        ("And russia", "substituted", "how many Russian troops?"),
        ("and in Russia?", "substituted", "how many Russian troops?"),
        ("and for Japan?", "substituted", "how many Japanese troops?"),
        ("Russia?", "substituted", "how many Russian troops?"),
        ("<@U0BOT> and Russia?", "substituted", "how many Russian troops?"),
        ("and Mike Pence?", "substituted", "how many Mike Pence troops?"),
        ("who says so?", "attribution", "who says so?"),
        ("Who said that?", "attribution", "Who said that?"),
        ("according to whom?", "attribution", "according to whom?"),
        ("when?", "date", "when?"),
        ("When was that?", "date", "When was that?"),
        ("where?", "place", "where?"),
        ("is the figure confirmed?", "certainty", "is the figure confirmed?"),
        ("is that confirmed?", "certainty", "is that confirmed?"),
        ("Is it true", "certainty", "Is it true"),
        ("how big is the figure?", "refers", "how big is the figure “150,000”?"),
        ("why did they send them?", "refers", "why did China send them?"),
        ("who sent them?", "refers", "who sent Chinese troops?"),
        ("what was it for?", "refers", "what was Chinese troops for?"),
        ("how many?", "refers", "how many Chinese troops?"),
        ("why?", "fresh", "why?"),
        ("How many troops did Russia send?", "fresh", "How many troops did Russia send?"),
        ("What did the propaganda video show?", "fresh", "What did the propaganda video show?"),
        ("and what did the propaganda video show?", "fresh", None),
    ],
)
def test_a_question_is_read_with_the_last_answer(typed, kind, understood):
    reading = read(typed, TROOPS)
    assert reading.kind == kind
    if understood is not None:
        assert reading.question == understood
    # The last answer's article is asked first by the follow-ups that search again.
    assert reading.article_id == (7 if kind in ("substituted", "refers", "in_article") else None)


@pytest.mark.parametrize(
    "typed",
    [
        "what does it say about refugees?",
        "What does the article say about refugees",
        "and what does the story say about refugees?",
        "what else does it mention about refugees?",
    ],
)
def test_what_it_says_about_something_asks_the_last_article_alone(typed):
    reading = read(typed, TROOPS)
    assert (reading.kind, reading.question, reading.article_id) == (
        "in_article",
        "what about refugees?",
        7,
    )
    assert reading.read_as() == "what does “Troops sent to the border” say about refugees?"
    # With no quote before it, "it" is no article: the whole corpus is asked.
    alone = read(typed, Turn("what is the population of Tokyo?"))
    assert (alone.kind, alone.question, alone.article_id) == (
        "refers",
        "what about refugees?",
        None,
    )
    # A subject of its own is no follow-up.
    assert read("what does Russia say about refugees?", TROOPS).kind == "fresh"


def test_without_a_last_answer_every_question_is_its_own():
    assert read("and Russia?", None) == Reading("fresh", "and Russia?")
    assert read("who says so?", None).kind == "fresh"


def test_a_country_named_as_a_country_is_replaced_by_a_country():
    previous = Turn("how many troops is China sending to the border?", QUOTE, True)
    assert read("and Russia?", previous).question == (
        "how many troops is Russia sending to the border?"
    )
    # A question without a name to replace keeps its words and adds the new one.
    nameless = Turn("how many troops were sent?", QUOTE, True)
    assert read("and Russia?", nameless).question == "how many troops were sent (Russia)?"


def test_read_as_is_shown_only_when_the_question_was_read_otherwise():
    assert read("how many Chinese troops?", TROOPS).read_as() is None
    assert read("and Russia?", TROOPS).read_as() == "how many Russian troops?"
    assert read("who says so?", TROOPS).read_as() == "who is the source of the last quote?"


def test_who_says_so_marks_the_source_the_quote_names():
    said = "U.S. officials said 300 soldiers arrived on Monday."
    cue = Cue(15, 19, "said", "attribution")
    quote = Quote(said, CITATION, 1.0, None, (cue,), 0.9)
    answer = about_quote(read("who says so?", TROOPS), "who says so?", Turn("q", quote, True))
    assert answer.answered and answer.quotes[0].text == said  # the same sentence, verbatim
    assert answer.quotes[0].highlight == Highlight(0, 14, "U.S. officials")
    assert "According to Daily Post's article “Troops sent to the border”" in answer.caveats[0]
    assert "The article attributes this to “U.S. officials”." in answer.caveats
    assert NO_SOURCE not in answer.caveats and SAME_QUOTE in answer.caveats


def test_who_says_so_of_a_sentence_that_credits_no_one_says_it_is_the_articles_claim():
    answer = about_quote(read("who says so?", TROOPS), "who says so?", TROOPS)
    assert answer.quotes[0].highlight is None
    assert NO_SOURCE in answer.caveats
    assert (answer.confidence, answer.probability) == ("medium", 0.8)


def test_when_and_where_mark_the_time_and_place_the_quote_gives():
    when = about_quote(read("when?", TROOPS), "when?", TROOPS)
    assert when.quotes[0].highlight is None and NO_TIME in when.caveats
    assert "As of 2017-04-20" in when.caveats[0]
    dated = Turn("q", Quote("Troops arrived on Monday in Seoul.", CITATION, 1.0), True)
    assert about_quote(read("when?", dated), "when?", dated).quotes[0].highlight.text == (
        "on Monday"
    )
    where = about_quote(read("where?", dated), "where?", dated)
    assert where.quotes[0].highlight.text == "Seoul"
    chinese = about_quote(read("where?", TROOPS), "where?", TROOPS)
    assert chinese.quotes[0].highlight.text == "China"  # a country of newsbot's list
    # A people's name says whose the troops are, not where they are.
    russian = Turn("q", Quote("Russian troops are on their way.", CITATION, 1.0), True)
    whose = about_quote(read("where?", russian), "where?", russian)
    assert whose.quotes[0].highlight is None and NO_PLACE in whose.caveats


def test_a_follow_up_about_the_last_quote_is_understood_as_naming_that_quote():
    assert understood(read("who says so?", TROOPS), TROOPS) == f"who is the source of “{SENTENCE}”?"
    assert understood(read("when?", TROOPS), TROOPS) == f"when is “{SENTENCE}” from?"
    assert understood(read("where?", TROOPS), TROOPS) == f"where does “{SENTENCE}” place it?"
    assert understood(read("and Russia?", TROOPS), TROOPS) == "how many Russian troops?"
    assert understood(read("what does it say about refugees?", TROOPS), TROOPS) == (
        "what does “Troops sent to the border” say about refugees?"
    )
    assert understood(read("who says so?", None), None) == "who says so?"


def test_is_that_confirmed_gives_the_hedges_of_the_last_quote():
    plain = about_quote(read("is that confirmed?", TROOPS), "is that confirmed?", TROOPS)
    assert plain.quotes[0].highlight == QUOTE.highlight and PLAIN in plain.caveats
    assert plain.confidence == "medium" and SAME_QUOTE in plain.caveats
    sentence = "Officials have not confirmed that 150,000 troops were sent."
    hedged = Quote(
        sentence, CITATION, 1.0, None, (Cue(10, 28, "have not confirmed", "unconfirmed"),)
    )
    turn = Turn("how many troops?", hedged, True, "medium", 0.7)
    answer = about_quote(read("is it true?", turn), "is it true?", turn)
    assert PLAIN not in answer.caveats
    assert any("not confirmed: “have not confirmed”" in note for note in answer.caveats)


def test_a_near_miss_is_said_to_be_one_and_nothing_before_is_nothing():
    missed = Turn("how many Russian troops?", QUOTE, False, "none", 0.1)
    answer = about_quote(read("who says so?", missed), "who says so?", missed)
    assert NEAR_MISS in answer.caveats and answer.confidence == "low"
    empty = Turn("what is the population of Tokyo?")
    nothing = about_quote(read("when?", empty), "when?", empty)
    assert not nothing.answered and nothing.caveats == (NOTHING_BEFORE,)


def test_the_conversation_keeps_the_quote_a_follow_up_about_it_was_asked_of():
    answer = Answer("how many Russian troops?", False, "none", (), ("not found",), (QUOTE,), 0.1)
    reading = read("and Russia?", TROOPS)
    kept = turn_after(answer, reading, TROOPS)
    assert kept == Turn("how many Russian troops?", QUOTE, False, "none", 0.1)
    about = about_quote(read("who says so?", kept), "who says so?", kept)
    assert turn_after(about, read("who says so?", kept), kept) == kept


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("and Russia?", True),
        ("who says so", True),
        ("How many troops were sent", True),
        ("<@U0BOT> what about Japan", True),
        ("thanks, that helps!", False),
        ("ok", False),
        ("and Russia", False),
    ],
)
def test_a_message_without_a_mention_is_a_question_when_it_reads_as_one(text, asks):
    assert is_question(text) is asks
