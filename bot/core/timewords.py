"""Time words in a question ("latest", "last month", "since Monday", "in March 2017") read as
the dates of the articles it asks about, relative to the moment it is asked.

A small English grammar finds the phrases, because a question bounds dates with words
("since", "before", "between … and") that date searchers skip, and reads "march" and "May"
as months. dateparser reads each date the grammar finds, with its precision (a day, a week, a
month, a year), so "3rd of April", "a fortnight ago" and "last month" need no rules here.
Rules remain only for what dateparser gets wrong or does not do: weekdays ("this Monday" is
the one just gone, not the next), weekends, decades and rolling spans ("the past 3 weeks").

The reading rules:
- vague recency ("latest", "now", "currently", "so far", "the latest on") sets no bound: it
  prefers the newest articles among those that answer. It is left out of the search, except
  an adjective of the question's own noun ("the latest epoch", "the current premier");
- relative words ("yesterday", "this week", "last month", "since Monday", "3 days ago") always
  bound the articles' dates: they are about the news, not what the news is about. "Today"
  does so in a question about the past ("What happened today?"); of the present ("Which
  country today …?") it means "now";
- an absolute date ("in March 2017", "before 2016", "between 1 and 10 April 2017") bounds them
  too, unless no article is dated within it; then it names what the question is about
  ("What happened in 1851?") and is searched for as words (`TimePhrase.relative` is False);
- a year or a month alone needs a word before it that makes it a time ("in 2016", "since
  May"): in "the 2018 World Cup" or "Theresa May" it is part of a name, as a weekday after a
  capitalised word is ("Stormy Monday"), and a period after "its" or before "of" is no time
  ("its last year", "the last week of the season");
- a date still to come bounds nothing: no article is dated in the future.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from bot.core.models import Prefer

Lead = Literal["since", "after", "before", "until", "as of", "in"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![.,]?\d)"
_YEAR = r"(?:1\d|20)\d{2}(?!\d)"
# Dates precise enough to be times wherever they stand.
_FULL = (
    rf"\d{{4}}-\d{{2}}(?:-\d{{2}})?(?![\d-])|\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})(?![\d/])"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH}(?:,|\s+of)?\s+{_YEAR}"
)
_DECADE = r"(?:the\s+)?(?:1\d|20)\d0s"
# A month, a year or a decade alone: a time only after a time word ("in 2016", "since May").
_BARE = rf"{_DECADE}|{_MONTH}|{_YEAR}"
_COUNT = r"\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_UNIT = r"(?:day|week|fortnight|month|year)s?"
# "the past 3 weeks", "the past week"; "the past weeks" is vague.
_ROLLING = (
    rf"(?:the\s+)?(?:past|last)\s+(?:{_COUNT})\s+{_UNIT}"
    r"|(?:the\s+past|the\s+last|past)\s+(?:day|week|fortnight|month|year)(?!s)"
)
_RELATIVE = (
    r"(?:the\s+day\s+before\s+)?yesterday|today|tonight|this\s+(?:morning|afternoon|evening)"
    rf"|last\s+night|{_ROLLING}"
    r"|(?:(?:earlier|so\s+far)\s+)?this\s+(?:week|month|year)|(?:last|previous)\s+(?:week|month|year)"
    rf"|(?:{_COUNT})\s+{_UNIT}\s+ago|(?:(?:last|this)\s+|(?:over|at|during)\s+the\s+)weekend"
    rf"|(?:(?:last|this)\s+)?{_WEEKDAY}"
)
_LEAD = r"since|after|from|before|until|till|up\s+to|through|as\s+of|in|on|during|over|within"
# "between 1 and 10 April 2017", "from March to April 2017"
_RANGE = (
    rf"(?:between|from)\s+(?P<first>{_FULL}|{_BARE}|{_WEEKDAY}|{_DAY})"
    rf"\s+(?:and|to|until|till|through|-)\s+(?P<last>{_FULL}|{_BARE}|{_WEEKDAY}|yesterday|today)"
)
_DATED = (
    rf"(?:(?P<lead>{_LEAD})(?:\s+the\s+(?:start|beginning)\s+of|\s+the(?=\s+\d\d?(?!\d)))?\s+)?"
    rf"(?:(?P<relative>{_RELATIVE})|(?P<full>{_FULL})|(?P<bare>{_BARE}))"
)
_VAGUE = (
    r"(?:the\s+)?(?:latest|newest|most\s+recent)(?:\s+(?:news|updates?|word|developments))?"
    r"\s+(?:on|about|with|regarding|for|in)(?=\s)"
    r"|latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|lately|(?:right\s+)?now|nowadays"
    r"|currently|current|at\s+(?:the\s+moment|present)|these\s+days|so\s+far|to\s+date"
    r"|up\s+to\s+date|(?:in|over|during)\s+(?:recent|the\s+(?:past|last)(?:\s+(?:few|several"
    r"|couple\s+of))?)\s+(?:days|weeks|months|years)"
    r"|(?<=what[’']s\s)new|(?<=what\sis\s)new|(?<=anything\s)new|(?<=something\s)new"
)
_PHRASE = re.compile(
    rf"(?<![\w-])(?:{_RANGE}|{_DATED}|(?P<vague>{_VAGUE}))(?![\w-])", re.IGNORECASE
)
_RELATIVE_POINT = re.compile(rf"{_WEEKDAY}|yesterday|today", re.IGNORECASE)
_TODAY = re.compile(r"today|tonight|this\s+(?:morning|afternoon|evening)", re.IGNORECASE)
_WEEKDAY_ALONE = re.compile(_WEEKDAY, re.IGNORECASE)
_POSSESSIVES = {"its", "his", "her", "their", "our", "my", "your"}
_ADJECTIVE = re.compile(r"latest|newest|most\s+recent|recent|current", re.IGNORECASE)
# After "latest", words that make it stand for the news itself.
_NOT_NOUNS = {"on", "about", "in", "of", "with", "for", "from", "at", "over", "regarding", "to"}
_NOT_NOUNS |= {"and", "or", "news", "update", "updates", "word", "developments"}
# A question about the past: "What happened today?" asks for today's articles; "Which country
# today is …?" asks for the present, as the newest articles tell it.
_PAST = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)
_PAST_FORM = re.compile(r"\b\w+ed\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:is|are|am|has|have|do|does|will)\b|\w['’]s\b", re.IGNORECASE)
_LEADS: dict[str, Lead] = {
    "since": "since",
    "after": "after",
    "before": "before",
    "until": "until",
    "till": "until",
    "up to": "until",
    "through": "until",
    "as of": "as of",
}


@dataclass(frozen=True)
class Period:
    """The days a date names, both included: one day, a week, a month, a year."""

    start: date
    end: date


@dataclass(frozen=True)
class TimePhrase:
    """Words of the question, [start, end) into it, that bound the articles' dates (None: no
    bound on that side). `relative` words ("last week") always do; an absolute date may instead
    name what the question is about."""

    start: int
    end: int
    since: date | None
    until: date | None
    relative: bool
    newest: bool = False  # "as of 10 April": the newest up to then


@dataclass(frozen=True)
class TimeWords:
    """What a question's time words ask of the articles: the phrases that bound their dates,
    and whether it asks for the newest: by words left out of the search (`recency`: "now",
    "the latest on") or by an adjective kept in it (`newest`: "the current premier", where
    "current" may be part of what is asked)."""

    text: str
    phrases: tuple[TimePhrase, ...] = ()
    recency: tuple[tuple[int, int], ...] = ()
    newest: bool = False

    @property
    def prefer(self) -> Prefer | None:
        wanted = self.recency or self.newest or any(p.newest for p in self.phrases)
        return "newest" if wanted else None

    @property
    def absolute(self) -> tuple[TimePhrase, ...]:
        return tuple(p for p in self.phrases if not p.relative)

    def bounds(self) -> tuple[date | None, date | None]:
        """The days every phrase allows; since > until when they leave none."""
        starts = [p.since for p in self.phrases if p.since]
        ends = [p.until for p in self.phrases if p.until]
        return max(starts, default=None), min(ends, default=None)

    def relative_only(self) -> TimeWords:
        """These time words with the absolute dates read as what the question is about."""
        return replace(self, phrases=tuple(p for p in self.phrases if p.relative))

    def words(self, phrase: TimePhrase) -> str:
        return self.text[phrase.start : phrase.end]

    def matching_text(self) -> str:
        """The question without its time words, for retrieval and the reader: "March" is no
        name the articles must mention, nor "latest" a word they must use."""
        spans = sorted([(p.start, p.end) for p in self.phrases] + list(self.recency))
        if not spans:
            return self.text
        parts, last = [], 0
        for start, end in spans:
            parts.append(self.text[last:start])
            last = max(last, end)
        parts.append(self.text[last:])
        left = " ".join("".join(parts).split())
        left = re.sub(r"\s+([?.!,;:])", r"\1", left)
        return left if re.search(r"\w", left) else self.text


def time_words(text: str, now: datetime) -> TimeWords:
    """The time words of `text`, as dates relative to `now` (whose own date is "today")."""
    phrases, recency, newest = [], [], False
    for match in _PHRASE.finditer(text):
        if _not_a_time(text, match):
            continue
        if match["vague"] and _ADJECTIVE.fullmatch(match[0]) and _before_a_noun(text, match):
            newest = True
        elif match["vague"] or (
            match["relative"]
            and not match["lead"]
            and _TODAY.fullmatch(match["relative"])
            and not _of_the_past(text)
        ):
            recency.append(match.span())
        elif phrase := _phrase(match, now):
            phrases.append(phrase)
    return TimeWords(text, tuple(phrases), tuple(recency), newest)


def _before_a_noun(text: str, match: re.Match[str]) -> bool:
    """Whether a recency adjective qualifies a noun of the question's own ("the latest epoch",
    "the current premier") rather than standing for the news ("the latest on", "latest news")."""
    after = re.match(r"\s+([A-Za-z]+)", text[match.end() :])
    return bool(after and after[1].lower() not in _NOT_NOUNS)


def _not_a_time(text: str, match: re.Match[str]) -> bool:
    """Whether the phrase is part of a name or a noun phrase: "Stormy Monday", "its last
    year", "the last week of the season"."""
    before = text[: match.start()].split()
    if before and before[-1].lower() in _POSSESSIVES:
        return True
    if match["relative"] and re.match(r"\s+of\b", text[match.end() :], re.IGNORECASE):
        return True
    alone = match["relative"] and not match["lead"] and _WEEKDAY_ALONE.fullmatch(match[0])
    return bool(alone and len(before) > 1 and before[-1][:1].isupper())


def _of_the_past(text: str) -> bool:
    """Whether the question speaks of the past ("What happened", "What did … say")."""
    return bool(_PAST.search(text) or (_PAST_FORM.search(text) and not _PRESENT.search(text)))


def _phrase(match: re.Match[str], now: datetime) -> TimePhrase | None:
    today = now.date()
    if match["last"]:
        last = _period(match["last"], now)
        first = _first_of_range(match["first"], last, now) if last else None
        if last is None or first is None or first.start > min(last.end, today):
            return None
        relative = any(_RELATIVE_POINT.fullmatch(match[g].strip()) for g in ("first", "last"))
        return TimePhrase(*match.span(), first.start, min(last.end, today), relative)
    lead = _lead(match["lead"])
    if match["bare"] and lead is None:
        return None
    words = match["relative"] or match["full"] or match["bare"]
    period = _relative(words, now) if match["relative"] else _period(words, now)
    if period is None or period.start > today:
        return None
    since, until = _bounded(lead or "in", period)
    if until is not None:
        until = min(until, today)
    if (since and since > today) or (since and until and since > until):
        return None
    return TimePhrase(*match.span(), since, until, bool(match["relative"]), lead == "as of")


def _lead(typed: str | None) -> Lead | None:
    """What a time word before a date does: bound one side of it, or take the whole of it."""
    if typed is None:
        return None
    return _LEADS.get(" ".join(typed.lower().split()), "in")


def _bounded(lead: Lead, period: Period) -> tuple[date | None, date | None]:
    """The days a lead word and a period allow ("before 2016": until 31 December 2015)."""
    day = timedelta(days=1)
    if lead == "since":
        return period.start, None
    if lead == "after":
        return period.end + day, None
    if lead == "before":
        return None, period.start - day
    if lead in ("until", "as of"):
        return None, period.end
    return period.start, period.end


def _first_of_range(words: str, last: Period, now: datetime) -> Period | None:
    """The first date of "between A and B", which may borrow B's month and year ("1", "March")."""
    day = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", words.strip(), re.IGNORECASE)
    if day:
        try:
            start = last.start.replace(day=int(day[1]))
        except ValueError:
            return None
        return Period(start, start)
    if re.fullmatch(_WEEKDAY, words.strip(), re.IGNORECASE):
        return _relative(words, now)
    at = datetime.combine(last.end, now.time())
    return _period(words, at)


def _relative(words: str, now: datetime) -> Period | None:
    """A relative phrase, by the few rules dateparser lacks, else by dateparser."""
    text = " ".join(words.lower().split())
    today = now.date()
    weekday = re.fullmatch(rf"(?:(last|this)\s+)?({_WEEKDAY})", text)
    if weekday:
        back = (today.weekday() - _WEEKDAYS.index(weekday[2])) % 7
        if weekday[1] == "last" and back == 0:
            back = 7  # "last Monday", said on a Monday, is a week ago
        day = today - timedelta(days=back)
        return Period(day, day)
    if text.endswith("weekend"):
        # The latest Saturday and Sunday, up to today.
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        return Period(saturday, saturday + timedelta(days=1))
    rolling = re.fullmatch(rf"(?:the\s+)?(?:past|last)\s+(?:({_COUNT})\s+)?({_UNIT})", text)
    if rolling and (rolling[1] or not text.startswith("last ")):
        # "the past 3 weeks": from that far back to today; "last week" is the calendar's.
        back = _parsed(f"{rolling[1] or 'a'} {rolling[2]} ago", now)
        return Period(back[0], today) if back else None
    text = re.sub(r"^(?:earlier|so far)\s+", "", text).replace("previous ", "last ")
    return _period(text, now)


def _period(words: str, now: datetime) -> Period | None:
    """The days `words` name, as dateparser reads them (a month is the whole month)."""
    text = " ".join(words.lower().split())
    decade = re.fullmatch(r"(?:the\s+)?(\d{3}0)s", text)
    if decade:
        first = int(decade[1])
        return Period(date(first, 1, 1), date(first + 9, 12, 31))
    parsed = _parsed(text, now)
    if parsed is None:
        return None
    day, precision = parsed
    if precision == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(day.replace(day=1), day.replace(day=last))
    if precision == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    return Period(day, day)


def _parsed(text: str, now: datetime) -> tuple[date, str] | None:
    """The day dateparser reads in `text`, and how precise it is ("day", "week", "month",
    "year"); dates without a year are the latest such date up to `now`."""
    # Imported on first use: a question without time words never loads dateparser.
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    found = DateDataParser(languages=["en"], settings=settings).get_date_data(text.rstrip("."))
    if found.date_obj is None:
        return None
    return found.date_obj.date(), found.period or "day"
