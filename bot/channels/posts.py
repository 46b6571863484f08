"""What a feed post or an alert says of a new article: every sentence is the article's own,
verbatim, or one of newsbot's caveat templates."""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.models import ArticlePost
from bot.core import caveats
from bot.core.models import Quote
from bot.core.summary import Articles, summarize
from index.models import Article


def article_post(
    corpus: Articles,
    article: Article,
    sentences: int,
    ratings: Mapping[str, str],
    matched: Quote | None = None,
    alert: str | None = None,
) -> ArticlePost:
    """The article's `sentences` most central sentences and its caveats: whose words they are,
    how the article hedges them, and what newsbot knows of the outlet."""
    summary = summarize(corpus, article, sentences, dict(ratings))
    # Hedges are said of the quotes in the order a post shows them: the match first.
    shown = ([matched] if matched is not None else []) + list(summary.quotes)
    hedges = [
        note
        for position, quote in enumerate(shown)
        for note in caveats.hedging(list(quote.hedges), [], position)
    ]
    return ArticlePost(
        article_id=article.id,
        title=article.title,
        outlet=article.source,
        published=article.published,
        url=article.url,
        quotes=summary.quotes,
        caveats=(*summary.caveats, *hedges),
        matched=matched,
        alert=alert,
    )


def also_reported_line(outlets: tuple[str, ...]) -> str:
    """What a post adds when later copies of its story arrive."""
    return f"Also reported by {', '.join(outlets)}."


def held_back(count: int, feed: str, cap: int) -> str:
    """Why some new articles of a feed were not posted."""
    articles = "article" if count == 1 else "articles"
    return (
        f"{count} more new {articles} from {feed} not posted: this channel posts at most "
        f"{cap} an hour from it."
    )


def feed_failing(feed: str) -> str:
    """One line, at most once a day, for the channels following a feed that cannot be read."""
    return (
        f"newsbot could not read the feed {feed} at its last poll. It keeps trying, and says "
        "so here at most once a day."
    )


UNKNOWN_OUTLET = "an outlet not named"


def outlet_name(article: Article) -> str:
    return article.source or UNKNOWN_OUTLET
