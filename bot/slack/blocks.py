"""Answers, summaries and article lists as Block Kit messages, cut to fit Slack's limits.

Pure functions: a result in, a list of messages out (one, unless a reply needs more than 50
blocks). Every sentence is a verbatim quote, one of the core's caveats or fixed text here.
"""

from __future__ import annotations

from typing import Any, TypedDict

from bot.core.caveats import (
    added_heading,
    article_origin,
    cited_origin,
    confidence_line,
    looking_at,
    revision_tag,
)
from bot.core.models import Answer, Citation, Quote, Summary
from bot.render_text import answer_text, sources_text, summary_text
from bot.slack.conflicts import conflict_blocks
from bot.slack.mrkdwn import clip, escape, link, literal, quoted
from index.models import Article, IngestReport

# Slack's limits (docs.slack.dev, Block Kit reference).
SECTION_CHARS = 3000  # text of a section block, and of one context element
BLOCKS_PER_MESSAGE = 50
CONTEXT_ELEMENTS = 10
# Fallback text is only for notifications and screen readers; its beginning is what counts.
FALLBACK_CHARS = 3000
# A response_url takes 5 posts; leave one for an error.
MAX_MESSAGES = 4

NOT_AN_ANSWER = "*Closest passage.* It does not answer the question:"
QUOTE_CUT = "The quote is cut here to fit in Slack; the whole sentence is in the article."
LEFT_OUT = (
    "There is more than fits in Slack; the rest is left out. "
    "Ask something narrower, or run `newsbot` in a terminal."
)
CONTINUED = "(continued)"

Block = dict[str, Any]


class Message(TypedDict):
    """What `respond`, `say` and `chat.postEphemeral` take: fallback text and blocks."""

    text: str
    blocks: list[Block]


def answer_messages(answer: Answer) -> list[Message]:
    window = looking_at(answer.window)
    question = _section(f"*Q:* {_clipped(answer.question, SECTION_CHARS - 8)}")
    groups = [[question, *(_context([window]) if window else [])], conflict_blocks(answer)]
    if answer.answered:
        groups += [_quote(q) for q in answer.quotes]
        level = confidence_line(answer.confidence, answer.probability)
        confidence = f"*Confidence:* {_clipped(level, 100)}"
        groups.append(_context([confidence, *_bullets(answer.caveats)]))
    else:
        groups.append([_section(_clipped(answer.caveats[0]))])
        if answer.caveats[1:]:
            groups.append(_context(_bullets(answer.caveats[1:])))
        if answer.related:
            groups.append([_section(NOT_AN_ANSWER)])
            groups += [_quote(q, highlight=False) for q in answer.related]
    return _messages(groups, answer_text(answer))


def summary_messages(summary: Summary) -> list[Message]:
    head = summary.citation
    title = _section(f"*Summary of “{_clipped(head.title, SECTION_CHARS - 20)}”*")
    groups = [[title, *_context([_citation(head, paragraph=False)])]]
    groups.append(_context(_bullets(summary.caveats)))
    groups += [_quote(q, highlight=False, short=True) for q in summary.quotes]
    if summary.update and summary.update.added:
        groups.append([_section(f"*{added_heading(summary.update)}*")])
        groups += [_quote(q, highlight=False, short=True) for q in summary.update.added]
    return _messages(groups, summary_text(summary))


def sources_messages(articles: list[Article]) -> list[Message]:
    if not articles:
        return [notice("No articles are indexed.")]
    rows = [_article_row(a) for a in articles]
    sections, current = [], ""
    for row in rows:
        if current and len(current) + 1 + len(row) > SECTION_CHARS:
            sections.append(current)
            current = ""
        current = f"{current}\n{row}" if current else row
    sections.append(current)
    hint = "Summarise one with `/summarize` and its number or part of its title."
    groups = [[_section(f"*Indexed articles ({len(articles)})*")]]
    groups += [[_section(s)] for s in sections]
    groups.append(_context([hint]))
    return _messages(groups, sources_text(articles))


def ingest_message(report: IngestReport) -> Message:
    done = [("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged)]
    lines = [f"{label}: {title}" for label, titles in done for title in titles]
    lines += [f"failed: {error}" for _, error in report.failed]
    lines.append(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed; "
        f"{report.passages} passages indexed"
    )
    return _messages([[_section(_clipped("\n".join(lines)))]], "\n".join(lines))[0]


def notice(text: str, hint: str | None = None) -> Message:
    """Core or fixed text (an error, a refusal) made inert, and a fixed mrkdwn hint under it."""
    blocks = [_section(_clipped(text)), *(_context([hint]) if hint else [])]
    return {"text": _fallback(text), "blocks": blocks}


def _quote(quote: Quote, highlight: bool = True, short: bool = False) -> list[Block]:
    """The quote as a block quote, then where it comes from (and a note if it was cut)."""
    span = quote.highlight if highlight else None
    text, cut = clip(quote.text, SECTION_CHARS, lambda s: quoted(s, span))
    notes = [_citation(quote.citation, short=short)]
    if quote.revision:
        notes.append(f"_{revision_tag(quote.revision)}_")
    if cut:
        notes.append(QUOTE_CUT)
    return [_section(text), *_context(notes)]


def _citation(citation: Citation, short: bool = False, paragraph: bool = True) -> str:
    """Title, outlet, date, paragraph, article id and link; `short` is the paragraph alone."""
    where = [f"paragraph {citation.paragraph}"] if paragraph else []
    if short:
        return "— " + where[0]
    parts = [
        citation.title,
        *cited_origin(citation),
        *where,
        f"article {citation.article_id}",
    ]
    text = "— " + " · ".join(literal(p) for p in parts)
    if citation.url:
        text += " · " + link(citation.url, "open the article")
    return text if len(text) <= SECTION_CHARS else _clipped("— " + " · ".join(parts))


def _article_row(article: Article) -> str:
    meta = article_origin(article)
    row = f"*{article.id}* · {literal(article.title)} · " + " · ".join(literal(m) for m in meta)
    row += f" · {article.passage_count} passages"
    if article.url:
        row += " · " + link(article.url, "link")
    return row if len(row) <= SECTION_CHARS else _clipped(f"{article.id} · {article.title}")


def _section(text: str) -> Block:
    # verbatim: Slack must not turn bare URLs, #names or @names in article text into links.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _bullets(notes: tuple[str, ...]) -> list[str]:
    return [f"• {_clipped(n, SECTION_CHARS - 2)}" for n in notes]


def _context(texts: list[str]) -> list[Block]:
    """Context blocks of at most 10 elements each; callers have clipped every element."""
    return [
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": t, "verbatim": True}
                for t in texts[i : i + CONTEXT_ELEMENTS]
            ],
        }
        for i in range(0, len(texts), CONTEXT_ELEMENTS)
    ]


def _clipped(text: str, limit: int = SECTION_CHARS) -> str:
    return clip(text, limit)[0]


def _fallback(text: str) -> str:
    """Notifications show the fallback as it is: control characters escaped, nothing more."""
    return clip(text, FALLBACK_CHARS, escape)[0]


def _messages(groups: list[list[Block]], plain: str) -> list[Message]:
    """Blocks packed into messages of at most 50, keeping each quote with its citation."""
    pages: list[list[Block]] = [[]]
    for group in groups:
        for start in range(0, len(group), BLOCKS_PER_MESSAGE):
            part = group[start : start + BLOCKS_PER_MESSAGE]
            if len(pages[-1]) + len(part) > BLOCKS_PER_MESSAGE:
                pages.append([])
            pages[-1].extend(part)
    if len(pages) > MAX_MESSAGES:
        pages = pages[:MAX_MESSAGES]
        last = pages[-1][: BLOCKS_PER_MESSAGE - 1]
        pages[-1] = last + _context([LEFT_OUT])
    first = _fallback(plain)
    return [{"text": first if i == 0 else CONTINUED, "blocks": p} for i, p in enumerate(pages)]
