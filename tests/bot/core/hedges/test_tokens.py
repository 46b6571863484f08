"""The sentence marks the cue model reads beside each word."""

import pytest

from bot.core.hedges.tokens import features, sentence_marks, tokenize


@pytest.mark.parametrize(
    ("sentence", "marks"),
    [
        ("The toll rose to 40 on Tuesday.", set()),
        ("The toll could rise, officials said.", {"reported"}),
        ("Many would flee if the dam broke.", {"conditional"}),
        ("He called it “a disaster” on Friday.", {"quoted"}),
        ("Rory McIlroy Thinks Europe Will Retain Ryder Cup", {"headline", "forecasting"}),
        ("The toll may rise, the mayor warned.", {"forecasting"}),
        ("Fares will go up next year.", {"future"}),
        ("The bridge opened in 1932.", {"dated"}),
        ("Would you pay five grand for a watch?", {"question"}),
    ],
)
def test_sentence_marks(sentence, marks):
    assert sentence_marks(tokenize(sentence)) == marks


def test_marks_are_crossed_with_the_word_and_a_headline_drops_capitals():
    tokens = tokenize("Many Would Flee If The Dam Broke")
    found = features(tokens, 1, sentence_marks(tokens))
    assert "conditional|would" in found
    assert "headline" in found and "capitalised" not in found
    plain = tokenize("Many would flee if the dam broke.")
    assert "capitalised" not in features(plain, 1, sentence_marks(plain))
    assert "conditional|if" not in features(plain, 3, sentence_marks(plain))


def test_the_next_word_is_also_seen_by_its_stem():
    tokens = tokenize("The toll could rise.")
    assert "wn1s=could|rise" in features(tokens, 2)
    rising = tokenize("The toll could be rising.")
    assert "p1sw=could|be" in features(rising, 3)
