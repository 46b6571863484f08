"""The asker's own limits on an answer: dates (`since`, `until`) and an outlet, parsed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from dateutil import parser as date_parser

from index.errors import UserError
from index.models import Article, Filters


class FilterError(UserError):
    """A date the asker gave cannot be read, or the dates leave no days between them."""


def filters(
    since: str | None = None, until: str | None = None, source: str | None = None
) -> Filters:
    """The filters for these options as typed; a missing or blank one filters nothing."""
    start, end = _day("since", since), _day("until", until)
    if start and end and start > end:
        raise FilterError(f"since {start} is after until {end}, so no article could match")
    return Filters(start, end, (source or "").strip() or None)


def _day(name: str, typed: str | None) -> str | None:
    """An ISO day from any common way of writing a date ("2017-04-01", "1 April 2017")."""
    text = (typed or "").strip()
    if not text:
        return None
    try:
        # A date given without its day or month starts at the first of them.
        day = date_parser.parse(text, default=datetime(2000, 1, 1))
        other = date_parser.parse(text, default=datetime(2001, 1, 1))
    except (ValueError, OverflowError):
        raise FilterError(
            f"{name}: {text[:40]!r} is not a date; write it like 2017-04-01"
        ) from None
    if day.year != other.year:  # "Monday", "1 April": which year is the parser's guess
        raise FilterError(f"{name}: {text[:40]!r} names no year; write it like 2017-04-01")
    return day.date().isoformat()


def within(asked: Filters, since: date | None, until: date | None) -> Filters | None:
    """The asker's filters narrowed to the days the question's own words allow: both bound
    the articles. None when together they leave no day."""
    starts = [d for d in (asked.since, since and since.isoformat()) if d]
    ends = [d for d in (asked.until, until and until.isoformat()) if d]
    start, end = max(starts, default=None), min(ends, default=None)
    if start and end and start > end:
        return None
    return replace(asked, since=start, until=end)


def dated_within(filters: Filters, article: Article) -> bool:
    """Whether the article's day (its last update, else its publication) is in the filters'
    window, as retrieval judges it: with a bound set, an undated article is not."""
    day = (article.updated or article.published or "")[:10]
    if not (filters.since or filters.until):
        return True
    return bool(day) and (filters.since or day) <= day <= (filters.until or day)
