"""Requests Slack delivers twice: remembered for the window a signature is valid, in bounded
memory."""

from __future__ import annotations

from slack_bolt import BoltRequest

from bot.slack.replays import RecentRequests, request_key
from tests.support.slack import command_body, mention_body, signature


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_new_once_then_seen_until_the_window_ends():
    clock = Clock()
    recent = RecentRequests(window=600, size=10, clock=clock)
    assert recent.first_time("a")
    assert not recent.first_time("a")
    clock.now += 599
    assert not recent.first_time("a")
    clock.now += 2
    assert recent.first_time("a")  # past the window: a signature this old is refused anyway


def test_memory_is_bounded_by_forgetting_the_oldest_first():
    recent = RecentRequests(window=600, size=3, clock=Clock())
    for key in "abcd":
        assert recent.first_time(key)
    assert len(recent) == 3
    assert recent.first_time("a")  # the oldest went to make room
    assert not recent.first_time("d")


def test_expired_keys_are_dropped_as_new_ones_come():
    clock = Clock()
    recent = RecentRequests(window=10, size=1000, clock=clock)
    for number in range(100):
        recent.first_time(f"old-{number}")
    clock.now += 11
    recent.first_time("new")
    assert len(recent) == 1


def _signed(body: bytes, timestamp: int = 1_700_000_000) -> BoltRequest:
    return BoltRequest(
        body=body.decode(),
        headers={
            "content-type": "application/json"
            if body.startswith(b"{")
            else "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": str(timestamp),
            "x-slack-signature": signature("secret", timestamp, body),
        },
    )


def test_an_event_is_keyed_by_its_event_id_whatever_its_signature():
    body = mention_body("<@UNEWSBOT> troops?", "1712345678.000100", event_id="Ev42")
    assert request_key(_signed(body, 1)) == request_key(_signed(body, 2)) == "event:Ev42"


def test_a_command_is_keyed_by_its_signature_timestamp_and_body():
    body = command_body("/ask", "troops?", "http://127.0.0.1/response/1")
    other = command_body("/ask", "troops?", "http://127.0.0.1/response/2")
    assert request_key(_signed(body)) == request_key(_signed(body))
    assert request_key(_signed(body)) != request_key(_signed(body, 1_700_000_001))
    assert request_key(_signed(body)) != request_key(_signed(other))


def test_an_unsigned_command_has_no_key():
    # Socket Mode delivers commands in an authenticated websocket, unsigned and without ids.
    request = BoltRequest(body={"command": "/ask", "text": "troops?"}, mode="socket_mode")
    assert request_key(request) is None
