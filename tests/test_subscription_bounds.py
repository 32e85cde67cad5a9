"""What bounds a socket, with a real WebSocket client against the real server: a subscription is
refused over the cost limit as the same read over HTTP is, a socket runs at most
`BORDERLABOUR_SUBSCRIPTIONS_PER_SOCKET` subscriptions, each `subscribe` counts against the token's
rate like a request, and a message graphql-transport-ws cannot read closes the socket with 4400
and a reason, leaving no traceback in the server's log (README, "Subscriptions"; the protocol's
"Invalid message")."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests import plain_http
from tests.conftest import AsOffice, Server

OPEN_SECONDS = 30  # as tests/test_event_subscriptions.py: a busy CI machine opens sockets slowly
MOST = 2  # the bounded server's subscriptions per socket
BURST = 4  # the bounded server's burst; then one a minute, so nothing refills during a test
# Every employer's placements' workers' crossings, ten times over: within the limit per event, but
# the page of 100 events a subscription reads at once could return 10,202,300 objects.
TEN_DEEP = "\n".join(
    f"r{i}: record {{ ... on Placement {{ employer {{ placements(first: 100) {{ worker {{"
    f" crossings(first: 100) {{ crossedAt }} }} }} }} }} }}"
    for i in range(10)
)
COSTLY = f"subscription {{ events {{ kind {TEN_DEEP} }} }}"
COSTLY_OVER_HTTP = (
    f"{{ events(first: 100) {{ edges {{ cursor node {{ kind {TEN_DEEP} }} }}"
    " pageInfo { hasNextPage endCursor } } }"
)
QUIET = "subscription { events(kinds: [RECORD_CORRECTED]) { kind } }"


@pytest.fixture(scope="module")
def bounded_server(database, demo_tokens, tmp_path_factory) -> Iterator[Server]:
    server = Server(
        database,
        demo_tokens,
        tmp_path_factory.mktemp("bounds") / "server.log",
        BORDERLABOUR_SUBSCRIPTIONS_PER_SOCKET=str(MOST),
        BORDERLABOUR_RATE_LIMIT=f"1/m burst {BURST}",
    )
    yield server
    server.stop()


def _url(server: Server, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/graphql" + query


@contextmanager
def _acked(server: Server, office: str, purpose: str, **headers: str) -> Iterator[ClientConnection]:
    with connect(
        _url(server),
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,
        open_timeout=OPEN_SECONDS,
    ) as socket:
        init = {"type": "connection_init", "payload": {"token": server.tokens[office], "purpose": purpose}}
        socket.send(json.dumps(init))
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
        yield socket


def _subscribe(socket: ClientConnection, query: str) -> str:
    sid = uuid.uuid4().hex[:8]
    socket.send(json.dumps({"id": sid, "type": "subscribe", "payload": {"query": query}}))
    return sid


def _until_pong(socket: ClientConnection, also: str | None = None) -> list[dict[str, Any]]:
    """Every message up to a pong (and, with `also`, up to that subscription's `error` too)."""
    socket.send(json.dumps({"type": "ping"}))
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20

    def done() -> bool:
        ponged = any(m["type"] == "pong" for m in messages)
        return ponged and (
            also is None or any(m.get("id") == also and m["type"] == "error" for m in messages)
        )

    while not done():
        messages.append(json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic()))))
    return messages


def _refusal(messages: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    (error,) = [m for m in messages if m.get("id") == sid and m["type"] == "error"]
    (first,) = error["payload"]
    return dict(first)


def test_a_subscription_over_the_cost_limit_is_refused_as_over_http_and_nothing_is_sent(
    live_server: Server, as_office: AsOffice
) -> None:
    over_http = as_office("cn-hekou").post({"query": COSTLY_OVER_HTTP}, headers={"Accept-Language": "vi"})
    assert over_http.status_code == 400, over_http.text
    (http_error,) = over_http.json()["errors"]
    assert http_error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    with _acked(live_server, "cn-hekou", "placement-verification", **{"Accept-Language": "vi"}) as socket:
        sid = _subscribe(socket, COSTLY)
        messages = _until_pong(socket, also=sid)
        error = _refusal(messages, sid)
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert error["message"] == http_error["message"]  # the same estimate, limit and language
        assert "100000" in error["message"].replace(".", "").replace(",", "")
        assert [m for m in messages if m["type"] == "next"] == []
        time.sleep(1)  # nothing follows the refusal either
        assert [json.loads(m) for m in _drain(socket) if json.loads(m)["type"] != "pong"] == []


def _drain(socket: ClientConnection) -> list[str]:
    socket.send(json.dumps({"type": "ping"}))
    received = []
    while True:
        message = socket.recv(timeout=10)
        received.append(str(message))
        if json.loads(message)["type"] == "pong":
            return received


def test_the_subscription_beyond_the_cap_is_refused_and_a_completed_one_frees_its_place(
    bounded_server: Server,
) -> None:
    with _acked(bounded_server, "cn-hekou", "placement-verification", **{"Accept-Language": "zh"}) as socket:
        running = [_subscribe(socket, QUIET) for _ in range(MOST)]
        beyond = _subscribe(socket, QUIET)
        messages = _until_pong(socket, also=beyond)
        assert [m for m in messages if m["type"] == "error" and m["id"] in running] == []
        refused = _refusal(messages, beyond)
        assert refused["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        assert str(MOST) in refused["message"] and "订阅" in refused["message"]  # in the reader's language
        socket.send(json.dumps({"id": running[0], "type": "complete"}))
        _subscribe(socket, QUIET)  # the fourth subscribe: the burst's last
        messages = _until_pong(socket)
        assert [m for m in messages if m["type"] == "error"] == [], messages


def test_subscribes_over_the_tokens_rate_are_refused_naming_the_wait(bounded_server: Server) -> None:
    with _acked(bounded_server, "lc-customs", "crossing-control") as socket:
        for _ in range(BURST):  # one at a time, each completed: the cap never refuses them
            sid = _subscribe(socket, QUIET)
            socket.send(json.dumps({"id": sid, "type": "complete"}))
        assert [m for m in _until_pong(socket) if m["type"] == "error"] == []
        over = _subscribe(socket, QUIET)
        refused = _refusal(_until_pong(socket, also=over), over)
        assert refused["extensions"]["code"] == "RATE_LIMITED"
        wait = refused["extensions"]["retryAfter"]
        assert 1 <= wait <= 60 and f"{wait} s" in refused["message"]
    # The socket's subscribes and the token's HTTP requests draw on one bucket.
    answer = plain_http.post(
        f"{bounded_server.url}/graphql",
        json={"query": "{ me { code } }"},
        headers={"Authorization": f"Bearer {bounded_server.tokens['lc-customs']}"},
        timeout=30,
    )
    assert answer.status_code == 429, answer.text


SUBSCRIBE_PAYLOAD_A_STRING = {"id": "1", "type": "subscribe", "payload": "subscription { events { kind } }"}
MISUSES = {
    "text-not-json-before-init": (False, "this is not json"),
    "binary-before-init": (False, b'{"type": "connection_init"}'),
    "text-not-json-after-init": (True, "{not json"),
    "binary-after-init": (True, b'{"type": "ping"}'),
    "subscribe-payload-a-string": (True, json.dumps(SUBSCRIBE_PAYLOAD_A_STRING)),
    "subscribe-without-id": (True, json.dumps({"type": "subscribe", "payload": {"query": QUIET}})),
    "subscribe-query-not-a-string": (
        True,
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": 5}}),
    ),
}


@pytest.mark.parametrize(("after_init", "frame"), MISUSES.values(), ids=MISUSES.keys())
def test_a_message_the_protocol_cannot_read_closes_with_4400_and_no_traceback(
    live_server: Server, after_init: bool, frame: str | bytes
) -> None:
    since = len(live_server.log.read_text())
    with connect(
        _url(live_server), subprotocols=["graphql-transport-ws"], open_timeout=OPEN_SECONDS
    ) as socket:
        if after_init:
            init = {"token": live_server.tokens["cn-hekou"], "purpose": "placement-verification"}
            socket.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
        socket.send(frame)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=10)
    assert closed.value.rcvd is not None, "the server ended the socket without a close frame"
    assert closed.value.rcvd.code == 4400 and closed.value.rcvd.reason
    # A request after the close: once its line is in the log, whatever the socket logged is too.
    # (GET /graphql without asking for the page: a 405, logged with its request id, needing no token)
    marker = plain_http.get(f"{live_server.url}/graphql", timeout=30).headers["x-request-id"]
    deadline = time.monotonic() + 30
    while marker not in (logged := live_server.log.read_text()[since:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker in logged
    assert "Traceback" not in logged and " ERROR " not in logged, logged
