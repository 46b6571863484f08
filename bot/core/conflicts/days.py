"""A date in an answer span as the parts it gives, so that "April 2017" and "3 April 2017" may
be one day."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class Day:
    """The parts of a date a span gives; None for a part it leaves open."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    @property
    def known(self) -> bool:
        return any(part is not None for part in (self.year, self.month, self.day, self.weekday))


def day_of(span: str) -> Day:
    """The year, month, day of the month and weekday a span names, as far as it names them;
    words such as "yesterday" name none, so they are never compared."""
    text = span.casefold()
    year = re.search(r"\b(1[89]|20)\d{2}\b", text)
    month = next((n + 1 for n, m in enumerate(_MONTHS) if re.search(rf"\b{m}\b", text)), None)
    weekday = next((n for n, w in enumerate(_WEEKDAYS) if w in text), None)
    date = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", text))
    return Day(
        int(year.group()) if year else None,
        month,
        int(date.group(1)) if date and month else None,
        weekday,
    )


def days_agree(a: Day, b: Day) -> bool:
    """Both can be true: no part that both give differs."""
    return all(
        x is None or y is None or x == y
        for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day), (a.weekday, b.weekday))
    )
