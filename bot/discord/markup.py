"""Article and user text made safe for Discord markdown, and cut cleanly to a length budget.

Everything an article says is shown literally: its `**` stays two asterisks, its `@everyone`
pings nobody, its `[text](url)` is not a link. Cuts fall between words, end in "…", and never
split an escape or leave a bold marker open, because the raw text is cut before it is marked up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from discord.utils import escape_mentions

from bot.core.models import Quote

ELLIPSIS = "…"
# Characters Discord markdown gives a meaning to anywhere in a line. A backslash before any
# punctuation shows that character as it is.
_SPECIAL = re.compile(r"([\\*_~|`<>\[\]])")
# Block syntax that only counts at the start of a line: lists, headings, `-#` subtext.
_LINE_START = re.compile(r"^(\s*)(\d+\.|[-#+])", re.MULTILINE)
# Links are left alone so they stay clickable. This is the span Discord itself autolinks, and
# it parses no markdown inside it, so the link's characters cannot format anything.
_URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
_SAFE_URL = re.compile(r"https?://[^\s<>\[\]()`\"]+")
# How far back a cut may move to fall between words.
_WORD_SLACK = 40


def size(text: str) -> int:
    """Discord counts UTF-16 code units; counting them keeps emoji-heavy text in its limits."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str, line_start: bool = True) -> str:
    """`text` as Discord should show it: literally, without pinging anyone.

    `line_start=False` for text that continues a line, where block syntax means nothing.
    """
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts += [_escape_plain(text[last : match.start()], line_start), match.group()]
        last, line_start = match.end(), False
    parts.append(_escape_plain(text[last:], line_start))
    return escape_mentions("".join(parts))


def _escape_plain(text: str, line_start: bool) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    if not line_start:
        # Only the first line continues one; later lines still start their own.
        first, newline, rest = text.partition("\n")
        return first + newline + (_LINE_START.sub(_block, rest) if newline else "")
    return _LINE_START.sub(_block, text)


def _block(match: re.Match[str]) -> str:
    indent, token = match[1], match[2]
    return indent + (token[:-1] + "\\." if token.endswith(".") else "\\" + token)


def safe_url(url: str | None) -> str | None:
    """The URL when Discord will accept it as a link and it cannot break the markup around it."""
    if url and size(url) <= 2000 and _SAFE_URL.fullmatch(url):
        return url
    return None


def one_line(text: str) -> str:
    """Line breaks as spaces (same length, so highlight offsets still hold)."""
    return text.replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True)
class Text:
    """Rendered text that can be shown shorter: `shorten(budget)` fits `budget` UTF-16 units.

    `was_cut` says `full` itself is already a shortened form (so the reply should say so).
    """

    full: str
    shorten: Callable[[int], str]
    was_cut: bool = False

    def fitted(self, budget: int) -> str:
        return self.full if size(self.full) <= budget else self.shorten(budget)


def cut(raw: str, render: Callable[[int], str], budget: int) -> str:
    """The longest rendering of a prefix of `raw` that fits, cut between words when possible.

    `render(n)` marks up the first `n` characters (with an ellipsis when `n < len(raw)`); its
    length grows with `n`, so a binary search finds the longest prefix that fits.
    """
    if size(render(len(raw))) <= budget:
        return render(len(raw))
    low, high = 0, len(raw) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if size(render(middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    space = raw.rfind(" ", 0, low + 1)
    if space > 0 and low - space <= _WORD_SLACK:
        low = space
    text = render(len(raw[:low].rstrip()))
    return text if size(text) <= budget else ""


def escaped(raw: str) -> Text:
    """Article or user text, escaped, one line."""
    raw = one_line(raw)

    def render(n: int) -> str:
        if n < len(raw):
            return escape(raw[:n].rstrip()) + ELLIPSIS
        return escape(raw)

    return Text(render(len(raw)), lambda budget: cut(raw, render, budget))


def fixed(text: str) -> Text:
    """newsbot's own UI text (plain, no markup), hard-cut only if a budget is absurdly small."""
    return Text(text, lambda budget: text[: max(budget - 1, 0)] + ELLIPSIS if budget > 0 else "")


def quotation(quote: Quote, marked: bool = True) -> Text:
    """A verbatim sentence in curly quotes: answer span in bold, the article's hedges underlined."""
    raw = one_line(quote.text)
    marks = _marks(quote, len(raw)) if marked else []

    def render(n: int) -> str:
        body = _marked(raw, n, marks)
        return f"“{body}{ELLIPSIS if n < len(raw) else ''}”"

    return Text(render(len(raw)), lambda budget: cut(raw, render, budget))


def prefixed(prefix: str, text: Text) -> Text:
    """`text` after fixed UI text such as a bullet."""
    return Text(
        prefix + text.full,
        lambda budget: prefix + text.shorten(budget - size(prefix)),
        text.was_cut,
    )


def lines(rows: Sequence[Text], more: Callable[[int], str]) -> Text:
    """Rows on their own lines: whole rows while they fit, then one cut row and `more(left out)`."""
    full = "\n".join(row.full for row in rows)

    def shorten(budget: int) -> str:
        shown: list[str] = []
        for i, row in enumerate(rows):
            note = [more(len(rows) - i - 1)] if i < len(rows) - 1 else []
            if size("\n".join([*shown, row.full, *note])) <= budget:
                shown.append(row.full)
                continue
            room = budget - size("\n".join([*shown, "", *note]))
            part = row.shorten(room) if room > 0 else ""
            if part:
                return "\n".join([*shown, part, *note])
            text = "\n".join([*shown, more(len(rows) - i)])
            return text if size(text) <= budget else ""
        return "\n".join(shown)

    return Text(full, shorten, any(row.was_cut for row in rows))


def capped(text: Text, budget: int) -> Text:
    """`text` never longer than `budget`, however much room the rest of the message leaves."""
    shown = text.fitted(budget)
    return Text(shown, text.shorten, text.was_cut or shown != text.full)


def _marks(quote: Quote, length: int) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, marker) spans: the highlight wins over a hedge it overlaps."""
    wanted = []
    if quote.highlight is not None:
        wanted.append((quote.highlight.start, quote.highlight.end, "**"))
    wanted += [(cue.start, cue.end, "__") for cue in quote.hedges]
    chosen: list[tuple[int, int, str]] = []
    for start, end, marker in wanted:
        valid = 0 <= start < end <= length
        if valid and all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, marker))
    return sorted(chosen)


def _marked(raw: str, n: int, marks: list[tuple[int, int, str]]) -> str:
    """The first `n` characters, escaped, with each mark around its (clipped) span."""
    out, position = [], 0
    shown = raw[:n].rstrip() if n < len(raw) else raw
    for start, end, marker in marks:
        end = min(end, len(shown))
        # Discord ignores `** x**`: keep whitespace outside the markers.
        while start < end and shown[start].isspace():
            start += 1
        while end > start and shown[end - 1].isspace():
            end -= 1
        if start >= end or start < position:
            continue
        out += [
            escape(shown[position:start], line_start=False),
            marker,
            escape(shown[start:end], line_start=False),
            marker,
        ]
        position = end
    out.append(escape(shown[position:], line_start=False))
    return "".join(out)
