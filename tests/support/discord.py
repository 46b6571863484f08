"""A stand-in for Discord on 127.0.0.1: REST and gateway on one port, recording what a bot sends.

The real discord.py client, command tree and interaction objects run against it unchanged once
`install()` points `Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY` here. Like Discord, it
refuses an interaction callback more than `deadline` seconds after INTERACTION_CREATE (404,
10062), a second callback (400, 40060), and follow-ups to an interaction never acknowledged.
Shared by the tests in tests/bot/discord/ (through their conftest.py) and
bench/discord_roundtrip.py; the payloads it sends are in discord_payloads.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

from tests.support.discord_payloads import (
    API,
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    GUILDS,
    MEMBER_PERMISSIONS,
    USER_ID,
    application_payload,
    channel_payload,
    dm_channel_payload,
    guild_payload,
    member_payload,
    message_payload,
    thread_payload,
    user_payload,
)

_JSON = {"Content-Type": "application/json"}  # exactly: with a charset, discord.py reads text


@dataclass(frozen=True)
class Upload:
    """A file attached to a slash command's attachment option; the stand-in serves its bytes."""

    filename: str
    data: bytes
    content_type: str = "text/plain; charset=utf-8"
    gone: bool = False  # Discord has lost it: downloading it gets a 404


@dataclass
class Request:
    """One call the bot made, as the stand-in saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    status: int = 200
    reply: Any = None  # what the stand-in answered (a message it made, say)


@dataclass
class Sent:
    """An interaction the stand-in dispatched, and what came back for it."""

    id: int
    token: str
    at: float
    callbacks: list[Request] = field(default_factory=list)
    followups: list[Request] = field(default_factory=list)


class DiscordStandIn:
    """Discord's REST API and gateway on one loopback port, on its own thread and event loop."""

    def __init__(self, deadline: float = 3.0):
        self.deadline = deadline
        self.requests: list[Request] = []
        self.commands: dict[str, dict[str, Any]] = {}
        self.sent: dict[str, Sent] = {}
        self.files: dict[str, bytes] = {}  # path -> body, for attachment downloads
        # Channel messages still to be refused with 429 and a retry_after of 1 s, as Discord's
        # rate limit does (through its proxy, so with a `Via` header).
        self.rate_limited = 0
        self.identified = threading.Event()
        self.identifies: list[dict[str, Any]] = []  # each IDENTIFY a client sent, in order
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._sequence = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DiscordStandIn:
        self._thread.start()
        self._run(self._start_server())
        return self

    def close(self) -> None:
        self._run(self._stop_server())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    @contextmanager
    def install(self) -> Iterator[None]:
        """Point discord.py's REST base and gateway at this stand-in while the block runs."""
        route, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = f"http://127.0.0.1:{self.port}{API}"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = route
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def _run(self, coroutine: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start_server(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop_server(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        await self._runner.cleanup()

    # -- what the bot sent ---------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Request], bool], timeout: float = 10) -> Request:
        """The first recorded request matching `predicate`, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((r for r in self.requests if predicate(r)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f"{r.method} {r.path} {r.status}" for r in self.requests]
                    raise AssertionError(f"no matching request within {timeout}s; saw {seen}")
                self._changed.wait(left)

    def callback(self, sent: Sent, timeout: float = 10) -> Request:
        return self.wait_for(lambda r: r.path.startswith(f"{API}/interactions/{sent.id}/"), timeout)

    def followup(self, sent: Sent, timeout: float = 10) -> Request:
        return self.wait_for(
            lambda r: r.path.startswith(f"{API}/webhooks/{APP_ID}/{sent.token}"), timeout
        )

    def messages_sent(self) -> list[Request]:
        """Every request that could carry text to a channel."""
        kinds = ("/callback", f"/webhooks/{APP_ID}/", "/messages")
        with self._changed:
            return [
                r
                for r in self.requests
                if r.method in ("POST", "PATCH") and any(k in r.path for k in kinds)
            ]

    # -- driving the bot -----------------------------------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any]) -> float:
        """Send a gateway dispatch; the time it went out (time.monotonic)."""
        return self._run(self._dispatch(event, data))

    def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        user_id: int = USER_ID,
        permissions: discord.Permissions = MEMBER_PERMISSIONS,
        focused: str | None = None,
        guild: int | None = GUILD_ID,
    ) -> Sent:
        """A slash command (or, with `focused`, its autocomplete) typed in a server's channel
        (`guild`, one of `GUILDS`), or in a DM with the bot when `guild` is None."""
        interaction_id = self._snowflake()
        token = f"token-{interaction_id}"
        command = self.commands.get(name, {})
        kinds = {bool: 5, int: 4, str: 3, Upload: 11}
        attachments = {
            key: self._attachment(value)
            for key, value in (options or {}).items()
            if isinstance(value, Upload)
        }
        data: dict[str, Any] = {
            "id": command.get("id", str(self._snowflake())),
            "name": name,
            "type": 1,
            "options": [
                {
                    "name": key,
                    "type": kinds[type(value)],
                    "value": attachments[key]["id"] if key in attachments else value,
                }
                | ({"focused": True} if key == focused else {})
                for key, value in (options or {}).items()
            ],
        }
        if attachments:
            data["resolved"] = {"attachments": {a["id"]: a for a in attachments.values()}}
        if command.get("guild_id") and command["guild_id"] == str(guild):
            data["guild_id"] = command["guild_id"]
        payload = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": 4 if focused else 2,
            "token": token,
            "version": 1,
            "app_permissions": str(discord.Permissions.all().value),
            "locale": "en-GB",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
            "data": data,
        }
        payload |= _asked_from(user_id, permissions, guild)
        sent = Sent(interaction_id, token, 0.0)
        with self._changed:
            self.sent[token] = sent
        self._run(self._dispatch("INTERACTION_CREATE", payload, sent))
        return sent

    def click(
        self,
        custom_id: str,
        on: Request,
        user_id: int = USER_ID,
        guild: int = GUILD_ID,
    ) -> Sent:
        """A click on the button `custom_id` of the bot's message that `on` posted: an
        INTERACTION_CREATE of type 3 (MESSAGE_COMPONENT)."""
        interaction_id = self._snowflake()
        token = f"token-{interaction_id}"
        payload = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": 3,
            "token": token,
            "version": 1,
            "app_permissions": str(discord.Permissions.all().value),
            "locale": "en-GB",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": on.reply,
            **_asked_from(user_id, MEMBER_PERMISSIONS, guild),
        }
        sent = Sent(interaction_id, token, 0.0)
        with self._changed:
            self.sent[token] = sent
        self._run(self._dispatch("INTERACTION_CREATE", payload, sent))
        return sent

    def reply(self, content: str, to: Request, user_id: int = USER_ID) -> int:
        """A reply to the bot's message that `to` posted, as Discord sends it with the default
        reply ping: the bot in `mentions`, its message as `referenced_message`; its id. (A
        slash command's answer replies to nothing.)"""
        replied = to.body.get("message_reference")
        answered = {**to.reply, **({"message_reference": replied} if replied else {})}
        return self._message_from(
            content,
            user_id,
            mentions_bot=True,
            reference={
                "message_reference": {
                    "type": 0,
                    "message_id": answered["id"],
                    "channel_id": answered["channel_id"],
                    "guild_id": str(GUILD_ID),
                },
                "referenced_message": answered,
            },
        )

    def open_thread(self, thread_id: int, guild: int = GUILD_ID) -> None:
        """A public thread opened in the guild's channel (THREAD_CREATE), newsbot in it."""
        self.dispatch("THREAD_CREATE", thread_payload(thread_id, guild) | {"newly_created": True})

    def _attachment(self, upload: Upload) -> dict[str, Any]:
        """Discord's attachment object, its URL on this stand-in (Discord's would be its CDN)."""
        attachment_id = str(self._snowflake())
        path = f"/attachments/{CHANNEL_ID}/{attachment_id}/{upload.filename}"
        if not upload.gone:
            self.files[path] = upload.data
        url = f"http://127.0.0.1:{self.port}{path}"
        return {
            "id": attachment_id,
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }

    def mention(
        self,
        content: str,
        user_id: int = USER_ID,
        mentions_bot: bool = True,
        guild: int = GUILD_ID,
    ) -> int:
        """A channel message from a member of `guild`, as MESSAGE_CREATE; its id."""
        return self._message_from(content, user_id, mentions_bot, guild=guild)

    def in_thread(self, content: str, thread_id: int, user_id: int = USER_ID) -> int:
        """A message that mentions the bot in the thread `thread_id`; its id."""
        return self._message_from(content, user_id, True, channel_id=thread_id)

    def _message_from(
        self,
        content: str,
        user_id: int,
        mentions_bot: bool,
        guild: int = GUILD_ID,
        reference: dict[str, Any] | None = None,
        channel_id: int | None = None,
    ) -> int:
        message = message_payload(
            self._snowflake(), content, user_payload(user_id, "reader"), None, guild
        )
        message["mentions"] = [BOT_USER] if mentions_bot else []
        if channel_id is not None:
            message["channel_id"] = str(channel_id)
        member = member_payload(user_id, MEMBER_PERMISSIONS)
        del member["user"]  # MESSAGE_CREATE carries the author once, outside the member
        message["member"] = member
        self.dispatch("MESSAGE_CREATE", message | (reference or {}))
        return int(message["id"])

    # -- gateway -------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41_250}})
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await socket.send_json({"op": 11})
            elif message["op"] == 2:
                await self._identify(socket, message["d"])
        self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        self.identifies.append(identify)
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(guild), "unavailable": True} for guild in GUILDS],
            "session_id": "standin-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "shard": identify.get("shard", [0, 1]),
        }
        await self._send(socket, "READY", ready)
        for guild in GUILDS:
            await self._send(socket, "GUILD_CREATE", guild_payload(guild))
        self.identified.set()

    async def _dispatch(self, event: str, data: dict[str, Any], sent: Sent | None = None) -> float:
        for _ in range(200):
            if self._sockets:
                break
            await asyncio.sleep(0.01)
        at = time.monotonic()
        if sent is not None:
            # Set before sending, on this loop, so no callback can arrive before it is known.
            sent.at = at
        await self._send(self._sockets[-1], event, data)
        return at

    async def _send(self, socket: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        await socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    # -- REST ----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        body = await _body(request)
        record = Request(request.method, request.path, dict(request.query), body, at)
        status, reply = self._limited(record) or self._answer(record)
        record.status, record.reply = status, reply
        with self._changed:
            self.requests.append(record)
            parts = record.path.removeprefix(API).strip("/").split("/")
            sent = self.sent.get(parts[2]) if len(parts) > 2 else None
            if sent is not None and parts[0] == "interactions":
                sent.callbacks.append(record)
            elif sent is not None and parts[0] == "webhooks":
                sent.followups.append(record)
            self._changed.notify_all()
        if status == 429:
            headers = {**_JSON, "Via": "1.1 google", "Retry-After": "1"}
            return web.Response(status=status, body=json.dumps(reply).encode(), headers=headers)
        if reply is None:
            return web.Response(status=status)
        if isinstance(reply, bytes):
            return web.Response(status=status, body=reply)
        return web.Response(status=status, body=json.dumps(reply).encode(), headers=_JSON)

    def _limited(self, r: Request) -> tuple[int, Any] | None:
        parts = r.path.removeprefix(API).strip("/").split("/")
        if r.method != "POST" or parts[::2] != ["channels", "messages"]:
            return None
        with self._changed:
            if self.rate_limited <= 0:
                return None
            self.rate_limited -= 1
        return 429, {"message": "You are being rate limited.", "retry_after": 1.0, "global": False}

    def _answer(self, r: Request) -> tuple[int, Any]:
        if r.method == "GET" and r.path in self.files:
            return 200, self.files[r.path]
        parts = r.path.removeprefix(API).strip("/").split("/")
        match (r.method, parts):
            case ("GET", ["users", "@me"]):
                return 200, BOT_USER
            case ("GET", ["oauth2", "applications", "@me"]):
                return 200, application_payload()
            case ("GET", ["gateway", "bot"]):
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}
            case ("PUT", ["applications", _, "commands"]):
                return 200, self._register(r.body, None)
            case ("PUT", ["applications", _, "guilds", guild, "commands"]):
                return 200, self._register(r.body, guild)
            case ("POST", ["interactions", interaction_id, token, "callback"]):
                return self._callback(interaction_id, token, r)
            case ("POST", ["webhooks", _, token]) | ("PATCH", ["webhooks", _, token, *_]):
                if not any(c.status == 200 for c in self._sent_callbacks(token)):
                    return 404, {"message": "Unknown Webhook", "code": 10015}
                return 200, self._message(r.body.get("content") or "", BOT_USER, r.body)
            case ("POST", ["channels", _, "messages"]):
                return 200, self._message(r.body.get("content") or "", BOT_USER, r.body)
            case ("PATCH", ["channels", _, "messages", message_id]):
                edited = self._message(r.body.get("content") or "", BOT_USER, r.body)
                return 200, edited | {"id": message_id}
            case ("POST", ["users", "@me", "channels"]):
                return 200, dm_channel_payload(int(r.body["recipient_id"]))
            case ("POST", ["channels", _, "typing"]):
                return 204, None
        return 404, {"message": "404: Not Found", "code": 0}

    def _callback(self, interaction_id: str, token: str, r: Request) -> tuple[int, Any]:
        sent = self.sent.get(token)
        if sent is None or r.at - sent.at > self.deadline:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if any(c.status == 200 for c in sent.callbacks):
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        kind = r.body["type"]
        flags = (r.body.get("data") or {}).get("flags", 0)
        interaction = {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            message = self._message((r.body.get("data") or {}).get("content") or "", BOT_USER)
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        return 200, {"interaction": interaction, "resource": resource}

    def _sent_callbacks(self, token: str) -> list[Request]:
        sent = self.sent.get(token)
        return sent.callbacks if sent else []

    def _register(self, commands: list[dict[str, Any]], guild: str | None) -> list[dict[str, Any]]:
        registered = []
        for command in commands:
            echoed = {
                **command,
                "id": str(self._snowflake()),
                "application_id": str(APP_ID),
                "version": "1",
                "default_member_permissions": command.get("default_member_permissions"),
            }
            if guild:
                echoed["guild_id"] = guild
            self.commands[command["name"]] = echoed
            registered.append(echoed)
        return registered

    def _message(self, content: str, author: dict[str, Any], body: Any = None) -> dict[str, Any]:
        return message_payload(self._snowflake(), content, author, body)

    def _snowflake(self) -> int:
        return discord.utils.time_snowflake(datetime.now(UTC)) + next(self._ids)


def _asked_from(user_id: int, permissions: discord.Permissions, guild: int | None) -> dict:
    """Where an interaction comes from: a server's channel and member, or a DM (`guild` None:
    the user alone, no server and no member permissions)."""
    if guild is None:
        return {
            "channel_id": str(DM_CHANNEL_ID),
            "channel": dm_channel_payload(user_id),
            "user": user_payload(user_id, f"reader{user_id % 1000}"),
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 1,
        }
    return {
        "guild_id": str(guild),
        "channel_id": str(GUILDS[guild][1]),
        "channel": channel_payload(guild),
        "member": member_payload(user_id, permissions),
        "guild_locale": "en-US",
        "authorizing_integration_owners": {"0": str(guild)},
        "context": 0,
    }


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        return json.loads(str(form["payload_json"]))
    text = await request.text()
    return json.loads(text) if text else None


class BotThread:
    """A discord.py client on its own thread and event loop, the way tests can stop it cleanly.

    `loop.run_forever` plus `run_coroutine_threadsafe(client.start(...))`: closing hangs when the
    thread runs `run_until_complete(client.start(...))` instead.
    """

    def __init__(self, client: discord.Client, token: str = "standin-token"):
        self.client = client
        self.token = token
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._running: Any = None
        self._stopped = False

    def start(self, timeout: float = 15) -> BotThread:
        """Log in, sync commands and connect; return once the client is ready."""
        self._thread.start()
        self._running = asyncio.run_coroutine_threadsafe(self.client.start(self.token), self.loop)
        deadline = time.monotonic() + timeout
        while not self.client.is_ready():
            if self._running.done():
                self._running.result()  # raises why it stopped
                raise AssertionError("the client stopped before it was ready")
            if time.monotonic() > deadline:
                raise AssertionError(f"the client was not ready within {timeout}s")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 15) -> None:
        """Close the client, wait for worker threads, stop the loop and join its thread."""
        if self._stopped:
            return
        self._stopped = True
        if self._running is not None:
            asyncio.run_coroutine_threadsafe(self.client.close(), self.loop).result(timeout)
            self._running.result(timeout)
            shutdown = self.loop.shutdown_default_executor()
            asyncio.run_coroutine_threadsafe(shutdown, self.loop).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        self.loop.close()
