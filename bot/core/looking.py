"""Where an answer looks: the asker's filters narrowed by the question's time words, and the
question as searched without them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from bot.core import caveats
from bot.core.filters import within
from bot.core.models import Window
from bot.core.questions import Question, analyse
from bot.core.timewords import TimeWords
from index.models import Filters, Hit, Scope


class Searches(Protocol):
    def search(
        self, query: str, k: int = 5, scope: Scope = None, filters: Filters | None = None
    ) -> list[Hit]: ...


@dataclass(frozen=True)
class Looking:
    """The question as searched (without the words that set its dates), the filters of its
    articles, the window the answer reports, and why it reads a date as the question's
    subject when it does."""

    question: Question
    filters: Filters
    window: Window
    notes: tuple[str, ...] = ()


def looking(timing: TimeWords, asked: Filters) -> Looking | None:
    """Where to look for these time words within the asker's filters; None when together
    they leave no day."""
    since, until = timing.bounds()
    limits = within(asked, since, until)
    if limits is None:
        return None
    words = bool(timing.phrases or timing.prefer)
    window = Window(limits.since, limits.until, words, timing.prefer)
    return Looking(analyse(timing.matching_text()), limits, window)


def look(
    corpus: Searches, timing: TimeWords, asked: Filters, k: int, scope: Scope
) -> tuple[Looking, list[Hit]] | None:
    """Where to look, and the `k` best passages found there; None when the dates leave no day.

    A date that no article is dated within names what the question is about ("What happened
    in 1851?"): then it is searched for as words, and a note says so. Relative words ("last
    week") always bound the dates.
    """
    first = looking(timing, asked)
    if first is not None:
        hits = search(corpus, first, k, scope)
        if hits or not timing.absolute:
            return first, hits
    subject = timing.relative_only()
    about = looking(subject, asked)
    if about is None:
        return None
    if subject != timing:
        notes = tuple(
            caveats.date_as_subject(timing.words(p), p.since, p.until) for p in timing.absolute
        )
        about = replace(about, notes=notes)
    return about, search(corpus, about, k, scope)


def no_day(timing: TimeWords, asked: Filters) -> str:
    """Why no article could match: the question's words, or they and the asker's dates, leave
    no day between them."""
    since, until = timing.relative_only().bounds()
    if since and until and since > until:
        words = ", ".join(f"“{timing.words(p)}”" for p in timing.phrases if p.relative)
        return f"the question's time words ({words}) leave no day between them"
    given = caveats.days(
        date.fromisoformat(asked.since) if asked.since else None,
        date.fromisoformat(asked.until) if asked.until else None,
    )
    return (
        f"the question asks for articles {caveats.days(since, until)}, but the dates given "
        f"allow only articles {given}, so no article could match"
    )


def search(
    corpus: Searches, at: Looking, k: int, scope: Scope, filters: Filters | None = None
) -> list[Hit]:
    """The `k` best passages for the question as searched, within `filters` (default: its own)."""
    return corpus.search(at.question.text, k=k, scope=scope, filters=filters or at.filters)
