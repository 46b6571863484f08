"""What a feed post or an alert says of a new article: every sentence is the article's own,
verbatim, or one of newsbot's caveat templates."""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.models import ArticlePost
from bot.core import caveats
from bot.core.models import Quote, Update
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
    # The matched sentence is shown once, first; hedges are said of the quotes in that order.
    quotes = tuple(q for q in summary.quotes if matched is None or q.text != matched.text)
    shown = ([matched] if matched is not None else []) + list(quotes)
    notes = summary.caveats
    if summary.quotes:  # the summary's first note says where its quotes are: a post's own
        notes = (quoted_note(len(quotes), matched is not None), *notes[1:])
    if summary.update is not None:  # a post does not quote what the update added
        notes = (*notes[:-1], updated_note(summary.update))
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
        quotes=quotes,
        caveats=(*notes, *hedges),
        matched=matched,
        alert=alert,
    )


def quoted_note(central: int, matched: bool) -> str:
    """Whose words a post's quotes are, and why newsbot chose them (the summary's own note says
    they are "below", which a post's are not)."""
    if matched and central:
        why = (
            "The first quote is the sentence that matches the alert, and the others the "
            "article's most central"
        )
    elif matched:
        why = "The quote is the sentence that matches the alert"
    elif central == 1:
        why = "The quote is the article's most central sentence"
    else:
        why = f"The {central} quotes are the article's most central sentences"
    return (
        f"{why}, chosen by newsbot. Each is verbatim from the article; the claims are the "
        "article's own and newsbot has not checked them."
    )


def updated_note(update: Update) -> str:
    """That the article was updated; a post quotes it as it reads now."""
    return (
        f"This article was updated on {caveats.long_day(update.since)}; the quotes are from it "
        "as it reads now."
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
