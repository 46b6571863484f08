import pytest

from bot.core.questions import analyse
from bot.core.spans import find_span

SEED_CHINA = (
    "The news follows China’s decision to send 150,000 troops to deal with a potential influx "
    "of North Korean refugees."
)
SEED_PENCE = (
    "The Vice President of the United States, Mike Pence, described the act as a "
    "“provocation” during a speech in South Korea."
)


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("how many Chinese troops?", SEED_CHINA, "150,000"),
        ("How much did the bridge cost?", "The bridge cost $4.5 million to build.", "$4.5 million"),
        ("How many people were hurt?", "Dozens of people were hurt in the blast.", "Dozens"),
        ("Who described the act as a provocation?", SEED_PENCE, "Mike Pence"),
        (
            "When was the parade?",
            "The parade took place at the weekend in the capital.",
            "at the weekend",
        ),
        ("When did the talks end?", "The talks ended on 3 May 2017 without a deal.", "3 May 2017"),
        (
            "Where was the parade held?",
            "The parade was held in Pyongyang on Saturday.",
            "Pyongyang",
        ),
    ],
)
def test_span_for_each_kind(question, sentence, expected):
    span = find_span(analyse(question), sentence)
    assert span is not None
    assert span.text == expected
    assert sentence[span.start : span.end] == expected


def test_a_number_about_something_else_is_no_answer():
    sentence = "Russian officials were given less than 30 minutes notice of the strike."
    assert find_span(analyse("How many Russian troops?"), sentence) is None


def test_who_does_not_answer_with_a_place():
    sentence = "A parade in Pyongyang showed new missiles."
    assert find_span(analyse("Who showed new missiles?"), sentence) is None


def test_open_questions_have_no_span():
    assert find_span(analyse("Why is Beijing worried?"), SEED_CHINA) is None
