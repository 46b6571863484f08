"""Answers as plain text: quotes, citations, caveats, nothing else.

The terminal prints it and Slack sends it as a message's notification text, so it sits beside
the service rather than in either front end.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.caveats import (
    added_heading,
    article_origin,
    cited_origin,
    confidence_line,
    looking_at,
    revision_tag,
)
from bot.core.models import Answer, Citation, Quote, Summary
from index.models import Article

Style = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def citation_line(citation: Citation) -> str:
    parts = [
        citation.title,
        *cited_origin(citation),
        f"paragraph {citation.paragraph}",
        f"article {citation.article_id}",
    ]
    if citation.url:
        parts.append(citation.url)
    return " · ".join(parts)


def quote_block(quote: Quote, emphasis: Style = _plain) -> str:
    text = quote.text
    if quote.highlight:
        h = quote.highlight
        text = text[: h.start] + emphasis(text[h.start : h.end]) + text[h.end :]
    revised = f" · {revision_tag(quote.revision)}" if quote.revision else ""
    return f"  “{text}”\n     — {citation_line(quote.citation)}{revised}"


def answer_text(answer: Answer, emphasis: Style = _plain) -> str:
    lines = [f"Q: {answer.question}"]
    window = looking_at(answer.window)
    if window:
        lines.append(window)
    lines += conflict_lines(answer)
    if answer.answered:
        lines += [quote_block(q, emphasis) for q in answer.quotes]
        lines.append(f"Confidence: {confidence_line(answer.confidence, answer.probability)}")
        lines += ["Caveats:"] + [f"  • {c}" for c in answer.caveats]
    else:
        lines += [answer.caveats[0]] + [f"  • {c}" for c in answer.caveats[1:]]
        if answer.related:
            lines.append("Closest passage (it does not answer the question):")
            lines += [quote_block(q) for q in answer.related]
    return "\n".join(lines)


def conflict_lines(answer: Answer) -> list[str]:
    """Where the quoted articles disagree, first, so no reader takes one side for the answer."""
    if not answer.conflicts:
        return []
    return ["Conflicting reports:"] + [f"  ! {c.note}" for c in answer.conflicts]


def summary_text(summary: Summary) -> str:
    lines = [f"Summary of “{summary.citation.title}”", *(f"  • {c}" for c in summary.caveats)]
    lines += [quote_block(q) for q in summary.quotes]
    if summary.update and summary.update.added:
        lines.append(added_heading(summary.update))
        lines += [quote_block(q) for q in summary.update.added]
    return "\n".join(lines)


def sources_text(articles: list[Article]) -> str:
    if not articles:
        return "No articles are indexed."
    rows = []
    for a in articles:
        meta = " · ".join((*article_origin(a), *([f"in {a.scope}"] if a.scope else [])))
        rows.append(f"{a.id:>4}  {a.title}\n      {meta} · {a.passage_count} passages")
    return "\n".join(rows)
