"""What a feed post and an alert post say of an article: its own sentences, and notes that
describe them as the post shows them."""

from __future__ import annotations

import pytest

from bot.channels.posts import article_post
from bot.core.models import Quote
from index.embedding import Embedder
from index.library import Library
from index.models import Document
from index.settings import IndexSettings
from tests.support import updates
from tests.support.wire import FERRY


@pytest.fixture(scope="module")
def ferry(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder):  # type: ignore[no-untyped-def]
    library = Library(tmp_path_factory.mktemp("posts"), IndexSettings(), embedder)
    title, paragraphs = FERRY
    document = Document("test:ferry", title, "\n\n".join(paragraphs), source="Island Times")
    assert library.ingest([document]).added
    (article,) = library.articles()
    yield library, article
    library.close()


def test_a_post_quotes_the_articles_central_sentences_and_says_so(ferry):
    library, article = ferry
    post = article_post(library, article, 3, {})
    assert len(post.quotes) == 3
    assert all(any(q.text in p for p in FERRY[1]) for q in post.quotes)
    assert post.caveats[0].startswith("The 3 quotes are the article's most central sentences")
    assert not any("below" in note for note in post.caveats)  # a post's notes come after
    assert "According to Island Times's article" in post.caveats[1]
    assert "Island Times is not rated in newsbot's source list." in post.caveats
    assert "The article attributes the second quote to others: “said”." in post.caveats


def test_an_alert_post_shows_its_match_first_and_once(ferry):
    library, article = ferry
    central = article_post(library, article, 3, {}).quotes
    matched = Quote(central[1].text, central[1].citation, 0.9, hedges=central[1].hedges)
    post = article_post(library, article, 3, {}, matched, "pay rise")
    assert post.matched == matched
    assert [q.text for q in post.quotes] == [central[0].text, central[2].text]
    assert post.caveats[0].startswith(
        "The first quote is the sentence that matches the alert, and the others the article's"
    )
    # The hedge is said of the matched sentence, shown first, not of the second quote.
    assert "The article attributes this to others: “said”." in post.caveats
    assert not any("second quote" in note for note in post.caveats)


def test_a_post_of_an_updated_article_says_so_without_promising_more_quotes(
    tmp_path, embedder: Embedder
):
    library = Library(tmp_path / "data", IndexSettings(), embedder)
    try:
        path = tmp_path / "articles" / "bridge.md"
        for version in (1, 2):
            assert not library.ingest_paths([updates.write_version(path, version)]).failed
        post = article_post(library, library.article("bridge repair"), 2, {})
        updated = "This article was updated on 3 May 2017; the quotes are from it as it reads now."
        assert updated in post.caveats
        assert not any("quoted after the summary" in note for note in post.caveats)
    finally:
        library.close()
