"""newsbot's own sentences: fixed templates filled only with names, dates and verbatim words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from bot.core.hedges import Cue, CueKind, hedge_phrases
from bot.core.models import Citation, Confidence, Highlight, Revision, Update, Window
from index.models import Article

NOT_FOUND = "I couldn't find that in the indexed articles."
EMPTY_INDEX = "No articles are indexed yet, so I can't answer anything."
NOTHING_TO_SUMMARISE = "This article has no sentences newsbot can quote."
LOW_CONFIDENCE = "This is a weak match: the quoted passage may not answer the question."
_HEDGE_KINDS: tuple[CueKind, ...] = ("speculation", "belief", "condition", "investigation")
# Around a quote, only doubt about facts matters; an "if" two sentences away says little.
_NEARBY_KINDS: tuple[CueKind, ...] = ("unconfirmed", "speculation", "belief")


# Who added a chat's text, as its citation names them.
ADDED_BY_ADMIN = "one of newsbot's admins"


def member_of(community: str) -> str:
    """Who added a text in a server or workspace: a member of it, never a person by name."""
    return f"a member of {community}"


def uploaded(added_by: str | None, added_at: str | None) -> str | None:
    """Who added a chat's text and on which day; None for an article from anywhere else."""
    if not added_by:
        return None
    day = (added_at or "")[:10]
    return f"uploaded by {added_by} on {day}" if day else f"uploaded by {added_by}"


def origin(
    source: str | None, published: str | None, upload: str | None, updated: str | None = None
) -> tuple[str, ...]:
    """Where a text comes from, as a citation shows it: its outlet and dates, or its upload."""
    if upload:
        return (upload,)
    return (
        source or "outlet unknown",
        published or "date unknown",
        *([f"updated {updated}"] if updated else []),
    )


def cited_origin(citation: Citation) -> tuple[str, ...]:
    return origin(citation.source, citation.published, citation.uploaded, citation.updated)


def article_origin(article: Article) -> tuple[str, ...]:
    upload = uploaded(article.added_by, article.added_at)
    return origin(article.source, article.published, upload, article.updated)


def as_of(citation: Citation) -> str:
    """How current the quoted article is: as of its last update, else of its publication."""
    title = f"“{citation.title}”"
    if citation.updated and citation.published:
        return (
            f"As of {citation.updated}: {title} was published {citation.published} "
            f"and last updated {citation.updated}."
        )
    if citation.updated:
        return f"As of {citation.updated}, when {title} was last updated."
    if citation.published:
        return f"As of {citation.published}, when {title} was published."
    return f"{title} is undated: newsbot does not know how current it is."


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day(when: date) -> str:
    """A day as a reader writes it: "3 April 2017"."""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def days(since: date | None, until: date | None) -> str:
    """The days a window allows, after the word "articles": "from 10 to 17 April 2017",
    "dated 3 April 2017", "since 3 April 2017", "before 1 January 2016"."""
    if since and until:
        if since == until:
            return f"dated {day(since)}"
        if (since.year, since.month) == (until.year, until.month):
            return f"from {since.day} to {day(until)}"
        if since.year == until.year:
            return f"from {since.day} {_MONTHS[since.month - 1]} to {day(until)}"
        return f"from {day(since)} to {day(until)}"
    if since:
        return f"since {day(since)}"
    if until:
        return f"before {day(until + timedelta(days=1))}"
    return "of any date"


def _window_days(window: Window) -> str:
    since, until = window.since, window.until
    return days(
        date.fromisoformat(since) if since else None, date.fromisoformat(until) if until else None
    )


def looking_at(window: Window) -> str | None:
    """Which articles an answer looked at, said with every answer that did not look at them
    all alike: "Looking at articles from 10 to 17 April 2017, the newest first."."""
    newest = ", the newest first" if window.prefer == "newest" else ""
    if window.since or window.until:
        return f"Looking at articles {_window_days(window)}{newest}."
    return f"Looking at all the articles{newest}." if newest else None


def none_in(window: Window, source: str | None = None) -> str:
    """Why nothing answered when the window holds no article at all."""
    articles = f"{source} articles" if source else "articles"
    return f"There are no indexed {articles} {_window_days(window)}."


def date_as_subject(words: str, since: date | None, until: date | None) -> str:
    """Why a date in the question did not bound the articles: none is dated within it."""
    return (
        f"There are no indexed articles {days(since, until)}, so “{words}” is read as what "
        "the question is about, not as when its articles appeared."
    )


def attribution(citation: Citation) -> str:
    """Whose claim this is: always said, even when the outlet or date is unknown."""
    title = f"“{citation.title}”"
    if citation.uploaded:
        return (
            f"According to the text {title}, {citation.uploaded}; "
            "newsbot does not know where it comes from."
        )
    when = f"published {citation.published}" if citation.published else "date unknown"
    if citation.source:
        return f"According to {citation.source}'s article {title} ({when})."
    return f"According to the article {title} (outlet unknown, {when})."


def source_rating(citation: Citation, ratings: Mapping[str, str]) -> str:
    if citation.uploaded:
        return "Text added in a chat has no outlet, so newsbot cannot say how reliable it is."
    if not citation.source:
        return "The article's outlet is unknown, so newsbot cannot say how reliable it is."
    rating = _lookup(ratings, citation.source)
    if rating is None:
        return f"{citation.source} is not rated in newsbot's source list."
    return f"newsbot's source list rates {citation.source}: {rating}."


def _lookup(ratings: Mapping[str, str], source: str) -> str | None:
    wanted = source.casefold()
    return next((r for name, r in ratings.items() if name.casefold() == wanted), None)


ORDINALS = ("first", "second", "third", "fourth", "fifth")
# What a highlighted answer is, by the question's kind: "The figure itself is stated plainly".
ANSWER_NOUNS = {"quantity": "figure", "time": "date", "person": "name", "place": "place"}


def hedging(
    in_quote: list[Cue],
    nearby: list[Cue],
    position: int = 0,
    source: str | None = None,
    figure: bool = False,
    highlight: Highlight | None = None,
    answer: str = "answer",
) -> list[str]:
    """The article's own hedges, in its own words, in and next to the quoted sentence.

    `position` says which quote of an answer this is, so notes on a second quote say so;
    `source` is whom the sentence credits, in its words; `figure` marks an answer that is a
    number, whose being unconfirmed matters most. With a `highlight`, hedges whose scope
    misses it are said to hedge another part of the sentence, and `answer` names what the
    highlight is ("figure", "date").
    """
    this = "this" if position == 0 else f"the {ORDINALS[min(position, 4)]} quote"
    notes = []
    unconfirmed = hedge_phrases(in_quote, ["unconfirmed"])
    if unconfirmed:
        what = "the figure in " + this if figure else this
        notes.append(f"The article itself says {what} is not confirmed: {_listed(unconfirmed)}.")
    notes += _scoped_hedges(in_quote, this, highlight, answer)
    if source:
        notes.append(f"The article attributes {this} to {_listed([source])}.")
    else:
        claims = hedge_phrases(in_quote, ["attribution"])
        if claims:
            notes.append(f"The article attributes {this} to others: {_listed(claims)}.")
    around = hedge_phrases(nearby, _NEARBY_KINDS)
    if around:
        notes.append(f"The sentences around {this} in the article hedge: {_listed(around)}.")
    return notes


def _scoped_hedges(
    cues: list[Cue], this: str, highlight: Highlight | None, answer: str
) -> list[str]:
    """The hedges on the answer itself apart from those on another part of the sentence."""
    on_answer = [c for c in cues if highlight is None or c.covers(highlight.start, highlight.end)]
    hedges = hedge_phrases(on_answer, _HEDGE_KINDS)
    seen = {phrase.casefold() for phrase in hedges}
    others = [
        p
        for p in hedge_phrases([c for c in cues if c not in on_answer], _HEDGE_KINDS)
        if p.casefold() not in seen
    ]
    notes = [f"The article hedges {this}: {_listed(hedges)}."] if hedges else []
    if others:
        sentence = "this sentence" if this == "this" else this
        if hedges:
            notes.append(f"The article also hedges another part of {sentence}: {_listed(others)}.")
        else:
            notes.append(
                f"The {answer} itself is stated plainly; the article hedges another part of "
                f"{sentence}: {_listed(others)}."
            )
    return notes


def also_reported(others: list[Article]) -> list[str]:
    """The same story from other outlets: corroboration to weigh, not independent proof. A
    near-copy added in a chat is no outlet's report, so it is named as the upload it is."""
    notes = []
    reported = [a for a in others if not a.added_by]
    if reported:
        named = [f"{a.source} (“{a.title}”)" if a.source else f"“{a.title}”" for a in reported]
        notes.append(f"Also reported by: {'; '.join(named)}.")
    for other in others:
        upload = uploaded(other.added_by, other.added_at)
        if upload:
            notes.append(f"A text in much the same words, “{other.title}”, was {upload}.")
    return notes


def missing_entities(names: list[str]) -> str:
    return f"The closest passages do not mention {_joined(names)}."


def no_figure(names: list[str]) -> str:
    if names:
        return f"The indexed articles mention {_joined(names)} but give no figure for this."
    return "The indexed articles give no figure for this."


def confidence_line(level: Confidence, probability: float) -> str:
    """The confidence band and the probability behind it: "high (97% likely to answer)"."""
    return f"{level} ({probability:.0%} likely to answer)"


def not_said(names: list[str], words: list[str]) -> str:
    """Why nothing answered when the articles are on the question's subject: what they lack."""
    absent = " or ".join(f"“{word}”" for word in words[:3])
    if names and absent:
        return f"The articles mention {_joined(names, 'and')}, but not {absent}."
    if names:
        return (
            f"The articles mention {_joined(names, 'and')}, "
            "but none of their sentences answers this."
        )
    if absent:
        return f"The closest passages do not mention {absent}."
    return "The closest passages are on this subject, but none of their sentences answers this."


def summary_header(count: int) -> str:
    what = "The sentence below is" if count == 1 else f"The {count} sentences below are"
    return (
        f"{what} quoted verbatim from the article, chosen by newsbot as its most central. "
        "The claims are the article's own and newsbot has not checked them."
    )


def _listed(phrases: list[str]) -> str:
    return ", ".join(f"“{phrase}”" for phrase in phrases)


def _joined(names: list[str], conjunction: str = "or") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


# -- updated stories -------------------------------------------------------------------------


def revision(revised: Revision | None, position: int = 0) -> list[str]:
    """That the article's latest update added or reworded the quoted sentence, and how it read
    before, in the earlier version's words; nothing for a sentence the update left alone."""
    if revised is None:
        return []
    this = "This sentence" if position == 0 else f"The {ORDINALS[min(position, 4)]} quote"
    update = f"the update of {long_day(revised.since)}"
    if revised.kind == "changed" and revised.before:
        return [f"{this} changed in {update}; before, it read: “{revised.before}”"]
    return [f"{this} was added in {update}; the earlier version did not have it."]


def revision_tag(revised: Revision) -> str:
    """A few words beside a quote that its article's latest update made it what it is."""
    what = "changed" if revised.kind == "changed" else "added"
    return f"{what} in the update of {long_day(revised.since)}"


def updated_article(update: Update) -> str:
    """That the summarised article was updated, and where the sentences it added are."""
    when = f"This article was updated on {long_day(update.since)}"
    shown = len(update.added)
    if not update.count:
        return f"{when}; the update took sentences out and added none."
    if shown < update.count:
        first = "the first is" if shown == 1 else f"the first {shown} are"
        added = f"that update added {update.count} sentences, and {first}"
    elif shown == 1:
        added = "the sentence that update added is"
    else:
        added = f"the {shown} sentences that update added are"
    return f"{when}; {added} quoted after the summary."


def added_heading(update: Update) -> str:
    return f"Added in the update of {long_day(update.since)}:"


def long_day(iso: str) -> str:
    """An ISO day as people write it ("3 May 2017"); anything else as it is."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B} {day.year}"


# -- conflicting reports ---------------------------------------------------------------------


def outlet(citation: Citation) -> str:
    """Who says it, as a conflict names them: the outlet, else the article or text by title."""
    if citation.uploaded:
        return f"the text “{citation.title}”"
    return citation.source or f"the article “{citation.title}”"


def _dated(citation: Citation) -> str:
    when = citation.updated or citation.published
    return f"{outlet(citation)} ({when})" if when else f"{outlet(citation)} (undated)"


def disagree(sides: list[tuple[Citation, str]]) -> str:
    """Articles that give different figures, names or dates for what was asked, each with its
    own words: "The articles disagree: A (2017-04-03) says 150,000; B (2017-04-04) says 100,000"."""
    said = "; ".join(f"{_dated(citation)} says {value}" for citation, value in sides)
    return f"The articles disagree: {said}."


def reports_conflict(reporting: Citation, denying: Citation, says: str) -> str:
    """One article reports a claim that another calls false: "Reports conflict: A reports it;
    B says it is a hoax"."""
    return f"Reports conflict: {outlet(reporting)} reports it; {outlet(denying)} says {says}."
