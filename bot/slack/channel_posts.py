"""Feed posts, alerts, digests and notices as Block Kit, and the `Poster` that sends them.

Posts go out with `chat.postMessage` on the bot's token, unfurling nothing, and every word
that comes from an article passes through `literal`, so no post can mention anyone. The Web
client retries a 429 after Slack's Retry-After; the courier paces posts per channel.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.channels.digests import reported_by
from bot.channels.models import ArticlePost, DigestPost, Place, Platform, Post
from bot.channels.posts import also_reported_line
from bot.core.caveats import origin
from bot.core.models import Quote
from bot.slack.blocks import SECTION_CHARS, Message, notice
from bot.slack.mrkdwn import clip, escape, link, literal, quoted

Block = dict[str, Any]
CONTEXT_ELEMENTS = 10
# How often the Web client waits out a 429 before a post is given up (and retried next round).
RATE_LIMIT_RETRIES = 5


def post_message(post: Post) -> Message:
    if isinstance(post, ArticlePost):
        return article_message(post)
    if isinstance(post, DigestPost):
        return digest_message(post)
    return notice(post.text)


def article_message(post: ArticlePost) -> Message:
    title = literal(post.title)
    head = f"*{link(post.url, post.title)}*" if post.url else f"*{title}*"
    where = " · ".join(literal(p) for p in origin(post.outlet, post.published, None))
    blocks = [_section(_clipped(head)), *_context([where])]
    if post.matched is not None:
        blocks.append(_section(_clipped(f"*Alert:* “{literal(post.alert or '')}” matches:")))
        blocks.append(_section(_quote(post.matched)))
    blocks += [_section(_quote(q)) for q in post.quotes]
    notes = [f"• {_clipped(literal(c), SECTION_CHARS - 2)}" for c in post.caveats]
    if post.also_reported:
        notes.append(_clipped(literal(also_reported_line(post.also_reported))))
    blocks += _context(notes)
    fallback = f"{post.title} — {post.outlet or 'outlet unknown'}"
    return {"text": _fallback(fallback), "blocks": blocks}


def digest_message(post: DigestPost) -> Message:
    blocks = [_section(_clipped(f"*{literal(post.heading)}*"))]
    for number, story in enumerate(post.stories, 1):
        title = link(story.url, story.title) if story.url else literal(story.title)
        line = f"*{number}.* {title} · {literal(reported_by(story))}"
        if story.outlets and story.reports > 1:
            line += f" ({literal(', '.join(story.outlets))})"
        blocks.append(_section(_clipped(line)))
        if story.sentence is not None:
            blocks.append(_section(_quote(story.sentence)))
    blocks += _context([_clipped(literal(post.caveat))])
    return {"text": _fallback(post.heading), "blocks": blocks}


def _quote(quote: Quote) -> str:
    return clip(quote.text, SECTION_CHARS, quoted)[0]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _context(texts: list[str]) -> list[Block]:
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
    """Already rendered mrkdwn, cut to fit (only ever a long title or caveat)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fallback(text: str) -> str:
    return clip(text, 3000, escape)[0]


class SlackPoster:
    """Posts in Slack channels and DMs with the bot's Web client."""

    platform: Platform = "slack"

    def __init__(self, client: WebClient):
        self.client = client
        if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
            client.retry_handlers.append(RateLimitErrorRetryHandler(RATE_LIMIT_RETRIES))

    def post(self, place: Place, post: Post) -> str:
        return self._send(place.channel, post_message(post))

    def direct(self, place: Place, user: str, post: Post) -> str:
        # A user id as the channel posts in the app's DM with that person.
        return self._send(user, post_message(post))

    def edit(self, place: Place, message: str, post: Post) -> None:
        shown = post_message(post)
        self.client.chat_update(
            channel=place.channel, ts=message, text=shown["text"], blocks=shown["blocks"]
        )

    def _send(self, channel: str, message: Message) -> str:
        sent = self.client.chat_postMessage(
            channel=channel,
            text=message["text"],
            blocks=message["blocks"],
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(sent["ts"])
