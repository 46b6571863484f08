"""Discord's JSON shapes, as much of them as discord.py 2.7 reads, for the stand-in to send."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord

API = "/api/v10"
APP_ID = 1_200_000_000_000_000_001  # the bot user has the application's id
OWNER_ID = 1_200_000_000_000_000_002
GUILD_ID = 1_200_000_000_000_000_003
CHANNEL_ID = 1_200_000_000_000_000_004
USER_ID = 1_200_000_000_000_000_005
# A second server the bot is in, for what must stay in the server it was added in.
OTHER_GUILD_ID = 1_200_000_000_000_000_006
OTHER_CHANNEL_ID = 1_200_000_000_000_000_007
DM_CHANNEL_ID = 1_200_000_000_000_000_008
GUILDS = {GUILD_ID: ("Newsroom", CHANNEL_ID), OTHER_GUILD_ID: ("Elsewhere", OTHER_CHANNEL_ID)}
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
)
MANAGER_PERMISSIONS = MEMBER_PERMISSIONS | discord.Permissions(manage_guild=True)


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


BOT_USER = user_payload(APP_ID, "newsbot", bot=True)


def channel_payload(guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(GUILDS[guild_id][1]),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "news",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_payload(thread_id: int, guild_id: int = GUILD_ID) -> dict[str, Any]:
    """A public thread in the guild's channel, newsbot a member of it."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(GUILDS[guild_id][1]),
        "owner_id": str(USER_ID),
        "name": "troops",
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 2,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2024-01-01T00:00:00+00:00",
            "locked": False,
        },
        "member": {
            "id": str(thread_id),
            "user_id": str(APP_ID),
            "join_timestamp": "2024-01-01T00:00:00+00:00",
            "flags": 0,
        },
    }


def dm_channel_payload(user_id: int) -> dict[str, Any]:
    return {"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [user_payload(user_id, "reader")]}


def guild_payload(guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": GUILDS[guild_id][0],
        "unavailable": False,
        "owner_id": str(OWNER_ID),
        "member_count": 2,
        "large": False,
        "features": [],
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS.value),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "channels": [channel_payload(guild_id)],
        "threads": [],
        "members": [],
        "emojis": [],
        "stickers": [],
        "voice_states": [],
        "presences": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
    }


def member_payload(user_id: int, permissions: discord.Permissions) -> dict[str, Any]:
    return {
        "user": user_payload(user_id, f"reader{user_id % 1000}"),
        "roles": [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions.value),
    }


def application_payload() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "newsbot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user_payload(OWNER_ID, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def message_payload(
    message_id: int,
    content: str,
    author: dict[str, Any],
    body: Any = None,
    guild_id: int = GUILD_ID,
) -> dict[str, Any]:
    """A channel message; `body` is what the bot sent, when the message is the bot's."""
    body = body or {}
    return {
        "id": str(message_id),
        "channel_id": str(GUILDS[guild_id][1]),
        "guild_id": str(guild_id),
        "type": 0,
        "content": content,
        "author": author,
        "embeds": body.get("embeds", []),
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": datetime.now(UTC).isoformat(),
        "edited_timestamp": None,
        "flags": body.get("flags", 0),
        "components": body.get("components", []),
    }
