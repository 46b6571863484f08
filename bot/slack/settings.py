"""The `[slack]` table of the config, checked once at start-up into one frozen object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.config import Config, ConfigError, check_table

Visibility = Literal["channel", "ephemeral"]
VISIBILITIES: tuple[Visibility, ...] = ("channel", "ephemeral")
# Slack user ids: U… for ordinary members, W… on Enterprise Grid.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class SlackSettings:
    """How the bot behaves in Slack. Tokens are not here: they come from the environment."""

    # Who sees an answer by default: the whole channel, or only the asker. `--private` and
    # `--public` in a command override it.
    visibility: Visibility = "channel"
    # Member ids (U…/W…) allowed to `/ingest`.
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


_TYPES: dict[str, tuple[type, ...]] = {
    "visibility": (str,),
    "admins": (list,),
    "rate_limit": (int,),
    "rate_window_seconds": (int, float),
    "base_url": (str,),
    "host": (str,),
    "port": (int,),
    "path": (str,),
}


def load_settings(config: Config) -> SlackSettings:
    """The `[slack]` table of `config`, or defaults when it has none."""
    return parse_settings(config.platforms.get("slack", {}))


def parse_settings(raw: Mapping[str, Any]) -> SlackSettings:
    """Check every key and type, so a typo fails at start-up instead of being ignored."""
    raw = check_table("slack", raw, _TYPES)
    defaults = SlackSettings()
    settings = SlackSettings(
        visibility=raw.get("visibility", defaults.visibility),
        admins=_admins(raw.get("admins", [])),
        rate_limit=raw.get("rate_limit", defaults.rate_limit),
        rate_window_seconds=float(raw.get("rate_window_seconds", defaults.rate_window_seconds)),
        base_url=_base_url(raw.get("base_url", defaults.base_url)),
        host=raw.get("host", defaults.host),
        port=raw.get("port", defaults.port),
        path=raw.get("path", defaults.path),
    )
    _check(settings)
    return settings


def _check(settings: SlackSettings) -> None:
    if settings.visibility not in VISIBILITIES:
        choices = " or ".join(f'"{v}"' for v in VISIBILITIES)
        raise ConfigError(f"[slack] visibility must be {choices}, not {settings.visibility!r}")
    if settings.rate_limit < 0:
        raise ConfigError("[slack] rate_limit must be 0 (off) or more")
    if settings.rate_window_seconds <= 0:
        raise ConfigError("[slack] rate_window_seconds must be more than 0")
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"[slack] port must be between 1 and 65535, not {settings.port}")
    if not settings.host.strip():
        raise ConfigError("[slack] host must name an address to listen on, e.g. 127.0.0.1")
    if not settings.path.startswith("/"):
        raise ConfigError(f"[slack] path must start with '/', not {settings.path!r}")


def _admins(values: list[Any]) -> tuple[str, ...]:
    wrong = [v for v in values if not isinstance(v, str) or not _USER_ID.fullmatch(v)]
    if wrong:
        raise ConfigError(
            "[slack] admins must be Slack member ids like 'U012AB3CD' (in a member's profile: "
            f"⋮ > Copy member ID), not {wrong[0]!r}"
        )
    return tuple(values)


def _base_url(url: str) -> str:
    """slack_sdk joins method names onto the base URL, so it must end with a slash."""
    if not re.match(r"https?://[^/\s]+", url):
        raise ConfigError(f"[slack] base_url must be an http(s) URL, not {url!r}")
    return url if url.endswith("/") else url + "/"
