"""/follow, /unfollow, /following, /alert, /alerts and /digest in Discord.

Each defers privately and answers the member alone: the channel sees only the posts. Admins
are those who may /ingest: members with Manage Server in that server, and `[discord] admins`.
Feeds and digests belong to a server's channel; alerts can be had in a DM too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from discord import app_commands

from bot.channels import replies
from bot.channels.manage import Channels
from bot.channels.models import Place
from bot.chat import NotPermitted
from bot.discord import embeds
from bot.discord.commands import Interaction, Refusal, call, send
from bot.service import NewsService
from index.errors import UserError

NOT_ADMIN = "Sorry, only server managers and newsbot's admins can do that."


def place_of(interaction: Interaction) -> Place:
    guild = interaction.guild_id
    return Place("discord", None if guild is None else str(guild), str(interaction.channel_id))


class ChannelCommands:
    def __init__(self, service: NewsService, is_admin: Callable[[Interaction], bool]):
        self.service = service
        self.is_admin = is_admin

    @property
    def channels(self) -> Channels:
        return self.service.channels

    def register(self, tree: app_commands.CommandTree[Any]) -> None:
        for command in (
            self._follow(),
            self._unfollow(),
            self._following(),
            self._alert(),
            self._alerts(),
            self._digest(),
        ):
            tree.add_command(command)

    def admin_only(self, interaction: Interaction) -> bool:
        if self.is_admin(interaction):
            return True
        raise Refusal(NotPermitted(NOT_ADMIN))

    async def _answer(self, interaction: Interaction, work: Callable[[], str]) -> None:
        """Defer privately, do the work on a worker thread, tell the member what it did."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = await call(work)
        except UserError as error:
            text = replies.refused(error)
        await send(interaction, embeds.text_reply(text), ephemeral=True)

    def _follow(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Admins: post a feed's new articles in this channel.")
        @app_commands.describe(
            feed="The feed's URL (RSS or Atom)",
            keywords="Only articles that mention one of these words (separate with commas)",
            cap="At most this many posts an hour from this feed",
        )
        @app_commands.check(self.admin_only)
        async def follow(
            interaction: Interaction,
            feed: str,
            keywords: str | None = None,
            cap: app_commands.Range[int, 1, 100] | None = None,
        ) -> None:
            words = tuple(w.strip() for w in (keywords or "").split(",") if w.strip())
            place = place_of(interaction)

            def work() -> str:
                return replies.followed(*self.channels.follow(place, feed, words, cap))

            await self._answer(interaction, work)

        return follow

    def _unfollow(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Admins: stop posting a feed in this channel.")
        @app_commands.describe(feed="The feed's URL, or its number from /following")
        @app_commands.check(self.admin_only)
        async def unfollow(interaction: Interaction, feed: str) -> None:
            place = place_of(interaction)
            await self._answer(
                interaction, lambda: replies.unfollowed(self.channels.unfollow(place, feed))
            )

        return unfollow

    def _following(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="The feeds posted in this server's channels.")
        async def following(interaction: Interaction) -> None:
            place = place_of(interaction)
            await self._answer(
                interaction, lambda: replies.following(self.channels.following(place))
            )

        return following

    def _alert(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Hear of new articles that match some words.")
        @app_commands.describe(
            words="What to be alerted to, e.g. ferry strike",
            channel="Post the alerts in this channel rather than to you (admins)",
        )
        async def alert(
            interaction: Interaction,
            words: app_commands.Range[str, 1, 200],
            channel: bool = False,
        ) -> None:
            if channel and not self.is_admin(interaction):
                raise NotPermitted(NOT_ADMIN)
            place, user = place_of(interaction), str(interaction.user.id)
            target: Literal["user", "channel"] = "channel" if channel else "user"
            await self._answer(
                interaction,
                lambda: replies.alert_set(self.channels.alert(place, target, words, user)),
            )

        return alert

    def _alerts(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Your alerts and this channel's; remove one.")
        @app_commands.describe(remove="The number of an alert to remove")
        async def alerts(interaction: Interaction, remove: int | None = None) -> None:
            place, user = place_of(interaction), str(interaction.user.id)
            admin = self.is_admin(interaction)

            def work() -> str:
                if remove is not None:
                    return replies.alert_removed(
                        self.channels.remove_alert(place, user, remove, admin)
                    )
                return replies.alerts(self.channels.alerts(place, user))

            await self._answer(interaction, work)

        return alerts

    def _digest(self) -> app_commands.Command[Any, ..., None]:
        @app_commands.command(description="Admins: post the top stories here every day or week.")
        @app_commands.describe(
            every="How often (weekly digests go out on Mondays), or off",
            at="The time of day, like 09:00 (newsbot's time zone)",
        )
        @app_commands.check(self.admin_only)
        async def digest(
            interaction: Interaction,
            every: Literal["daily", "weekly", "off"],
            at: str | None = None,
        ) -> None:
            place, timezone = place_of(interaction), self.service.config.answer.timezone

            def work() -> str:
                if every == "off":
                    return replies.digest_off(self.channels.digest_off(place))
                return replies.digest_set(self.channels.digest(place, every, at), timezone)

            await self._answer(interaction, work)

        return digest
