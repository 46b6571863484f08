"""`newsbot serve slack|discord`: each chat front end imported only when it is chosen."""

from __future__ import annotations

import importlib
from typing import ClassVar

import click


class ChatFrontEnds(click.Group):
    """The subcommands, loaded lazily: each pulls in its chat library (bolt, discord.py)."""

    front_ends: ClassVar[dict[str, tuple[str, str]]] = {
        "discord": ("bot.discord.cli", "discord_command"),
        "slack": ("bot.slack.cli", "slack_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.front_ends)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.front_ends:
            return None
        module, attribute = self.front_ends[name]
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=ChatFrontEnds)
def serve() -> None:
    """Run newsbot as a chat bot (Slack or Discord) until stopped."""
