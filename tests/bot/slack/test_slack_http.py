"""HTTP mode under load it must survive: stalled clients, oversized bodies, malformed requests.

Raw sockets on 127.0.0.1 play the misbehaving clients; the signed requests are Slack's.
"""

from __future__ import annotations

import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient

from bot.slack.app import build_app
from bot.slack.server import HttpServer
from bot.slack.settings import SlackSettings
from tests.bot.slack.conftest import BOT_TOKEN, SECRET
from tests.support.slack import SlackStandIn, command_body, send

STALLED_HEADERS = (
    b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"X-Slack-Request-Timestamp: 1\r\nX-Slack-Signature: v0=00\r\n"
)


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    family = socket.AF_INET6 if ":" in (parts.hostname or "") else socket.AF_INET
    client = socket.socket(family, socket.SOCK_STREAM)
    client.settimeout(20)  # a test fails rather than hangs
    client.connect((parts.hostname, parts.port))
    return client


def _stall(url: str, content_length: int = 100) -> socket.socket:
    """A client that sends its headers, promises a body and sends none of it."""
    client = _connect(url)
    client.sendall(STALLED_HEADERS + f"Content-Length: {content_length}\r\n\r\n".encode())
    return client


def _read_all(client: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := client.recv(65536):
        data += chunk
    return data


def test_a_client_that_stalls_after_its_headers_is_dropped_after_the_timeout(make_slack):
    slack = make_slack(idle_timeout_seconds=1)
    client = _stall(slack.url)
    started = time.monotonic()
    try:
        assert _read_all(client) == b""  # closed by the server, nothing answered
    finally:
        client.close()
    assert time.monotonic() - started < 15


def test_an_oversized_content_length_is_refused_without_reading_the_body(make_slack, caplog):
    slack = make_slack(max_request_bytes=64 * 1024)
    client = _stall(slack.url, content_length=200_000_000)  # and no byte of the body follows
    try:
        reply = _read_all(client)
    finally:
        client.close()
    assert reply.startswith(b"HTTP/1.1 413 ")
    # A signed request within the limit is still answered.
    status, _, _, key = slack.command("/ask", "how many Chinese troops?")
    assert status == 200
    assert "150,000" in slack.stand_in.wait_for(key)[0].body["text"]
    assert "Traceback" not in caplog.text


def test_a_signed_request_over_the_limit_is_refused_and_not_run(make_slack):
    slack = make_slack(max_request_bytes=64 * 1024)
    status, _, _, key = slack.command("/ask", "troops " * 12_000)
    assert status == 413
    time.sleep(0.3)
    assert slack.stand_in.posts(key) == []


def test_many_stalled_connections_do_not_stop_a_signed_request(make_slack):
    slack = make_slack(idle_timeout_seconds=60, max_connections=100)
    stalled = [_stall(slack.url) for _ in range(60)]  # far more than the server's threads
    try:
        status, _, _, key = slack.command("/ask", "how many Chinese troops?")
        assert status == 200
        assert "150,000" in slack.stand_in.wait_for(key)[0].body["text"]
    finally:
        for client in stalled:
            client.close()


def test_past_the_connection_limit_the_longest_stalled_make_room(make_slack):
    slack = make_slack(idle_timeout_seconds=60, max_connections=5)
    stalled = [_stall(slack.url) for _ in range(30)]  # six times the limit, none timed out
    try:
        status, _, _, key = slack.command("/ask", "how many Chinese troops?")
        assert status == 200
        assert "150,000" in slack.stand_in.wait_for(key)[0].body["text"]
        for client in stalled:
            client.settimeout(0.5)
        still_open = [client for client in stalled if not _closed(client)]
    finally:
        for client in stalled:
            client.close()
    assert len(still_open) <= 5  # the limit held: the longest silent were closed to make room
    assert stalled[0] not in still_open


def _closed(client: socket.socket) -> bool:
    try:
        return client.recv(1) == b""
    except TimeoutError:
        return False


def test_close_stops_serving_and_frees_the_port(make_slack):
    slack = make_slack()
    assert slack.command("/sources", "")[0] == 200
    slack.server.close()
    with pytest.raises(ConnectionRefusedError):
        _connect(slack.url)


def test_close_frees_the_port_when_the_loop_cannot_be_woken(make_slack):
    slack = make_slack()
    assert slack.command("/sources", "")[0] == 200
    slack.server._server.trigger.close()  # as when its pipe reports an error
    slack.server.close()
    with pytest.raises(ConnectionRefusedError):
        _connect(slack.url)
    assert not slack.server._thread.is_alive()


def test_an_ipv6_host_is_served(news_service):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    stand_in = SlackStandIn()
    settings = SlackSettings(rate_limit=0, base_url=stand_in.base_url)
    client = WebClient(token=BOT_TOKEN, base_url=settings.base_url)
    executor = ThreadPoolExecutor(2)
    app = build_app(news_service, settings, client, SECRET, executor=executor)
    try:
        server = HttpServer(app, SECRET, settings, host="::1", port=0).start()
    except OSError as error:
        executor.shutdown()
        stand_in.close()
        pytest.skip(f"cannot listen on ::1: {error}")
    try:
        assert server.url == f"http://[::1]:{server.port}/slack/events"
        body = command_body("/ask", "how many Chinese troops?", stand_in.response_url("v6"))
        assert send(server.url, body, SECRET)[0] == 200
        assert "150,000" in stand_in.wait_for("/response/v6")[0].body["text"]
    finally:
        server.close()
        executor.shutdown(wait=True)
        stand_in.close()


# -- malformed requests: refused plainly, never a 500 or a traceback ------------------------


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def _refused_without_a_trace(caplog: pytest.LogCaptureFixture, status: int) -> None:
    assert status in (400, 401)
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5", "²", "9" * 5000])
def test_a_timestamp_that_is_not_a_number_is_refused(make_slack, quiet_log, timestamp):
    slack = make_slack()
    body = command_body("/ask", "how many Chinese troops?", slack.stand_in.response_url("ts"))
    status, _, _ = send(slack.url, body, SECRET, headers={"X-Slack-Request-Timestamp": timestamp})
    _refused_without_a_trace(quiet_log, status)
    assert status == 401


@pytest.mark.parametrize("signed", [True, False])
def test_a_body_that_is_not_utf8_is_refused(make_slack, quiet_log, signed):
    slack = make_slack()
    body = b"command=%2Fask&text=troops&junk=\xff\xfe"
    status, _, _ = send(slack.url, body, SECRET if signed else "not-the-secret")
    _refused_without_a_trace(quiet_log, status)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"authorizations": 5}', b"payload=%5B%5D", b"payload=notjson"],
)
def test_an_unsigned_body_bolt_cannot_parse_is_refused_before_it_is_parsed(
    make_slack, quiet_log, body
):
    slack = make_slack()
    status, _, _ = send(slack.url, body, "not-the-secret")
    _refused_without_a_trace(quiet_log, status)
    assert status == 401


def test_the_server_survives_a_burst_of_malformed_requests(make_slack):
    slack = make_slack()

    def junk(i: int) -> int:
        return send(slack.url, b"\xff" * i, SECRET, headers={"X-Slack-Request-Timestamp": "x"})[0]

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(junk, range(1, 41))) == {401}
    status, _, _, key = slack.command("/ask", "how many Chinese troops?")
    assert status == 200 and slack.stand_in.wait_for(key)


def test_requests_from_a_stalled_client_never_reach_the_app(make_slack):
    slack = make_slack(idle_timeout_seconds=1)
    client = _stall(slack.url, content_length=50)
    client.sendall(b"command=%2Fask&text=")  # part of a body, then silence
    try:
        assert _read_all(client) == b""
    finally:
        client.close()
    assert slack.stand_in.posts("/response/") == []
