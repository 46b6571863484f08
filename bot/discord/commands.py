"""The slash commands: typed declarations whose bodies defer, call the service, and send its reply.

`NewsCommands` is made with everything the commands use (the service, the rate limiter, the
admin check, the default visibility) and registers them on a tree; nothing here knows the
client. Every command defers first (Discord allows 3 seconds to acknowledge) and runs the core
on a worker thread through `call`, so a slow answer never stalls the gateway. Refusals come
from checks, before anything is deferred, so they can be answered at once and privately.

Each server has a corpus of its own beside the shared one: what is ingested in a server is
answered, listed and summarised there alone (`scope_of`); in a DM, only the shared corpus.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.chat import NotPermitted, RateLimited, RateLimiter
from bot.conversations import Conversations, Where
from bot.core.filters import filters
from bot.discord import embeds
from bot.discord.conversation import feedback_view
from bot.discord.embeds import Reply
from bot.service import NewsService, member_of, newsbot_admin
from index.errors import UserError
from index.models import Contributor, IngestReport, Scope
from index.sources.files import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)
T = TypeVar("T")
Interaction = discord.Interaction[discord.Client]

NO_PINGS = discord.AllowedMentions.none()
NOT_ADMIN = (
    "Sorry, only server managers and newsbot's admins can add articles. "
    "Ask one of them to /ingest it for you."
)
INGEST_ONE_THING = "Give the article's text or link, or attach its file: one of the two."
FAILED = "Sorry, something went wrong while answering. Please try again in a moment."
# Autocomplete must answer within Discord's 3 seconds too; no suggestions beats an error.
AUTOCOMPLETE_SECONDS = 2.0
CHOICE_LIMIT = 25


class Refusal(app_commands.CheckFailure):
    """A check said no. discord.py wants a `CheckFailure`; `reason` is the refusal itself."""

    def __init__(self, reason: RateLimited | NotPermitted):
        super().__init__(str(reason))
        self.reason = reason


async def call(function: Callable[..., T], /, *args: Any) -> T:
    """Run a blocking core call on a worker thread, so the gateway heartbeat never waits."""
    return await asyncio.to_thread(function, *args)


def scope_of(interaction: Interaction) -> Scope:
    """The corpus a command reads and adds to: its server's, or none (shared) in a DM."""
    return server_scope(interaction.guild_id)


def server_scope(guild_id: int | None) -> Scope:
    return None if guild_id is None else f"discord:{guild_id}"


def contributor(interaction: Interaction) -> Contributor:
    """Who adds text with this command: a member of its server, or (in a DM, where only
    configured admins may) one of newsbot's admins."""
    user, scope = f"discord:{interaction.user.id}", scope_of(interaction)
    if scope is None:
        return newsbot_admin(user)
    guild = interaction.guild
    name = guild.name if guild is not None and guild.name else f"server {interaction.guild_id}"
    return member_of(scope, user, name)


async def suggestions(function: Callable[..., list[T]], /, *args: Any) -> list[T]:
    """An autocomplete's choices from a core call, or none when it would miss Discord's
    deadline: no suggestions beats an error."""
    try:
        return await asyncio.wait_for(call(function, *args), AUTOCOMPLETE_SECONDS)
    except TimeoutError:
        return []


async def send(
    interaction: Interaction, reply: Reply, ephemeral: bool, view: discord.ui.View | None = None
) -> discord.Message | None:
    """The reply as the interaction's response, or as its follow-up once it was deferred
    (that message is returned); `view` holds its buttons."""
    message: dict[str, Any] = {
        "content": reply.content,
        "embeds": list(reply.embeds),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_PINGS,
        **({"view": view} if view is not None else {}),
    }
    if interaction.response.is_done():
        return await interaction.followup.send(**message, wait=True)
    await interaction.response.send_message(**message)
    return None


def answer_place(interaction: Interaction, answer: discord.Message) -> Where:
    """The conversation a slash command's answer starts: its thread's, or, in a channel, the
    chain of replies to the answer itself."""
    guild = str(interaction.guild_id) if interaction.guild_id else "dm"
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        return Where("discord", guild, str(channel.parent_id), str(channel.id))
    return Where("discord", guild, str(interaction.channel_id), str(answer.id))


class NewsCommands:
    """/ask, /summarize, /sources and /ingest over one service, with the limits they enforce.

    `is_admin` says who may /ingest; `ephemeral` is who sees a reply when a command's
    `private` option is not given; `conversations` registers answers for their buttons.
    """

    def __init__(
        self,
        service: NewsService,
        limiter: RateLimiter,
        is_admin: Callable[[Interaction], bool],
        ephemeral: bool,
        conversations: Conversations,
    ):
        self.service = service
        self.limiter = limiter
        self.is_admin = is_admin
        self.ephemeral = ephemeral
        self.conversations = conversations

    def register(self, tree: app_commands.CommandTree[Any]) -> None:
        for command in (self._ask(), self._summarize(), self._sources(), self._ingest()):
            tree.add_command(command)

    def private(self, asked: bool | None) -> bool:
        """Whether a reply is ephemeral: the command's `private` option, else the config."""
        return self.ephemeral if asked is None else asked

    def within_rate_limit(self, interaction: Interaction) -> bool:
        try:
            self.limiter.check(str(interaction.user.id))
        except RateLimited as refused:
            raise Refusal(refused) from refused
        return True

    def admin_only(self, interaction: Interaction) -> bool:
        if self.is_admin(interaction):
            return True
        raise Refusal(NotPermitted(NOT_ADMIN))

    def _ask(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(
            description="Ask about the indexed news articles; answers quote them."
        )
        @app_commands.describe(
            question="What you want to know",
            private="Only you see the answer",
            since="Only articles dated on or after this day, e.g. 2017-04-01",
            until="Only articles dated on or before this day, e.g. 2017-04-30",
            source="Only articles from this outlet",
            compare="Show what each outlet says, one quote an article, newest first",
        )
        @app_commands.check(self.within_rate_limit)
        async def ask(
            interaction: Interaction,
            question: str,
            private: bool | None = None,
            since: str | None = None,
            until: str | None = None,
            source: str | None = None,
            compare: bool = False,
        ) -> None:
            limits = filters(since, until, source)  # a bad date is told before any work
            ephemeral = self.private(private)
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            exchange, shown = await call(
                self.conversations.answer_only,
                question,
                "discord",
                scope_of(interaction),
                limits,
                compare,
            )
            reply = embeds.answer_reply(exchange.answer)
            sent = await send(interaction, reply, ephemeral, feedback_view(shown))
            if sent is not None and not ephemeral:
                # A reply to this answer, or a mention in its thread, follows it.
                place = answer_place(interaction, sent)
                await call(self.conversations.remember, place, exchange.turn)

        @ask.autocomplete("source")
        async def outlets(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
            """The outlets of the articles this server can see that contain what was typed."""
            names = await suggestions(
                self.service.outlets_matching, current, CHOICE_LIMIT, scope_of(interaction)
            )
            return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

        return ask

    def _summarize(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Summarise one article in its own words.")
        @app_commands.describe(
            article="Start typing its title, or give its id from /sources",
            sentences="How many sentences (default from the server's config)",
            private="Only you see the summary",
        )
        @app_commands.check(self.within_rate_limit)
        async def summarize(
            interaction: Interaction,
            article: str,
            sentences: app_commands.Range[int, 1, 20] | None = None,
            private: bool | None = None,
        ) -> None:
            ephemeral = self.private(private)
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            summary = await call(self.service.summarize, article, sentences, scope_of(interaction))
            await send(interaction, embeds.summary_reply(summary), ephemeral)

        @summarize.autocomplete("article")
        async def article_titles(
            interaction: Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            """Indexed titles containing what has been typed; the value sent back is the id."""
            articles = await suggestions(
                self.service.titles_matching, current, CHOICE_LIMIT, scope_of(interaction)
            )
            return [
                app_commands.Choice(name=choice_name(a.title, a.id), value=str(a.id))
                for a in articles
            ]

        return summarize

    def _sources(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="List the indexed articles.")
        @app_commands.describe(private="Only you see the list")
        @app_commands.check(self.within_rate_limit)
        async def sources(interaction: Interaction, private: bool | None = None) -> None:
            ephemeral = self.private(private)
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            articles = await call(self.service.sources, scope_of(interaction))
            await send(interaction, embeds.sources_reply(articles), ephemeral)

        return sources

    def _ingest(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Admins: index an article so newsbot can answer from it.")
        @app_commands.describe(
            content="The article's text, or a link to it; its first line is the title unless "
            "you give one",
            file="Or attach the article as a .txt, .md or .html file",
            title="The article's title",
        )
        @app_commands.check(self.admin_only)
        async def ingest(
            interaction: Interaction,
            content: app_commands.Range[str, 1, 6000] | None = None,
            file: discord.Attachment | None = None,
            title: app_commands.Range[str, 1, 200] | None = None,
        ) -> None:
            service, who = self.service, contributor(interaction)
            if (content is None) == (file is None):
                raise UserError(INGEST_ONE_THING)
            if file is not None:
                check_upload(file, service.config.web.max_bytes)
            await interaction.response.defer(ephemeral=True, thinking=True)
            if file is not None:
                report = await self._ingest_attachment(file, who, title)
            elif title:
                report = await call(service.ingest_text, content, who, title)
            else:
                report = await call(service.ingest, content, who)
            await send(interaction, embeds.ingest_reply(report), ephemeral=True)

        return ingest

    async def _ingest_attachment(
        self, file: discord.Attachment, who: Contributor, title: str | None
    ) -> IngestReport:
        try:
            data = await file.read()
        except discord.HTTPException as error:
            report = IngestReport()
            why = f"{file.filename}: could not be downloaded from Discord (HTTP {error.status})"
            report.failed.append((file.filename, why))
            return report
        return await call(self.service.ingest_upload, file.filename, data, who, title)


def choice_name(title: str, article_id: int) -> str:
    """A title as an autocomplete choice: one line of 1 to 100 characters."""
    name = " ".join(title.split()) or f"Article {article_id}"
    return name if len(name) <= 100 else name[:99].rstrip() + embeds.ELLIPSIS


def check_upload(file: discord.Attachment, limit: int) -> None:
    """Refuse a file newsbot cannot read before downloading it."""
    if PurePath(file.filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UserError(f"Sorry, I can read .txt, .md and .html files, not {file.filename}.")
    if file.size > limit:
        raise UserError(f"Sorry, {file.filename} is larger than the {limit:,} bytes I accept.")


class NewsTree(app_commands.CommandTree[discord.Client]):
    """The command tree: what the asker can fix is told to them, anything else is logged and
    answered with a fixed apology."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        original = error.reason if isinstance(error, Refusal) else getattr(error, "original", error)
        if isinstance(original, UserError):
            message = str(original)
        else:
            name = interaction.command.name if interaction.command else "?"
            log.error("/%s failed", name, exc_info=error)
            message = FAILED
        try:
            await send(interaction, embeds.text_reply(message), ephemeral=True)
        except discord.HTTPException:
            log.exception("could not send the error message to the user")
