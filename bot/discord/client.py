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
from bot.conversations import Conversations, Where
from bot.core.followups import is_question
from bot.discord import embeds
from bot.discord.channel_commands import ChannelCommands
from bot.discord.commands import FAILED, NO_PINGS, NewsCommands, NewsTree, call, server_scope
from bot.discord.conversation import FeedbackButton, feedback_view, with_read_as
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
        self.conversations = Conversations(service)
        self.feedback = self.conversations.feedback  # where FeedbackButton records a click
        self.add_dynamic_items(FeedbackButton)
        self.tree = NewsTree(self)
        commands = NewsCommands(
            service, self.limiter, self.is_admin, settings.ephemeral, self.conversations
        )
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
        """`@newsbot <question>`, or a reply to newsbot, gets an answer as a reply to that
        message, read with the conversation it continues."""
        question = self.mentioned_question(message)
        if question is None or not self.listens_in(message.channel):
            return
        scope = server_scope(message.guild.id if message.guild else None)
        follows, answered = conversation_places(message, self.user.id if self.user else None)
        reply, view = await self._answer_mention(
            str(message.author.id), question, follows, answered, scope
        )
        await message.reply(
            content=reply.content,
            embeds=list(reply.embeds),
            allowed_mentions=NO_PINGS,
            mention_author=False,
            view=view,
        )

    def mentioned_question(self, message: discord.Message) -> str | None:
        """The question after an explicit @mention of the bot, or in a reply to one of its
        answers; None for any other message.

        Replying to the bot also lists it in `mentions`, so "thanks!" in reply to someone
        else's message that mentioned the bot is no question; a reply to newsbot's own answer
        that asks something is a follow-up ("and Russia?"), and a "thanks!" to it is not.
        """
        if not self.settings.mentions or message.author.bot or self.user is None:
            return None
        pattern = re.compile(rf"<@!?{self.user.id}>")
        if pattern.search(message.content):
            return " ".join(pattern.sub(" ", message.content).split())
        replied = message.reference.resolved if message.reference else None
        if isinstance(replied, discord.Message) and replied.author.id == self.user.id:
            asked = " ".join(message.content.split())  # empty: Discord sent no text
            return asked if is_question(asked) else None
        return None

    def listens_in(self, channel: Any) -> bool:
        """Whether `[discord] channels` lets newsbot answer here (a thread: its channel's)."""
        wanted = self.settings.channels
        parent = getattr(channel, "parent_id", None)
        return not wanted or channel.id in wanted or parent in wanted

    async def _answer_mention(
        self, user: str, question: str, follows: Where, answered: Where, scope: Scope
    ) -> tuple[embeds.Reply, discord.ui.View | None]:
        if not question:
            return embeds.Reply(MENTION_USAGE), None
        try:
            self.limiter.check(user)
            exchange, shown = await call(self.conversations.ask, question, follows, scope)
            # Kept before the reply is sent: a reply to it may arrive at once.
            await call(self.conversations.remember, answered, exchange.turn)
        except UserError as error:
            return embeds.text_reply(str(error)), None
        except Exception:
            log.exception("an @mention failed")
            return embeds.text_reply(FAILED), None
        reply = embeds.answer_reply(exchange.answer, show_question=False)
        return with_read_as(reply, exchange.read_as), feedback_view(shown)


def conversation_places(message: discord.Message, bot: int | None) -> tuple[Where, Where]:
    """Where the message's conversation was (whose last turn it follows) and where it goes on.

    In a thread, both are the thread. Elsewhere a conversation is a chain of replies, known
    by the message newsbot answered last: a reply to newsbot's answer follows the message that
    answer replied to, and goes on from this one, which newsbot answers now. A slash command's
    answer (newsbot's, replying to nothing) is its own conversation's place.
    """
    guild = str(message.guild.id) if message.guild else "dm"
    channel = message.channel
    if isinstance(channel, discord.Thread):
        place = Where("discord", guild, str(channel.parent_id), str(channel.id))
        return place, place
    replied = message.reference.resolved if message.reference else None
    before = replied.reference if isinstance(replied, discord.Message) else None
    answered = Where("discord", guild, str(channel.id), str(message.id))
    if isinstance(replied, discord.Message) and replied.author.id == bot and before is None:
        return Where("discord", guild, str(channel.id), str(replied.id)), answered
    if before is None or before.message_id is None:
        return answered, answered
    return Where("discord", guild, str(channel.id), str(before.message_id)), answered


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
