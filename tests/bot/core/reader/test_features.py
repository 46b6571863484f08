"""What the reader sees of a question and its candidate sentences, on a real small index."""

import numpy as np
import pytest

from bot.core.answer import AnswerSettings, candidate_pool
from bot.core.questions import analyse
from bot.core.reader.features import (
    SENTENCE_FEATURES,
    _article_stems,
    _stems_cached,
    _tokens,
    quotable,
)
from index.lexical import stems

STORY = (
    "Harbour works\n\n"
    "The port reopened on Monday after 12 days of repairs to the main quay.\n\n"
    "Mayor Ellen Hart said the closure cost local firms about $3 million.\n\n"
    "Fishing boats returned to the inner basin by the afternoon.\n"
)


@pytest.fixture
def harbour(make_library):
    return make_library({"harbour.txt": STORY})


def _pool(library, question):
    return candidate_pool(library, analyse(question), AnswerSettings())


def _column(found, name):
    return found.features[:, SENTENCE_FEATURES.index(name)]


def test_every_quotable_sentence_is_a_candidate_with_a_full_row(harbour):
    found = _pool(harbour, "How long did the repairs take?")
    assert len(found.candidates) == 3
    assert found.features.shape == (3, len(SENTENCE_FEATURES))


def test_the_sentence_with_the_questions_words_overlaps_most(harbour):
    found = _pool(harbour, "How many days of repairs did the quay need?")
    best = max(range(len(found.candidates)), key=lambda i: _column(found, "overlap")[i])
    assert "12 days" in found.candidates[best].text
    assert _column(found, "overlap_gap")[best] == 0.0
    assert found.candidates[best].span.text == "12"


def test_a_name_the_article_never_uses_is_absent(harbour):
    found = _pool(harbour, "What did Mayor John Smith say about the closure?")
    assert found.absent_entities == ("Mayor John Smith",)
    assert not any(c.names_ok for c in found.candidates)


def test_words_no_retrieved_article_uses_are_missing_but_names_are_not(harbour):
    found = _pool(harbour, "What did Ellen Hart eat for breakfast?")
    assert found.absent_entities == ()
    assert found.missing_terms == ("eat", "breakfast")
    assert set(_column(found, "names_article")) == {1.0}


def test_numbers_in_the_question_must_agree(harbour):
    found = _pool(harbour, "What happened after 12 days?")
    column = _column(found, "numbers_agree")
    agree = {c.text: v for c, v in zip(found.candidates, column, strict=True)}
    assert [t for t, v in agree.items() if v == 1.0] == [
        "The port reopened on Monday after 12 days of repairs to the main quay."
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The port reopened on Monday.", True),
        ("You May Also Like", False),
        ("Read more", False),
        ("a headline without an end but with twelve words in it to count as one", True),
    ],
)
def test_only_real_sentences_are_quotable(sentence, expected):
    assert quotable(sentence) is expected


def test_an_articles_stems_are_those_of_its_whole_text(harbour):
    found = _pool(harbour, "What did the mayor say?")
    article = found.candidates[0].hit.article
    passages = found.passages[article.id]
    whole = stems("\n".join([article.title, *(p.text for p in passages)]))
    assert _article_stems(article.title, passages) == whole


def test_rows_read_from_cached_stems_are_those_read_fresh(harbour):
    _pool(harbour, "When did the port reopen?")  # fills the caches
    warm = _pool(harbour, "How much did the closure cost local firms?")
    _stems_cached.cache_clear()
    _tokens.cache_clear()
    fresh = _pool(harbour, "How much did the closure cost local firms?")
    assert np.array_equal(warm.features, fresh.features)
    assert warm.missing_terms == fresh.missing_terms
