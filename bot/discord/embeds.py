"""Answers, summaries and source lists as Discord messages, always inside Discord's limits.

Pure: core objects in, `Reply` (content + embeds) out. Every sentence is a verbatim quote, one of
the core's caveats, or fixed UI text. When a reply is too long for Discord, the longest texts are
cut first (between words, with "…"), and the last embed's footer says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import discord

from bot.core.caveats import (
    added_heading,
    article_origin,
    cited_origin,
    confidence_line,
    looking_at,
    revision_tag,
)
from bot.core.models import Answer, Citation, Quote, Summary
from bot.discord import conflicts
from bot.discord.markup import (
    ELLIPSIS,
    Text,
    capped,
    escaped,
    fixed,
    lines,
    prefixed,
    quotation,
    safe_url,
    size,
)
from index.models import Article, IngestReport

# Discord's limits, in UTF-16 code units.
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FIELD_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_LIMIT = 10
TOTAL_LIMIT = 6000
# Quote embeds in one reply, leaving room for the caveats embed.
MAX_QUOTE_EMBEDS = 8
# One caveat is never allowed to crowd out the others.
CAVEAT_LIMIT = 1000

CUT_NOTE = "Shortened to fit Discord's limits; the article has the full text."
NO_ARTICLES = "No articles are indexed yet."
COLOURS = {"high": 0x2E7D32, "medium": 0xF9A825, "low": 0xEF6C00, "none": 0x757575}
SUMMARY_COLOUR = 0x1565C0


@dataclass(frozen=True)
class Reply:
    """What one Discord message carries."""

    content: str | None
    embeds: tuple[discord.Embed, ...] = ()


@dataclass
class Card:
    """One embed whose texts can still be shortened to make the whole message fit."""

    title: Text | None = None
    description: Text | None = None
    fields: list[tuple[str, Text]] = field(default_factory=list)
    footer: Text | None = None
    url: str | None = None
    colour: int = COLOURS["none"]


def answer_reply(answer: Answer, show_question: bool = True) -> Reply:
    """Each quote with its citation and highlighted answer, then confidence and caveats; the
    window the answer looked in under the question."""
    window = looking_at(answer.window)
    content = question_line(answer.question, window) if show_question else window
    if not answer.answered:
        cards = [_not_found_card(answer)] + [_related_card(q) for q in answer.related]
        return Reply(content, tuple(assemble(cards[: MAX_QUOTE_EMBEDS + 1])))
    colour = COLOURS.get(answer.confidence, COLOURS["none"])
    shown = answer.quotes[: MAX_QUOTE_EMBEDS - (1 if answer.conflicts else 0)]
    legend = [f"Confidence: {confidence_line(answer.confidence, answer.probability)}."]
    if any(q.highlight for q in shown):
        legend.append("Bold: the words that answer the question.")
    if any(q.hedges for q in shown):
        legend.append("Underlined: the article's own hedging.")
    if len(answer.quotes) > len(shown):
        legend.append(f"{len(answer.quotes) - len(shown)} more quotes not shown.")
    cards = [*_conflict_cards(answer), *(_quote_card(q, colour) for q in shown)]
    cards.append(
        Card(
            title=fixed("Caveats"),
            description=_bullets(answer.caveats, "caveats"),
            footer=fixed(" ".join(legend)),
            colour=colour,
        )
    )
    return Reply(content, tuple(assemble(cards)))


def summary_reply(summary: Summary) -> Reply:
    """The article's own sentences, in its order, then the caveats."""
    citation = summary.citation
    sentences = [prefixed("• ", quotation(q, marked=False)) for q in summary.quotes]
    card = Card(
        title=escaped(f"Summary: {citation.title}"),
        url=safe_url(citation.url),
        description=lines(sentences, lambda n: f"{ELLIPSIS}and {n} more sentences not shown."),
        fields=[("Source", _citation_text(citation, paragraph=False))],
        colour=SUMMARY_COLOUR,
    )
    caveats = Card(
        title=fixed("Caveats"),
        description=_bullets(summary.caveats, "caveats"),
        colour=SUMMARY_COLOUR,
    )
    cards = [card, caveats]
    if summary.update and summary.update.added:
        added = [prefixed("• ", quotation(q, marked=False)) for q in summary.update.added]
        cards.insert(
            1,
            Card(
                title=fixed(added_heading(summary.update)),
                description=lines(added, lambda n: f"{ELLIPSIS}and {n} more sentences not shown."),
                colour=SUMMARY_COLOUR,
            ),
        )
    return Reply(None, tuple(assemble(cards)))


def sources_reply(articles: Sequence[Article]) -> Reply:
    """The indexed articles with the ids `/summarize` accepts."""
    if not articles:
        return Reply(NO_ARTICLES)
    rows = [prefixed(f"**{a.id}** · ", escaped(_article_line(a))) for a in articles]
    card = Card(
        title=fixed(f"Indexed articles ({len(articles)})"),
        description=lines(rows, lambda n: f"{ELLIPSIS}and {n} more not shown."),
        footer=fixed("/summarize shows an article in its own words; pick it by title or id."),
        colour=SUMMARY_COLOUR,
    )
    return Reply(None, tuple(assemble([card])))


def ingest_reply(report: IngestReport) -> Reply:
    """What an admin's /ingest did, in the CLI's words."""
    rows = [
        escaped(f"{label}: {title}")
        for label, titles in (
            ("added", report.added),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        )
        for title in titles
    ]
    rows += [escaped(f"failed: {error}") for _, error in report.failed]
    total = fixed(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed; "
        f"{report.passages} passages indexed"
    )
    body = lines([*rows, total], lambda n: f"{ELLIPSIS}and {n} more lines.")
    return Reply(body.fitted(CONTENT_LIMIT))


def text_reply(message: str) -> Reply:
    """A one-line message, such as a core error that may repeat what the user typed."""
    return Reply(escaped(message).fitted(CONTENT_LIMIT))


def question_line(question: str, below: str | None = None) -> str:
    """The question, and newsbot's own line `below` it (kept whole: the question is cut)."""
    tail = f"\n{below}" if below else ""
    return prefixed("**Q:** ", escaped(question)).fitted(CONTENT_LIMIT - size(tail)) + tail


def _conflict_cards(answer: Answer) -> list[Card]:
    """Where the quoted articles disagree, as the first embed; none when they agree."""
    text = conflicts.conflict_text(answer)
    if text is None:
        return []
    return [Card(title=fixed(conflicts.TITLE), description=text, colour=conflicts.COLOUR)]


def _quote_card(quote: Quote, colour: int) -> Card:
    fields = [("Source", _citation_text(quote.citation))]
    if quote.revision:
        fields.append(("Updated", fixed(revision_tag(quote.revision))))
    return Card(
        title=escaped(quote.citation.title),
        url=safe_url(quote.citation.url),
        description=quotation(quote),
        fields=fields,
        colour=colour,
    )


def _not_found_card(answer: Answer) -> Card:
    first, *rest = answer.caveats or ("",)
    body = lines([escaped(first), *(_bullet(c) for c in rest)], _more("caveats"))
    return Card(title=fixed("No answer"), description=body)


def _related_card(quote: Quote) -> Card:
    """A near miss, labelled so nobody reads it as the answer."""
    return Card(
        title=fixed("Closest passage (it does not answer the question)"),
        description=quotation(quote, marked=False),
        fields=[("From", _citation_text(quote.citation, title=True))],
    )


def _bullets(items: Sequence[str], what: str) -> Text:
    return lines([_bullet(item) for item in items], _more(what))


def _bullet(item: str) -> Text:
    return capped(prefixed("• ", escaped(item)), CAVEAT_LIMIT)


def _more(what: str) -> Callable[[int], str]:
    return lambda n: f"{ELLIPSIS}and {n} more {what} not shown."


def _citation_text(citation: Citation, paragraph: bool = True, title: bool = False) -> Text:
    """Outlet, date, paragraph and article id; the link on its own line when there is one."""
    parts = [
        *([citation.title] if title else []),
        *cited_origin(citation),
        *([f"paragraph {citation.paragraph}"] if paragraph else []),
        f"article {citation.article_id}",
    ]
    meta = escaped(" · ".join(parts))
    link = safe_url(citation.url)
    shown_link = link or (escaped(citation.url).full if citation.url else None)
    if not shown_link:
        return meta
    full = f"{meta.full}\n{shown_link}"
    return Text(full, meta.fitted)


def _article_line(article: Article) -> str:
    where = " · ".join(article_origin(article))
    return f"{article.title} — {where} · {article.passage_count} passages"


def assemble(cards: Sequence[Card]) -> list[discord.Embed]:
    """Embeds within every per-field limit and the 6,000-character total of one message."""
    cards = list(cards)[:EMBED_LIMIT]
    texts: list[tuple[Text, int]] = []
    for card in cards:
        if card.title:
            texts.append((card.title, TITLE_LIMIT))
        if card.description:
            texts.append((card.description, DESCRIPTION_LIMIT))
        texts += [(value, FIELD_VALUE_LIMIT) for _, value in card.fields[:FIELD_LIMIT]]
        if card.footer:
            texts.append((card.footer, FOOTER_LIMIT - size(CUT_NOTE) - 1))
    names = sum(size(name) for card in cards for name, _ in card.fields[:FIELD_LIMIT])
    # Room for the cut note, and for "…" standing in for a field value cut to nothing.
    budget = TOTAL_LIMIT - names - size(CUT_NOTE) - 1 - FIELD_LIMIT
    shares = _fair_shares([min(size(t.full), cap) for t, cap in texts], budget)
    fitted = {
        id(text): text.fitted(min(share, cap))
        for (text, cap), share in zip(texts, shares, strict=True)
    }
    was_cut = any(t.was_cut or fitted[id(t)] != t.full for t, _ in texts)
    embeds = [_embed(card, fitted) for card in cards]
    if was_cut and embeds:
        last = embeds[-1]
        footer = last.footer.text
        last.set_footer(text=f"{footer}\n{CUT_NOTE}" if footer else CUT_NOTE)
    return embeds


def _embed(card: Card, fitted: dict[int, str]) -> discord.Embed:
    embed = discord.Embed(colour=card.colour)
    if card.title and fitted[id(card.title)]:
        embed.title = fitted[id(card.title)]
        embed.url = card.url
    if card.description and fitted[id(card.description)]:
        embed.description = fitted[id(card.description)]
    for name, value in card.fields[:FIELD_LIMIT]:
        embed.add_field(name=name, value=fitted[id(value)] or ELLIPSIS, inline=False)
    if card.footer and fitted[id(card.footer)]:
        embed.set_footer(text=fitted[id(card.footer)])
    return embed


def _fair_shares(wanted: list[int], budget: int) -> list[int]:
    """Split `budget` so short texts stay whole and only the longest are cut (max-min fair)."""
    shares = [0] * len(wanted)
    left = max(budget, 0)
    order = sorted(range(len(wanted)), key=wanted.__getitem__)
    for done, i in enumerate(order):
        shares[i] = min(wanted[i], left // (len(order) - done))
        left -= shares[i]
    return shares
