"""Text across the Slack boundary: article words made inert in mrkdwn, Slack's markup made plain.

Slack parses `&`, `<` and `>` as control characters (`<!channel>` pings a channel) and `*`, `_`,
`~`, backquote and `:name:` as formatting. Quotes must show exactly what the article prints, so
control characters become entities and formatting characters become a date token whose
fallback Slack always shows as plain text (the trick jsx-slack's `<Escape>` uses), which looks
like the character itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.models import Highlight

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A formatting character touching a non-space character can open or close formatting; a colon
# can start an emoji code. A `>` starting a line would start a block quote.
_SPECIAL = re.compile(
    r"(?P<quote>^>)|(?P<entity>[&<>])"
    r"|(?P<mark>(?<=\S)[*_~`]|[*_~`](?=\S)|:(?=[\w+-]+:))",
    re.MULTILINE,
)
_SOFT_HYPHEN = "\u00ad"
_ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    """Only the three control characters, for text that may carry our own formatting."""
    return "".join(_ENTITIES.get(c, c) for c in text)


def literal(text: str) -> str:
    """`text` as it reads: no mention, link, formatting or emoji can come out of it."""
    return _SPECIAL.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    if match["quote"]:
        return _SOFT_HYPHEN + "&gt;"
    if match["entity"]:
        return _ENTITIES[match["entity"]]
    # An invalid date format makes every Slack client show the fallback after the bar.
    return f"<!date^00000000^{{_}}|{match['mark']}>"


def bold(text: str) -> str:
    """Zero-width spaces let the asterisks work even inside a word ("150,000-strong")."""
    return f"{_ZERO_WIDTH_SPACE}*{text}*{_ZERO_WIDTH_SPACE}" if text.strip() else text


def quoted(text: str, highlight: Highlight | None = None) -> str:
    """A verbatim sentence as a mrkdwn block quote, its answering span in bold."""
    if highlight is not None:
        start, end = _trimmed(text, highlight.start, highlight.end)
        body = literal(text[:start]) + bold(literal(text[start:end])) + literal(text[end:])
    else:
        body = literal(text)
    return "\n".join("> " + line for line in body.split("\n"))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces (Slack ignores `* bold*`), kept inside `text`."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def link(url: str, label: str) -> str:
    """A link with a fixed label; URLs that are not http(s) are shown, not linked."""
    if not re.match(r"https?://", url):
        return literal(url)
    return f"<{escape(url).replace('|', '%7C')}|{literal(label)}>"


def clip(text: str, limit: int, render: Callable[[str], str] = literal) -> tuple[str, bool]:
    """The longest start of `text` whose rendering, ending in "…", fits `limit` characters.

    Returns the rendering and whether anything was cut. Cuts fall between words when a space
    is near the end, so a truncated quote never ends mid-word.
    """
    whole = render(text)
    if len(whole) <= limit:
        return whole, False
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(render(text[:middle].rstrip() + "…")) <= limit:
            low = middle
        else:
            high = middle - 1
    prefix = text[:low]
    space = prefix.rfind(" ")
    if space > 0.8 * low:
        prefix = prefix[:space]
    return render(prefix.rstrip() + "…"), True


# Slack's own markup in what users type: links, mentions, channel and special mentions.
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def from_slack(text: str) -> str:
    """What a user typed, from Slack's markup: `<https://a|a>` is the URL, `<@U1|ann>` @ann."""

    def plain(match: re.Match[str]) -> str:
        target, label = match[1], match[2]
        if target.startswith(("http://", "https://")):
            return target
        if target[:1] in "@#!":
            name = label or target[1:].split("^")[0]
            return name if name[:1] in "@#" else target[0].replace("!", "@") + name
        return label or target

    unlinked = _SLACK_LINK.sub(plain, text)
    return unlinked.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
