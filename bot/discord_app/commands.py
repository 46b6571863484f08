"""The slash commands: typed declarations whose bodies defer, call the core, and send its reply.

Every command defers first (Discord allows 3 seconds to acknowledge) and runs the core on a
worker thread through `client.call`, so a slow answer never stalls the gateway. Refusals come
from checks, before anything is deferred, so they can be answered at once and privately.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.answer import QuestionError
from bot.discord_app import embeds
from bot.discord_app.embeds import Reply
from bot.ratelimit import rate_limited_message
from index.models import IngestReport
from index.sources.files import SUPPORTED_SUFFIXES
from index.titles import ArticleLookupError

if TYPE_CHECKING:
    from bot.discord_app.client import NewsbotClient

    Interaction = discord.Interaction[NewsbotClient]
else:
    Interaction = discord.Interaction

log = logging.getLogger(__name__)

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
# Errors whose message is meant for the user (and may repeat what they typed).
USER_ERRORS = (QuestionError, ArticleLookupError)


class Refusal(app_commands.CheckFailure):
    """A check said no; the message is what the user is told."""


def within_rate_limit(interaction: Interaction) -> bool:
    wait = interaction.client.limiter.retry_after(str(interaction.user.id))
    if wait:
        raise Refusal(rate_limited_message(wait))
    return True


def admin_only(interaction: Interaction) -> bool:
    if interaction.client.is_admin(interaction):
        return True
    raise Refusal(NOT_ADMIN)


async def send(interaction: Interaction, reply: Reply, ephemeral: bool) -> None:
    """The reply as the interaction's response, or as its follow-up once it was deferred."""
    message: dict[str, Any] = {
        "content": reply.content,
        "embeds": list(reply.embeds),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_PINGS,
    }
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


@app_commands.command(description="Ask about the indexed news articles; answers quote them.")
@app_commands.describe(question="What you want to know", private="Only you see the answer")
@app_commands.check(within_rate_limit)
async def ask(interaction: Interaction, question: str, private: bool | None = None) -> None:
    ephemeral = interaction.client.private(private)
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    answer = await interaction.client.call(interaction.client.service.ask, question)
    await send(interaction, embeds.answer_reply(answer), ephemeral)


@app_commands.command(description="Summarise one article in its own words.")
@app_commands.describe(
    article="Start typing its title, or give its id from /sources",
    sentences="How many sentences (default from the server's config)",
    private="Only you see the summary",
)
@app_commands.check(within_rate_limit)
async def summarize(
    interaction: Interaction,
    article: str,
    sentences: app_commands.Range[int, 1, 20] | None = None,
    private: bool | None = None,
) -> None:
    ephemeral = interaction.client.private(private)
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    service = interaction.client.service
    summary = await interaction.client.call(service.summarize, article, sentences)
    await send(interaction, embeds.summary_reply(summary), ephemeral)


@summarize.autocomplete("article")
async def article_titles(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Indexed titles containing what has been typed; the value sent back is the article id."""
    service = interaction.client.service
    try:
        articles = await asyncio.wait_for(
            interaction.client.call(service.titles_matching, current, CHOICE_LIMIT),
            AUTOCOMPLETE_SECONDS,
        )
    except TimeoutError:
        return []
    return [app_commands.Choice(name=choice_name(a.title, a.id), value=str(a.id)) for a in articles]


def choice_name(title: str, article_id: int) -> str:
    """A title as an autocomplete choice: one line of 1 to 100 characters."""
    name = " ".join(title.split()) or f"Article {article_id}"
    return name if len(name) <= 100 else name[:99].rstrip() + embeds.ELLIPSIS


@app_commands.command(description="List the indexed articles.")
@app_commands.describe(private="Only you see the list")
@app_commands.check(within_rate_limit)
async def sources(interaction: Interaction, private: bool | None = None) -> None:
    ephemeral = interaction.client.private(private)
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    articles = await interaction.client.call(interaction.client.service.sources)
    await send(interaction, embeds.sources_reply(articles), ephemeral)


@app_commands.command(description="Admins: index an article so newsbot can answer from it.")
@app_commands.describe(
    content="The article's text, or a link to it; its first line is the title unless you give one",
    file="Or attach the article as a .txt, .md or .html file",
    title="The article's title",
)
@app_commands.check(admin_only)
async def ingest(
    interaction: Interaction,
    content: app_commands.Range[str, 1, 6000] | None = None,
    file: discord.Attachment | None = None,
    title: app_commands.Range[str, 1, 200] | None = None,
) -> None:
    service, who = interaction.client.service, f"discord:{interaction.user.id}"
    if (content is None) == (file is None):
        raise Refusal(INGEST_ONE_THING)
    if file is not None:
        check_upload(file, service.config.web.max_bytes)
    await interaction.response.defer(ephemeral=True, thinking=True)
    if file is not None:
        report = await ingest_attachment(interaction, file, title)
    elif title:
        report = await interaction.client.call(service.ingest_text, content, title, None, who)
    else:
        report = await interaction.client.call(service.ingest, content, who)
    await send(interaction, embeds.ingest_reply(report), ephemeral=True)


async def ingest_attachment(
    interaction: Interaction, file: discord.Attachment, title: str | None
) -> IngestReport:
    try:
        data = await file.read()
    except discord.HTTPException as error:
        report = IngestReport()
        why = f"{file.filename}: could not be downloaded from Discord (HTTP {error.status})"
        report.failed.append((file.filename, why))
        return report
    service = interaction.client.service
    return await interaction.client.call(service.ingest_upload, file.filename, data, title)


def check_upload(file: discord.Attachment, limit: int) -> None:
    """Refuse a file newsbot cannot read before downloading it."""
    if PurePath(file.filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise Refusal(f"Sorry, I can read .txt, .md and .html files, not {file.filename}.")
    if file.size > limit:
        raise Refusal(f"Sorry, {file.filename} is larger than the {limit:,} bytes I accept.")


COMMANDS = (ask, summarize, sources, ingest)


class NewsTree(app_commands.CommandTree["NewsbotClient"]):
    """The command tree, answering refusals and user errors in words instead of a failure."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, (Refusal, *USER_ERRORS)):
            message = str(original)
        else:
            name = interaction.command.name if interaction.command else "?"
            log.error("/%s failed", name, exc_info=error)
            message = FAILED
        try:
            await send(interaction, embeds.text_reply(message), ephemeral=True)
        except discord.HTTPException:
            log.exception("could not send the error message to the user")
