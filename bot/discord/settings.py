"""The `[discord]` table of the config, checked once at start-up into one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.config import Config, ConfigError, check_table

SyncMode = Literal["guild", "global", "none"]
SYNC_MODES: tuple[SyncMode, ...] = ("guild", "global", "none")


@dataclass(frozen=True)
class DiscordSettings:
    """How the bot behaves in Discord. The token is not here: it comes from DISCORD_TOKEN."""

    # Where slash commands are registered at start-up: one guild (instant, for development),
    # globally (every server the bot is in), or not at all (they are already registered).
    sync: SyncMode = "global"
    guild_id: int | None = None
    # User ids allowed to /ingest besides members with the Manage Server permission.
    admins: tuple[int, ...] = ()
    # At most `rate_limit` questions per user in any `rate_window_seconds`; 0 turns it off.
    rate_limit: int = 5
    rate_window_seconds: float = 60.0
    # Replies only the asker sees, unless a command's `private` option says otherwise.
    ephemeral: bool = False
    # discord.py's AutoShardedClient, for bots in more than about 2,000 servers.
    sharded: bool = False
    # Answer `@newsbot <question>` in channels.
    mentions: bool = True

    def with_overrides(
        self, sync: SyncMode | None = None, guild_id: int | None = None
    ) -> DiscordSettings:
        """These settings with the CLI's `--sync` / `--guild`, checked again."""
        changed = replace(
            self,
            sync=sync if sync is not None else self.sync,
            guild_id=guild_id if guild_id is not None else self.guild_id,
        )
        _check_sync(changed.sync, changed.guild_id)
        return changed


_TYPES: dict[str, tuple[type, ...]] = {
    "sync": (str,),
    "guild_id": (int,),
    "admins": (list,),
    "rate_limit": (int,),
    "rate_window_seconds": (int, float),
    "ephemeral": (bool,),
    "sharded": (bool,),
    "mentions": (bool,),
}


def load_settings(config: Config) -> DiscordSettings:
    """The `[discord]` table of `config`, or defaults when it has none."""
    return parse_settings(config.platforms.get("discord", {}))


def parse_settings(raw: Mapping[str, Any]) -> DiscordSettings:
    """Check every key and type, so a typo fails at start-up instead of being ignored."""
    raw = check_table("discord", raw, _TYPES)
    settings = DiscordSettings(
        sync=raw.get("sync", "global"),
        guild_id=raw.get("guild_id"),
        admins=_user_ids(raw.get("admins", [])),
        rate_limit=raw.get("rate_limit", 5),
        rate_window_seconds=float(raw.get("rate_window_seconds", 60.0)),
        ephemeral=raw.get("ephemeral", False),
        sharded=raw.get("sharded", False),
        mentions=raw.get("mentions", True),
    )
    if settings.rate_limit < 0:
        raise ConfigError("[discord] rate_limit must be 0 (off) or more")
    if settings.rate_window_seconds <= 0:
        raise ConfigError("[discord] rate_window_seconds must be more than 0")
    _check_sync(settings.sync, settings.guild_id)
    return settings


def _user_ids(values: list[Any]) -> tuple[int, ...]:
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise ConfigError("[discord] admins must be a list of Discord user ids (numbers)")
    return tuple(values)


def _check_sync(sync: str, guild_id: int | None) -> None:
    if sync not in SYNC_MODES:
        raise ConfigError(f"[discord] sync must be one of {', '.join(SYNC_MODES)}, not {sync!r}")
    if guild_id is not None and guild_id <= 0:
        raise ConfigError("[discord] guild_id must be a Discord server id")
    if sync == "guild" and guild_id is None:
        raise ConfigError('[discord] sync = "guild" needs guild_id (or --guild ID)')
