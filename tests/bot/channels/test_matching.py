"""Which new articles a feed's keywords and an alert's words select, with the real model."""

from __future__ import annotations

import pytest

from bot.channels.matching import best_match, has_keyword
from bot.channels.settings import ChannelSettings
from index.embedding import Embedder
from index.library import Library
from index.models import Document
from index.settings import IndexSettings
from tests.support.wire import FERRY

SETTINGS = ChannelSettings()


@pytest.fixture(scope="module")
def ferry(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder):  # type: ignore[no-untyped-def]
    library = Library(tmp_path_factory.mktemp("match"), IndexSettings(), embedder)
    title, paragraphs = FERRY
    document = Document("test:ferry", title, "\n\n".join(paragraphs), source="Island Times")
    assert library.ingest([document]).added
    (article,) = library.articles()
    passages = library.article_passages(article.id)
    vectors = library.sentence_vectors([p.id for p in passages])
    yield library, article, passages, vectors
    library.close()


def match(ferry, words: str):  # type: ignore[no-untyped-def]
    library, article, passages, vectors = ferry
    query = library.embedder.encode([words])[0]
    return best_match(
        article,
        passages,
        vectors,
        query,
        words,
        SETTINGS.alert_threshold,
        SETTINGS.alert_dense,
    )


def test_keywords_select_articles_that_say_one_of_them(ferry):
    _, article, passages, _ = ferry
    assert has_keyword(article, passages, ())
    assert has_keyword(article, passages, ("rail", "FERRY"))
    assert has_keyword(article, passages, ("tourist season",))
    assert not has_keyword(article, passages, ("railway", "embankment"))
    assert not has_keyword(article, passages, ("tourist strike season holiday rail",))


def test_an_alert_quotes_the_sentence_that_matches_its_words(ferry):
    found = match(ferry, "ferry strike")
    assert found is not None and found.score >= SETTINGS.alert_threshold
    assert found.quote.text.startswith("A strike by ferry crews")
    assert found.quote.citation.source == "Island Times"


def test_an_alert_on_another_subject_matches_nothing(ferry):
    assert match(ferry, "population of Tokyo") is None
    assert match(ferry, "football transfer") is None


def test_words_and_meaning_together_make_a_match(ferry):
    # Three of its five words are in the sentence, and it says much the same: a match.
    found = match(ferry, "ferry crews call off walkout")
    assert found is not None and found.quote.text.startswith("A strike by ferry crews")
    # Related in meaning (similarity about 0.44) but sharing no word: below the threshold.
    assert match(ferry, "wage increase agreed for boat workers") is None
