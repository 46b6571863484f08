"""Finding an article by id or by a loosely typed title."""

from __future__ import annotations

from index.models import Article

MIN_SCORE = 60.0
CLEAR_LEAD = 8.0


class ArticleLookupError(Exception):
    """No article, or more than one, matches what the user typed."""


def resolve_article(articles: list[Article], reference: str) -> Article:
    """By id when `reference` is a number that names one, else the clearly best title match."""
    from rapidfuzz import fuzz, process, utils

    reference = reference.strip()
    if not reference:
        raise ArticleLookupError("name an article by its id or part of its title")
    if reference.isdigit():
        for article in articles:
            if article.id == int(reference):
                return article
    titles = {article.id: article.title for article in articles}
    matches = process.extract(
        reference,
        titles,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=3,
        score_cutoff=MIN_SCORE,
    )
    if not matches:
        raise ArticleLookupError(f"no indexed article matches {reference!r}; see `newsbot sources`")
    by_id = {article.id: article for article in articles}
    if len(matches) > 1 and matches[0][1] - matches[1][1] < CLEAR_LEAD:
        names = "; ".join(f"{key}: {title}" for title, _, key in matches)
        raise ArticleLookupError(f"{reference!r} matches more than one article ({names})")
    return by_id[matches[0][2]]
