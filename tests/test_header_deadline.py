"""A request whose head never finishes is cut off (issue 17, "Low"): a client that sends half a request
line and waits must not hold a connection for ever. The head has the body's time
(`BORDERLABOUR_BODY_SECONDS`, here 2 s); a real server process, a raw socket."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import Database, Server

pytestmark = pytest.mark.engine_independent("uvicorn's deadline for a request's head")

SECONDS = 2


@pytest.fixture(scope="module")
def impatient_server(database: Database, demo_tokens: dict[str, str], tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("head") / "server.log"
    server = Server(database, demo_tokens, log, BORDERLABOUR_BODY_SECONDS=str(SECONDS))
    try:
        yield server
    finally:
        server.stop()


def _connect(server: Server) -> socket.socket:
    address = urlsplit(server.url)
    return socket.create_connection((address.hostname, address.port), timeout=SECONDS * 5)


def _read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


@pytest.mark.parametrize("sent", [b"GET /heal", b"GET /healthz HTTP/1.1\r\nHost: registry\r\nAccept: "])
def test_a_request_head_that_never_finishes_is_answered_408_and_closed(impatient_server, sent: bytes) -> None:
    with _connect(impatient_server) as connection:
        started = time.monotonic()
        connection.sendall(sent)
        try:
            received = _read_until_closed(connection)
        except TimeoutError:
            pytest.fail(f"the connection was still open after {SECONDS * 5} s")
        waited = time.monotonic() - started
    assert received.startswith(b"HTTP/1.1 408 ")
    assert SECONDS - 0.5 <= waited < SECONDS * 3


def test_a_whole_request_is_still_answered_on_the_same_server(impatient_server) -> None:
    with _connect(impatient_server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: registry\r\nConnection: close\r\n\r\n")
        received = _read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 200 ")
