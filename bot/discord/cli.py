"""`newsbot serve discord`: the one place that reads DISCORD_TOKEN and starts the bot."""

from __future__ import annotations

import asyncio
import os

import aiohttp
import click
import discord

from bot.config import Config
from bot.discord.channel_posts import DiscordPoster
from bot.discord.client import build_client, serve
from bot.discord.settings import SYNC_MODES, SyncMode, load_settings
from bot.service import NewsService
from index.errors import NewsbotError


@click.command(name="discord")
@click.option(
    "--sync",
    type=click.Choice(SYNC_MODES),
    default=None,
    help="Register slash commands in one server (instant), globally, or not at all "
    "(default: [discord] sync).",
)
@click.option(
    "--guild",
    "guild_id",
    type=click.IntRange(min=1),
    default=None,
    help="The server id for --sync guild (default: [discord] guild_id).",
)
@click.pass_obj
def discord_command(config: Config, sync: SyncMode | None, guild_id: int | None) -> None:
    """Answer slash commands and @mentions in Discord, and post followed feeds, alerts and
    digests in its channels (token from DISCORD_TOKEN)."""
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise click.ClickException(
            "DISCORD_TOKEN is not set: copy the bot token from the Discord developer portal "
            "(your application > Bot > Reset Token) into that environment variable."
        )
    try:
        settings = load_settings(config).with_overrides(sync, guild_id)
        service = NewsService(config)
        service.warm_up()
        service.start_feed_polling()
    except NewsbotError as error:
        raise click.ClickException(str(error)) from error
    where = f"server {settings.guild_id}" if settings.sync == "guild" else settings.sync
    click.echo(f"newsbot: connecting to Discord (command sync: {where}); Ctrl+C stops", err=True)
    client = build_client(service, settings)
    service.start_channel_posts(DiscordPoster(client))
    try:
        asyncio.run(serve(client, token))
    except discord.LoginFailure as error:
        raise click.ClickException("Discord rejected DISCORD_TOKEN; reset the token") from error
    except discord.PrivilegedIntentsRequired as error:
        raise click.ClickException(f"Discord refused a privileged intent: {error}") from error
    except discord.Forbidden as error:
        raise click.ClickException(
            f"Discord refused the command sync ({error.text}); invite the bot to that server "
            "with the `bot applications.commands` scopes, or check --guild"
        ) from error
    except (discord.HTTPException, discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        raise click.ClickException(f"cannot reach Discord: {error}") from error
    finally:
        service.close()
    click.echo("newsbot: disconnected from Discord", err=True)
