"""What the answer core hands to the front ends: quotes, citations and caveats, nothing else."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from bot.core.hedges import Cue

Confidence = Literal["high", "medium", "low", "none"]
# Which articles an answer prefers among those that answer: the newest ("latest", "now").
Prefer = Literal["newest"]
# How an article's latest update touched a sentence it now has.
RevisionKind = Literal["added", "changed"]
# What two articles disagree on: the figure, name or date asked for, or whether it happened.
ConflictKind = Literal["figure", "name", "date", "stance"]


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from, as precisely as the article allows.

    `uploaded` says who added a chat's text and when, in newsbot's words ("uploaded by a member
    of Newsroom on 2024-06-03"); such a text has no outlet, URL or date of its own.
    """

    article_id: int
    title: str
    source: str | None
    url: str | None
    published: str | None
    paragraph: int
    uploaded: str | None = None
    updated: str | None = None  # the article's last update, as it says itself


@dataclass(frozen=True)
class Window:
    """The dates an answer looked within (ISO days, None for no bound); `from_question` when
    the question's words set or narrowed them, or `prefer` (from "latest", "now") rather than
    the asker's options alone."""

    since: str | None = None
    until: str | None = None
    from_question: bool = False
    prefer: Prefer | None = None


@dataclass(frozen=True)
class Highlight:
    """The part of a quote that answers the question, as offsets into the quote's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Revision:
    """A quoted sentence that its article's latest update (on the ISO day `since`) `added`, or
    `changed` from `before`: the earlier version's sentence, verbatim."""

    kind: RevisionKind
    since: str
    before: str | None = None


@dataclass(frozen=True)
class Quote:
    """One sentence exactly as the article prints it.

    `score` ranks it among the candidates; `probability` is how likely it is to answer;
    `revision` says when the sentence is new in the article's latest update.
    """

    text: str
    citation: Citation
    score: float
    highlight: Highlight | None = None
    hedges: tuple[Cue, ...] = ()
    probability: float | None = None
    revision: Revision | None = None


@dataclass(frozen=True)
class Conflict:
    """Articles that cannot all be right: what each says (`values`, in its own words), the
    quotes that say it (indices into the answer's quotes, one a side), and newsbot's fixed
    sentence about it (`note`)."""

    kind: ConflictKind
    values: tuple[str, ...]
    quotes: tuple[int, ...]
    note: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "values": list(self.values),
            "quotes": list(self.quotes),
            "note": self.note,
        }


@dataclass(frozen=True)
class Answer:
    """The reply to one question. `related` holds a near miss shown when nothing answered.

    `probability` is that the first quote answers the question (when abstaining: that the
    near miss would have); `confidence` names its band. `conflicts` says where the quoted
    articles disagree, shown before the quotes.
    """

    question: str
    answered: bool
    confidence: Confidence
    quotes: tuple[Quote, ...]
    caveats: tuple[str, ...]
    related: tuple[Quote, ...] = ()
    probability: float = 0.0
    window: Window = Window()
    conflicts: tuple[Conflict, ...] = ()

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "probability": round(self.probability, 4),
            "confidence": self.confidence,
            "quotes": [_quote_dict(q) for q in self.quotes],
            "caveats": list(self.caveats),
            "related": [_quote_dict(q) for q in self.related],
            "window": asdict(self.window),
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


@dataclass(frozen=True)
class Update:
    """An article's latest update, as its summary offers it: the ISO day it happened, and the
    sentences it added, verbatim in the article's order (the first few of `count`)."""

    since: str
    added: tuple[Quote, ...]
    count: int


@dataclass(frozen=True)
class Summary:
    """An extractive summary: the article's own sentences, in its order, and what its latest
    update added when it was updated."""

    citation: Citation
    quotes: tuple[Quote, ...]
    caveats: tuple[str, ...]
    update: Update | None = None

    def to_dict(self) -> dict:
        update = self.update
        return {
            "article_id": self.citation.article_id,
            "title": self.citation.title,
            "source": self.citation.source,
            "quotes": [_quote_dict(q) for q in self.quotes],
            "caveats": list(self.caveats),
            "update": None
            if update is None
            else {
                "since": update.since,
                "added": [_quote_dict(q) for q in update.added],
                "added_count": update.count,
            },
        }


def _hedge_dict(cue: Cue, highlight: Highlight | None) -> dict:
    """A cue with its scope, and whether that scope reaches the highlighted answer (always,
    when nothing is highlighted: the answer is then the whole sentence)."""
    covered = highlight is None or cue.covers(highlight.start, highlight.end)
    return {**asdict(cue), "covers_answer": covered}


def _quote_dict(quote: Quote) -> dict:
    citation = quote.citation
    return {
        "text": quote.text,
        "title": citation.title,
        "source": citation.source,
        "article_id": citation.article_id,
        "url": citation.url,
        "published": citation.published,
        "updated": citation.updated,
        "uploaded": citation.uploaded,
        "paragraph": citation.paragraph,
        "score": round(quote.score, 4),
        "probability": None if quote.probability is None else round(quote.probability, 4),
        "highlight": asdict(quote.highlight) if quote.highlight else None,
        "hedges": [_hedge_dict(cue, quote.highlight) for cue in quote.hedges],
        "revision": asdict(quote.revision) if quote.revision else None,
    }
