"""The `[slack]` table of the config, checked once at start-up into one frozen object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.config import Config
from bot.tables import read_table

Visibility = Literal["channel", "ephemeral"]
Unanswered = Literal["thread", "ephemeral"]
# An admin: the workspace's team id (T…), then the member's id (U…, or W… on Enterprise Grid).
_ADMIN = re.compile(r"T[A-Z0-9]{2,}:[UW][A-Z0-9]{2,}")
# A channel's id: C… (public), G… (private, older ones).
_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,}")


@dataclass(frozen=True)
class SlackSettings:
    """How the bot behaves in Slack. Tokens are not here: they come from the environment."""

    # Who sees an answer by default: the whole channel, or only the asker. `--private` and
    # `--public` in a command override it.
    visibility: Visibility = "channel"
    # Who may `/ingest`, in which workspace: "T012AB3CD:U012AB3CD" is member U012AB3CD of the
    # workspace whose team id is T012AB3CD. What they add is answered in that workspace alone.
    admins: tuple[str, ...] = ()
    # At most `rate_limit` commands or mentions per user in any `rate_window_seconds`; 0 is off.
    rate_limit: int = 5
    rate_window_seconds: float = 60.0
    # Web API root; GovSlack and tests point it elsewhere. Always ends with "/".
    base_url: str = "https://slack.com/api/"
    # HTTP mode only: where Slack's requests arrive (usually via a reverse proxy).
    host: str = "127.0.0.1"
    port: int = 3000
    path: str = "/slack/events"
    # HTTP mode only: what one client may cost before its request is signed and verified.
    # A request whose Content-Length is over `max_request_bytes` gets 413 with its body unread;
    # Slack's own requests are a few kB (a message holds at most 40,000 characters).
    max_request_bytes: int = 1_048_576
    # A connection that sends nothing for this long, mid-request or idle, is closed.
    idle_timeout_seconds: int = 30
    # Connections open at once; a newcomer past that closes the one silent longest.
    max_connections: int = 100
    # The channels newsbot listens in for mentions and thread replies (ids, C…); empty: every
    # channel it is in. Slash commands are answered wherever Slack offers them.
    channels: tuple[str, ...] = ()
    # Where a mention or thread reply newsbot finds no answer to goes: in the thread, or to the
    # asker alone ("ephemeral"), which keeps misses out of busy channels.
    unanswered: Unanswered = "thread"

    def __post_init__(self) -> None:
        wrong = [v for v in self.admins if not isinstance(v, str) or not _ADMIN.fullmatch(v)]
        if wrong:
            raise ValueError(
                "admins must be a workspace's team id and a member id, like "
                "'T012AB3CD:U012AB3CD' (the member id is in their profile: ⋮ > Copy member ID), "
                f"not {wrong[0]!r}"
            )
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be 0 (off) or more")
        if self.rate_window_seconds <= 0:
            raise ValueError("rate_window_seconds must be more than 0")
        odd = [c for c in self.channels if not isinstance(c, str) or not _CHANNEL.fullmatch(c)]
        if odd:
            raise ValueError(
                "channels must be channel ids like 'C012AB3CD' (channel name > About > "
                f"Channel ID), not {odd[0]!r}"
            )
        if not re.match(r"https?://[^/\s]+", self.base_url):
            raise ValueError(f"base_url must be an http(s) URL, not {self.base_url!r}")
        if not self.base_url.endswith("/"):
            # slack_sdk joins method names onto the base URL, so it must end with a slash.
            object.__setattr__(self, "base_url", self.base_url + "/")
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port must be between 1 and 65535, not {self.port}")
        if not self.host.strip():
            raise ValueError("host must name an address to listen on, e.g. 127.0.0.1")
        if not self.path.startswith("/"):
            raise ValueError(f"path must start with '/', not {self.path!r}")
        if self.max_request_bytes < 64 * 1024:
            raise ValueError("max_request_bytes must be at least 65536: Slack's requests fit")
        if self.idle_timeout_seconds < 1:
            raise ValueError("idle_timeout_seconds must be 1 or more")
        if self.max_connections < 1:
            raise ValueError("max_connections must be 1 or more")

    def listens_in(self, channel: str) -> bool:
        """Whether mentions and thread replies in `channel` are answered."""
        return not self.channels or channel in self.channels

    def is_admin(self, team_id: str, user_id: str) -> bool:
        """Whether the member may /ingest in this workspace (and only this one)."""
        return f"{team_id}:{user_id}" in self.admins


def load_settings(config: Config) -> SlackSettings:
    """The `[slack]` table of `config`, or defaults when it has none."""
    return parse_settings(config.platforms.get("slack", {}))


def parse_settings(raw: Mapping[str, Any]) -> SlackSettings:
    """Check every key and type, so a typo fails at start-up instead of being ignored."""
    return read_table(SlackSettings, raw, "slack")
