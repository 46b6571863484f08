import pytest

from bot.core.questions import analyse, mentions


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many Chinese troops?", "quantity"),
        ("how much did it cost?", "quantity"),
        ("How old is Mike Pence?", "quantity"),
        ("How long did the repairs take?", "quantity"),
        ("When was the parade?", "time"),
        ("what year did it start?", "time"),
        ("Who described the act?", "person"),
        ("Where was the parade held?", "place"),
        ("Why is Beijing worried?", "other"),
    ],
)
def test_kind(question, kind):
    assert analyse(question).kind == kind


def test_demonym_in_lower_case_is_an_entity_with_its_country():
    (entity,) = analyse("how many chinese troops").entities
    assert entity.asked == "chinese"
    assert mentions("The news follows China’s decision", entity)
    assert mentions("Beijing is also fearful", entity)
    assert not mentions("Japan sent ships", entity)


def test_a_city_asked_about_must_be_named_itself():
    (entity,) = analyse("What is the population of Tokyo?").entities
    assert entity.forms == ("Tokyo",)
    assert not mentions("Japan is an island nation", entity)


def test_capitalised_names_form_one_entity_and_the_surname_counts():
    (entity,) = analyse("What did Mike Pence say?").entities
    assert entity.asked == "Mike Pence"
    assert mentions("Pence said it was a provocation", entity)


def test_multi_word_places_win_over_their_parts():
    entities = analyse("When did North Korea launch a missile?").entities
    assert [e.asked for e in entities] == ["North Korea"]


def test_mentions_needs_whole_words():
    (entity,) = analyse("What did Iran say?").entities
    assert not mentions("They flew on to Tirana", entity)
    assert mentions("Iranians said nothing", entity)


def test_terms_drop_question_words_and_stopwords():
    assert analyse("How many of the troops are there?").terms == ("troops",)


@pytest.mark.parametrize("prefix", ["@everyone ", "<@U123> ", "<!here>, ", "@newsbot: "])
def test_leading_chat_mentions_do_not_hide_the_question(prefix):
    question = analyse(prefix + "how many Chinese troops?")
    assert question.kind == "quantity"
    assert question.terms == ("chinese", "troops")
