"""Feed posts, alerts, digests and notices as Discord embeds, and the `Poster` that sends them.

The courier runs on its own thread; each post is handed to the client's event loop and waited
for. discord.py keeps Discord's rate limit buckets and waits out a 429 itself; the courier
paces posts per channel. Every message is sent with no mentions allowed, and article words are
escaped, so no post pings anyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import discord

from bot.channels.digests import reported_by
from bot.channels.models import ArticlePost, DigestPost, Place, Platform, Post
from bot.channels.posts import also_reported_line
from bot.core.caveats import origin
from bot.discord.commands import NO_PINGS
from bot.discord.embeds import (
    SUMMARY_COLOUR,
    Card,
    Reply,
    assemble,
    text_reply,
)
from bot.discord.markup import ELLIPSIS, escaped, fixed, lines, prefixed, quotation, safe_url
from index.errors import NewsbotError

T = TypeVar("T")
# How long one post may take, rate limit waits included, before the round gives up on it.
POST_SECONDS = 120.0


class NotConnected(NewsbotError):
    """The client is not connected to Discord (yet): posts wait for the next round."""


def post_reply(post: Post) -> Reply:
    if isinstance(post, ArticlePost):
        return article_reply(post)
    if isinstance(post, DigestPost):
        return digest_reply(post)
    return text_reply(post.text)


def article_reply(post: ArticlePost) -> Reply:
    sentences = [prefixed("• ", quotation(q, marked=False)) for q in post.quotes]
    source = escaped(" · ".join(origin(post.outlet, post.published, None)))
    fields = [("Source", source)]
    if post.also_reported:
        fields.append(("Also reported", escaped(also_reported_line(post.also_reported))))
    cards = []
    if post.matched is not None:
        cards.append(
            Card(
                title=prefixed("Alert: ", escaped(f"“{post.alert}” matches")),
                description=quotation(post.matched, marked=False),
                colour=SUMMARY_COLOUR,
            )
        )
    cards.append(
        Card(
            title=escaped(post.title),
            url=safe_url(post.url),
            description=lines(sentences, lambda n: f"{ELLIPSIS}and {n} more sentences."),
            fields=fields,
            colour=SUMMARY_COLOUR,
        )
    )
    cards.append(
        Card(
            title=fixed("Caveats"),
            description=lines(
                [prefixed("• ", escaped(c)) for c in post.caveats],
                lambda n: f"{ELLIPSIS}and {n} more caveats.",
            ),
            colour=SUMMARY_COLOUR,
        )
    )
    return Reply(None, tuple(assemble(cards)))


def digest_reply(post: DigestPost) -> Reply:
    rows = []
    for number, story in enumerate(post.stories, 1):
        outlets = f" ({', '.join(story.outlets)})" if story.outlets and story.reports > 1 else ""
        head = escaped(f"{story.title} · {reported_by(story)}{outlets}")
        link = safe_url(story.url)
        row = prefixed(f"**{number}.** ", head)
        rows.append(row)
        if link:
            rows.append(fixed(link))
        if story.sentence is not None:
            rows.append(prefixed("> ", quotation(story.sentence, marked=False)))
    card = Card(
        title=escaped(post.heading),
        description=lines(rows, lambda n: f"{ELLIPSIS}and {n} more lines."),
        footer=fixed(post.caveat),
        colour=SUMMARY_COLOUR,
    )
    return Reply(None, tuple(assemble([card])))


class DiscordPoster:
    """Posts in Discord channels and DMs through a running client."""

    platform: Platform = "discord"

    def __init__(self, client: discord.Client, timeout: float = POST_SECONDS):
        self.client = client
        self.timeout = timeout

    def post(self, place: Place, post: Post) -> str:
        channel = self.client.get_partial_messageable(int(place.channel))
        return self._run(self._send(channel, post_reply(post)))

    def direct(self, place: Place, user: str, post: Post) -> str:
        async def send() -> str:
            channel = await self.client.create_dm(discord.Object(int(user)))
            return await self._send(channel, post_reply(post))

        return self._run(send())

    def edit(self, place: Place, message: str, post: Post) -> None:
        channel = self.client.get_partial_messageable(int(place.channel))
        shown = post_reply(post)

        async def edit() -> None:
            await channel.get_partial_message(int(message)).edit(
                content=shown.content, embeds=list(shown.embeds), allowed_mentions=NO_PINGS
            )

        self._run(edit())

    async def _send(self, channel: discord.abc.Messageable, reply: Reply) -> str:
        sent = await channel.send(
            content=reply.content, embeds=list(reply.embeds), allowed_mentions=NO_PINGS
        )
        return str(sent.id)

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        if not self.client.is_ready():
            work.close()
            raise NotConnected("not connected to Discord yet; posting waits for the next round")
        return asyncio.run_coroutine_threadsafe(work, self.client.loop).result(self.timeout)
