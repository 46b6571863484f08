"""The discord.py client: one `NewsService`, a command tree, @mention replies, clean shutdown.

`build_client` picks `discord.Client` or, with `sharded = true`, `discord.AutoShardedClient`;
both get the same behaviour from `NewsbotClient`. The client owns the rate limiter and the
admin check and hands them to the commands; nothing here formats text (that is `embeds`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from typing import Any

import discord

from bot.chat import RateLimiter
from bot.discord import embeds
from bot.discord.channel_commands import ChannelCommands
from bot.discord.commands import FAILED, NO_PINGS, NewsCommands, NewsTree, call, server_scope
from bot.discord.settings import DiscordSettings
from bot.service import NewsService
from index.errors import UserError
from index.models import Scope

log = logging.getLogger(__name__)

# discord.py runs each slash command, and each event handler, in a task with these names.
_HANDLER_TASKS = ("CommandTree-invoker", "discord.py: on_message")
# How long shutting down waits for replies already being worked on.
DRAIN_SECONDS = 10.0
MENTION_USAGE = "Ask me about the indexed news articles, e.g. “@newsbot how many troops were sent?”"


class NewsbotClient(discord.Client):
    """What every newsbot client holds and does, sharded or not."""

    tree: NewsTree

    def __init__(self, service: NewsService, settings: DiscordSettings, **options: Any):
        intents = discord.Intents.none()
        intents.guilds = True
        # Message events only for @mentions. Discord sends a message's text to a bot it
        # mentions without the privileged Message Content intent.
        intents.guild_messages = settings.mentions
        # newsbot has no voice; skip discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents, allowed_mentions=NO_PINGS, **options)
        self.service = service
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_window_seconds)
        self.tree = NewsTree(self)
        commands = NewsCommands(service, self.limiter, self.is_admin, settings.ephemeral)
        commands.register(self.tree)
        ChannelCommands(service, self.is_admin).register(self.tree)

    def is_admin(self, interaction: discord.Interaction[Any]) -> bool:
        """A configured admin, or a member with Manage Server (or Administrator) in the server
        the command was given in: what they add is answered in that server alone. Outside a
        server (a DM) there is no one to manage it, so only configured admins."""
        if interaction.user.id in self.settings.admins:
            return True
        member, guild_id = interaction.user, interaction.guild_id
        in_this_guild = isinstance(member, discord.Member) and member.guild.id == guild_id
        if guild_id is None or not in_this_guild:
            return False
        # The member's permissions as Discord resolved them in this server's channel.
        permissions = interaction.permissions
        return permissions.manage_guild or permissions.administrator

    async def setup_hook(self) -> None:
        """Register the slash commands where the settings say, before the gateway connects."""
        if self.settings.sync == "guild" and self.settings.guild_id is not None:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("registered %d commands in server %s", len(synced), guild.id)
        elif self.settings.sync == "global":
            synced = await self.tree.sync()
            log.info("registered %d commands globally", len(synced))

    async def close(self) -> None:
        """Let replies already in progress reach their askers (up to 10 s), then disconnect."""
        if not self.is_closed():
            current = asyncio.current_task()
            busy = [
                task
                for task in asyncio.all_tasks()
                if task is not current and task.get_name() in _HANDLER_TASKS and not task.done()
            ]
            if busy:
                log.info("finishing %d replies before disconnecting", len(busy))
                await asyncio.wait(busy, timeout=DRAIN_SECONDS)
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s, in %d servers", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        """`@newsbot <question>` gets an answer as a reply to that message."""
        question = self.mentioned_question(message)
        if question is None:
            return
        scope = server_scope(message.guild.id if message.guild else None)
        reply = await self._answer_mention(str(message.author.id), question, scope)
        await message.reply(
            content=reply.content,
            embeds=list(reply.embeds),
            allowed_mentions=NO_PINGS,
            mention_author=False,
        )

    def mentioned_question(self, message: discord.Message) -> str | None:
        """The question after an explicit @mention of the bot; None for any other message.

        The mention must be in the text: replying to the bot also lists it in `mentions`,
        and a "thanks!" in reply is not a question.
        """
        if not self.settings.mentions or message.author.bot or self.user is None:
            return None
        pattern = re.compile(rf"<@!?{self.user.id}>")
        if not pattern.search(message.content):
            return None
        return " ".join(pattern.sub(" ", message.content).split())

    async def _answer_mention(self, user: str, question: str, scope: Scope) -> embeds.Reply:
        if not question:
            return embeds.Reply(MENTION_USAGE)
        try:
            self.limiter.check(user)
            answer = await call(self.service.ask, question, scope)
        except UserError as error:
            return embeds.text_reply(str(error))
        except Exception:
            log.exception("an @mention failed")
            return embeds.text_reply(FAILED)
        return embeds.answer_reply(answer, show_question=False)


class NewsClient(NewsbotClient):
    """One gateway connection: enough below about 2,000 servers."""


class ShardedNewsClient(NewsbotClient, discord.AutoShardedClient):
    """As many gateway connections (shards) as Discord recommends."""


def build_client(service: NewsService, settings: DiscordSettings, **options: Any) -> NewsbotClient:
    """The client the settings ask for; `options` go to discord.py (tests pass timeouts)."""
    if not (settings.sharded or settings.shard_count):
        return NewsClient(service, settings, **options)
    if settings.shard_count:
        options = {"shard_count": settings.shard_count, **options}
    if settings.shard_ids:
        options = {"shard_ids": list(settings.shard_ids), **options}
    return ShardedNewsClient(service, settings, **options)


async def serve(client: discord.Client, token: str) -> None:
    """Run until Discord disconnects for good or SIGINT/SIGTERM arrives, then log out cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available on Windows or off the main thread; Ctrl+C still ends the run there.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    async with client:
        running = asyncio.create_task(client.start(token))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not running.done():
            log.info("stopping: closing the Discord connection")
            await client.close()
        await running
