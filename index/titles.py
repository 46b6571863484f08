"""Finding an article by id or by a loosely typed title."""

from __future__ import annotations

from index.errors import UserError
from index.models import Article

MIN_SCORE = 60.0
CLEAR_LEAD = 5.0


class ArticleLookupError(UserError):
    """No article, or more than one, matches what the user typed."""


def resolve_article(articles: list[Article], reference: str) -> Article:
    """By id when `reference` is a number that names one, else the clearly best title match."""
    from rapidfuzz import process, utils

    reference = reference.strip()
    if not reference:
        raise ArticleLookupError("name an article by its id or part of its title")
    if reference.isdecimal() and reference.isascii():
        for article in articles:
            if article.id == int(reference):
                return article
    titles = {article.id: article.title for article in articles}
    matches = process.extract(
        reference,
        titles,
        scorer=_title_score,
        processor=utils.default_process,
        limit=3,
        score_cutoff=MIN_SCORE,
    )
    if not matches:
        raise ArticleLookupError(f"no indexed article matches {reference!r}")
    by_id = {article.id: article for article in articles}
    if len(matches) > 1 and matches[0][1] - matches[1][1] < CLEAR_LEAD:
        names = "; ".join(f"{key}: {title}" for title, _, key in matches)
        raise ArticleLookupError(f"{reference!r} matches more than one article ({names})")
    return by_id[matches[0][2]]


def _title_score(query: str, title: str, **kwargs: object) -> float:
    """WRatio forgives typos; token-set overlap tells apart titles that share one word.

    WRatio alone gives every title that shares one word with a short query the same 85.5.
    """
    from rapidfuzz import fuzz

    return (fuzz.WRatio(query, title) + fuzz.token_set_ratio(query, title)) / 2
