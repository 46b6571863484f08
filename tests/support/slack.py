"""A stand-in for Slack on loopback, for tests and the round-trip benchmark.

It answers the Web API (`auth.test`, `chat.postMessage`, `chat.postEphemeral`, …) and
`response_url` posts, records what the bot sends with the time it arrived, and refuses messages
Slack would refuse for breaking Block Kit's limits. It also builds requests signed exactly as
Slack signs them. Shared by the tests in tests/bot/slack/ and bench/slack_roundtrip.py; nothing
here reaches slack.com.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

BOT_USER_ID = "UNEWSBOT"


@dataclass(frozen=True)
class Post:
    """One request the bot made: `/api/<method>` or `/response/<key>`."""

    path: str
    body: dict[str, Any]
    token: str | None
    received: float  # time.perf_counter()

    @property
    def method(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def all_text(self) -> str:
        """Fallback text and blocks as one string, for asserting on what a user would see."""
        return json.dumps({"text": self.body.get("text"), "blocks": self.body.get("blocks")})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the bot posts from many threads at once


def block_problems(blocks: Any) -> list[str]:
    """Why Slack would refuse these blocks (the limits bolt does not check)."""
    if not blocks:
        return []
    problems = [f"{len(blocks)} blocks (max 50)"] if len(blocks) > 50 else []
    for block in blocks:
        texts = [block.get("text", {}).get("text", "")]
        if block["type"] == "context":
            elements = block.get("elements", [])
            if len(elements) > 10:
                problems.append(f"context with {len(elements)} elements (max 10)")
            texts = [e.get("text", "") for e in elements]
        problems += [f"text of {len(t)} characters (max 3000)" for t in texts if len(t) > 3000]
    return problems


class SlackStandIn:
    """A local Slack Web API and response_url endpoint, on 127.0.0.1 and a free port."""

    def __init__(self, bot_user_id: str = BOT_USER_ID):
        self.bot_user_id = bot_user_id
        # Web API calls still to be refused with 429 and Retry-After, as Slack's rate limit does.
        self.rate_limited = 0
        # Channels chat.postMessage refuses, as Slack does when the bot is not in them.
        self.closed_channels: set[str] = set()
        # Messages in channels, by (channel, ts), as conversations.replies returns them.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._posts: list[Post] = []
        self._changed = threading.Condition()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stand_in._record(self)

            def do_GET(self) -> None:  # slack_sdk sends a few methods as GET, with a query
                stand_in._record(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self._server.server_port}"
        self.base_url = self.root + "/api/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def response_url(self, key: str) -> str:
        return f"{self.root}/response/{key}"

    def posts(self, prefix: str = "") -> list[Post]:
        """What was posted so far, oldest first; `prefix` like "/response/" or "/api/chat."."""
        with self._changed:
            return [p for p in self._posts if p.path.startswith(prefix)]

    def wait_for(self, prefix: str, count: int = 1, timeout: float = 10.0) -> list[Post]:
        """The first `count` posts under `prefix`; AssertionError if they do not come in time."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [p for p in self._posts if p.path.startswith(prefix)]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [p.path for p in self._posts]
                    raise AssertionError(f"{count} post(s) to {prefix} not seen; got {seen}")
                self._changed.wait(left)
            return found[:count]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, request: BaseHTTPRequestHandler) -> None:
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        body = _decode(raw, request.headers.get("Content-Type", ""))
        path, _, query = request.path.partition("?")
        body.update({k: v[0] for k, v in parse_qs(query).items()})
        auth = request.headers.get("Authorization", "")
        post = Post(path, body, auth.removeprefix("Bearer ") or None, time.perf_counter())
        with self._changed:
            self._posts.append(post)
            self._changed.notify_all()
        problems = block_problems(body.get("blocks"))
        if request.path.startswith("/response/"):
            status, reply = (400, b"invalid_blocks") if problems else (200, b"ok")
            request.send_response(status)
            request.send_header("Content-Type", "text/plain")
            request.end_headers()
            request.wfile.write(reply)
            return
        with self._changed:
            limited = self.rate_limited > 0
            self.rate_limited -= limited
        if limited:
            request.send_response(429)
            request.send_header("Retry-After", "1")
            request.send_header("Content-Type", "application/json; charset=utf-8")
            request.end_headers()
            request.wfile.write(b'{"ok": false, "error": "ratelimited"}')
            return
        result = {"ok": False, "error": "invalid_blocks"} if problems else self._api(post)
        data = json.dumps(result).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _api(self, post: Post) -> dict[str, Any]:
        if post.method == "auth.test":
            return {
                "ok": True,
                "url": "https://newsroom.example.slack.com/",
                "team": "Newsroom",
                "user": "newsbot",
                "team_id": "T0NEWS",
                "user_id": self.bot_user_id,
                "bot_id": "B0NEWS",
            }
        if post.method == "chat.postMessage" and post.body.get("channel") in self.closed_channels:
            return {"ok": False, "error": "not_in_channel"}
        if post.method == "chat.postMessage":
            ts = f"{time.time():.6f}"
            return {"ok": True, "channel": post.body.get("channel"), "ts": ts, "message": {}}
        if post.method == "conversations.replies":
            found = self.messages.get((post.body.get("channel", ""), post.body.get("ts", "")))
            if found is None:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": [found], "has_more": False}
        if post.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        return {"ok": True}


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    """slack_sdk sends JSON to chat.* and forms elsewhere; form fields may hold JSON."""
    if "json" in content_type:
        return json.loads(raw or b"{}")
    body: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    if isinstance(body.get("blocks"), str):
        body["blocks"] = json.loads(body["blocks"])
    return body


# -- requests as Slack sends them -------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(
    command: str,
    text: str,
    response_url: str,
    user_id: str = "U0ASKER",
    channel_id: str = "C0NEWS",
    team: tuple[str, str] = ("T0NEWS", "newsroom"),
) -> bytes:
    """A slash command as Slack posts it, from workspace `team` (its id and domain):
    form-encoded."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team[0],
            "team_domain": team[1],
            "channel_id": channel_id,
            "channel_name": "newsroom",
            "user_id": user_id,
            "user_name": "asker",
            "command": command,
            "text": text,
            "api_app_id": "A0NEWSBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1234.5678.abcdef",
        }
    ).encode()


def mention_body(
    text: str,
    ts: str,
    user: str = "U0ASKER",
    channel: str = "C0NEWS",
    event_id: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T0NEWS",
) -> bytes:
    """An `app_mention` event as the Events API posts it: JSON."""
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "api_app_id": "A0NEWSBOT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{ts.replace('.', '')}",
            "event_time": int(float(ts)),
            "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()


def send(
    url: str,
    body: bytes,
    secret: str,
    timestamp: int | None = None,
    signed_with: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, bytes, float]:
    """POST `body` signed like Slack (under `signed_with` to forge); status, body, seconds.

    `headers` are sent too, in place of the signed ones they name (to send malformed ones).
    """
    stamp = int(time.time()) if timestamp is None else timestamp
    json_body = body.startswith(b"{")
    sent = {
        "Content-Type": "application/json" if json_body else "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(signed_with or secret, stamp, body),
        **(headers or {}),
    }
    request = urllib.request.Request(url, data=body, headers=sent, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read(), time.perf_counter() - start
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - start


def message_body(
    text: str,
    ts: str,
    thread_ts: str | None = None,
    user: str = "U0ASKER",
    channel: str = "C0NEWS",
    team_id: str = "T0NEWS",
    parent_user_id: str | None = None,
) -> bytes:
    """A `message` event (a channel message, or a reply in the thread `thread_ts`): JSON."""
    event: dict[str, Any] = {
        "type": "message",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if parent_user_id:
        event["parent_user_id"] = parent_user_id  # who posted the thread's first message
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "api_app_id": "A0NEWSBOT",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{ts.replace('.', '')}m",
            "event_time": int(float(ts)),
            "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()


def block_actions_body(
    action: dict[str, Any],
    message: dict[str, Any],
    response_url: str,
    user: str = "U0ASKER",
    channel: str = "C0NEWS",
    team: tuple[str, str] = ("T0NEWS", "newsroom"),
) -> bytes:
    """A click on `action` (a button element of `message`'s blocks) as Slack posts it: a form
    whose one field, `payload`, is the `block_actions` JSON."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "asker", "name": "asker", "team_id": team[0]},
        "api_app_id": "A0NEWSBOT",
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message.get("ts", "1712345678.000200"),
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": "1234.5678.abcdef",
        "team": {"id": team[0], "domain": team[1]},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "newsroom"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action["action_id"],
                "block_id": action.get("block_id", "b"),
                "text": action["text"],
                "value": action["value"],
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()
