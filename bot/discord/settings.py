"""The `[discord]` table of the config, checked once at start-up into one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from bot.config import Config, ConfigError
from bot.tables import read_table

SyncMode = Literal["guild", "global", "none"]
SYNC_MODES: tuple[SyncMode, ...] = get_args(SyncMode)


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
    # A sharded bot split across processes: the total number of shards, and those this process
    # runs (all of them when empty). Either one means sharded.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    # Answer `@newsbot <question>` in channels.
    mentions: bool = True
    # The channels (ids) newsbot answers mentions and replies in, a thread counting as its
    # channel; empty: every channel it can read. Slash commands are answered everywhere.
    channels: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in self.admins):
            raise ValueError("admins must be a list of Discord user ids (numbers)")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in self.channels):
            raise ValueError("channels must be a list of Discord channel ids (numbers)")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be 0 (off) or more")
        if self.rate_window_seconds <= 0:
            raise ValueError("rate_window_seconds must be more than 0")
        if self.sync not in SYNC_MODES:
            raise ValueError(f"sync must be one of {', '.join(SYNC_MODES)}, not {self.sync!r}")
        if self.guild_id is not None and self.guild_id <= 0:
            raise ValueError("guild_id must be a Discord server id")
        if self.shard_ids and self.shard_count is None:
            raise ValueError("shard_ids needs shard_count, the number of shards in all")
        if self.shard_count is not None and self.shard_count < 1:
            raise ValueError("shard_count must be 1 or more")
        if self.shard_count is not None and not all(
            0 <= i < self.shard_count for i in self.shard_ids
        ):
            raise ValueError(f"shard_ids must be between 0 and {self.shard_count - 1}")
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("shard_ids must not repeat a shard")
        if self.sync == "guild" and self.guild_id is None:
            raise ValueError('sync = "guild" needs guild_id (or --guild ID)')

    def with_overrides(
        self, sync: SyncMode | None = None, guild_id: int | None = None
    ) -> DiscordSettings:
        """These settings with the CLI's `--sync` / `--guild`, checked again."""
        try:
            return replace(
                self,
                sync=sync if sync is not None else self.sync,
                guild_id=guild_id if guild_id is not None else self.guild_id,
            )
        except ValueError as error:
            raise ConfigError(f"[discord] {error}") from error


def load_settings(config: Config) -> DiscordSettings:
    """The `[discord]` table of `config`, or defaults when it has none."""
    return parse_settings(config.platforms.get("discord", {}))


def parse_settings(raw: Mapping[str, Any]) -> DiscordSettings:
    """Check every key and type, so a typo fails at start-up instead of being ignored."""
    return read_table(DiscordSettings, raw, "discord")
