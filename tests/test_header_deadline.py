"""A request whose head never finishes is cut off (issue 17, "Low"): a client that sends half a request
line and waits must not hold a connection for ever. The head has the body's time
(`BORDERLABOUR_BODY_SECONDS`, here 2 s); a real server process, a raw socket. A body has a time on
every route that reads one: an import's file that trickles in past `BORDERLABOUR_UPLOAD_SECONDS`
(here 3 s) is cut off as a GraphQL operation is."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import Database, Server

pytestmark = pytest.mark.engine_independent("uvicorn's deadline for a request's head")

SECONDS = 2
UPLOAD_SECONDS = 3  # not the body's: the upload route must read its own setting


@pytest.fixture(scope="module")
def impatient_server(database: Database, demo_tokens: dict[str, str], tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("head") / "server.log"
    server = Server(
        database,
        demo_tokens,
        log,
        BORDERLABOUR_BODY_SECONDS=str(SECONDS),
        BORDERLABOUR_UPLOAD_SECONDS=str(UPLOAD_SECONDS),
    )
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _trickled(
    server: Server, path: str, content_type: str, declared: int = 100_000
) -> tuple[bytes, dict[str, str], dict]:
    """A body declared `declared` bytes long of which 4 are sent: the status line, headers and answer."""
    token = server.tokens["tq-home-affairs"]
    head = (
        f"POST {path} HTTP/1.1\r\nHost: registry\r\nAuthorization: Bearer {token}\r\n"
        f"X-Purpose: worker-registration\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\n\r\n"
    )
    with _connect(server) as connection:
        connection.sendall(head.encode() + b"PK\x03\x04")
        try:
            received = _read_until_closed(connection)
        except TimeoutError:
            pytest.fail(f"no answer after {SECONDS * 5} s")
    top, _, body = received.partition(b"\r\n\r\n")
    status, *lines = top.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status.encode(), headers, json.loads(body)


@pytest.mark.parametrize("content_type", [XLSX, "multipart/form-data; boundary=registry"])
def test_an_import_whose_file_trickles_in_is_answered_408_as_graphql_is(
    impatient_server, content_type: str
) -> None:
    status, headers, answer = _trickled(impatient_server, "/imports/workers", content_type)
    assert status.startswith(b"HTTP/1.1 408 "), (status, answer)
    assert headers["connection"] == "close"
    error = answer["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    _, _, graphql = _trickled(impatient_server, "/graphql", "application/json", declared=1000)
    said = graphql["errors"][0]["message"]
    number = re.compile(r"\d+(?:\.\d+)?")
    assert number.sub("N", error["message"]) == number.sub("N", said)  # the same words
    assert [float(n) for n in number.findall(error["message"])] == [UPLOAD_SECONDS]
    assert [float(n) for n in number.findall(said)] == [SECONDS]
