"""What the answer core hands to the front ends: quotes, citations and caveats, nothing else."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.hedges import Cue


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from, as precisely as the article allows."""

    article_id: int
    title: str
    source: str | None
    url: str | None
    published: str | None
    paragraph: int


@dataclass(frozen=True)
class Highlight:
    """The part of a quote that answers the question, as offsets into the quote's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quote:
    """One sentence exactly as the article prints it."""

    text: str
    citation: Citation
    score: float
    highlight: Highlight | None = None
    hedges: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The reply to one question. `related` holds a near miss shown when nothing answered."""

    question: str
    answered: bool
    confidence: str
    quotes: tuple[Quote, ...]
    caveats: tuple[str, ...]
    related: tuple[Quote, ...] = ()

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "confidence": self.confidence,
            "quotes": [_quote_dict(q) for q in self.quotes],
            "caveats": list(self.caveats),
            "related": [_quote_dict(q) for q in self.related],
        }


@dataclass(frozen=True)
class Summary:
    """An extractive summary: the article's own sentences, in its order."""

    citation: Citation
    quotes: tuple[Quote, ...]
    caveats: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "article_id": self.citation.article_id,
            "title": self.citation.title,
            "source": self.citation.source,
            "quotes": [_quote_dict(q) for q in self.quotes],
            "caveats": list(self.caveats),
        }


def _quote_dict(quote: Quote) -> dict:
    citation = quote.citation
    return {
        "text": quote.text,
        "title": citation.title,
        "source": citation.source,
        "article_id": citation.article_id,
        "url": citation.url,
        "published": citation.published,
        "paragraph": citation.paragraph,
        "score": round(quote.score, 4),
        "highlight": asdict(quote.highlight) if quote.highlight else None,
        "hedges": [asdict(cue) for cue in quote.hedges],
    }
