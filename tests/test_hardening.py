"""Hardening from the outside: private files, bounded metrics, office-bound cursors, slow bodies,
disconnects and NUL characters, each over real HTTP against a real `serve` process."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path

import pytest

from ledger.keys import LedgerFiles
from tests import plain_http
from tests.conftest import Server

pytestmark = pytest.mark.engine_independent(
    "the HTTP door: file modes, metrics, cursor signing, slow bodies, NUL refused before any statement"
)

PAGE = "query($after: String) { workers(first: 2, after: $after) { pageInfo { endCursor } nodes { id } } }"


@pytest.fixture(scope="module")
def strict_server(database, demo_tokens, tmp_path_factory):
    """A server that gives up on a request body after one second, listening on every interface."""
    server = Server(
        database,
        demo_tokens,
        tmp_path_factory.mktemp("strict") / "server.log",
        BORDERLABOUR_BODY_SECONDS="1",
        _args="--host 0.0.0.0",
    )
    yield server
    server.stop()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_shm_and_ledger_head_and_its_locks_are_readable_by_their_owner_only(
    database, as_office
) -> None:
    as_office("tq-home-affairs").data("{ workers(first: 1) { nodes { fullName } } }")  # writes the head
    head = LedgerFiles.beside_keys(database.key_file).head
    files = [head, head.with_name(head.name + ".lock")]  # the head is read and written under its lock
    if database.url.startswith("postgresql"):  # where the appenders of a host take turns
        files.append(head.with_name(head.name + ".turn"))
    if database.url.startswith("sqlite"):
        db = Path(database.url.removeprefix("sqlite:///"))
        files += [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    for path in files:
        assert path.exists(), path
        assert _mode(path) == 0o600, f"{path.name}: {oct(_mode(path))}"


def _metrics(server: Server) -> str:
    return plain_http.get(f"{server.url}/metrics", timeout=30).text


def test_made_up_root_field_names_never_become_metric_series(live_server, as_office) -> None:
    client = as_office("cn-hekou")
    for i in range(40):
        client.post({"query": f"{{ madeUpField{i} {{ id }} }}"})
    text = _metrics(live_server)
    assert "madeUpField" not in text
    assert 'operation="invalid"' in text


def _outside_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_metrics_are_served_to_the_local_host_only(strict_server) -> None:
    assert "borderlabour_db_statements_total" in _metrics(strict_server)
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    response = plain_http.get(f"http://{address}:{strict_server.port}/metrics", timeout=30)
    assert response.status_code == 404 and "borderlabour" not in response.text


def test_another_offices_cursor_is_an_invalid_cursor(as_office) -> None:
    cursor = as_office("cn-hekou").data(PAGE)["workers"]["pageInfo"]["endCursor"]
    assert as_office("cn-hekou").data(PAGE, {"after": cursor})["workers"]["nodes"]
    for other in ("cn-baise", "cn-wenshan", "lc-home-affairs"):
        body = as_office(other).query(PAGE, {"after": cursor})
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_CURSOR"], other
        assert body["data"] is None or body["data"]["workers"] is None


def _raw_request(server: Server, body_part: bytes, declared: int) -> socket.socket:
    token = server.tokens["cn-hekou"]
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    conn.sendall(head + body_part)
    return conn


def test_a_body_that_trickles_in_is_cut_off_with_408(strict_server) -> None:
    started = time.monotonic()
    with _raw_request(strict_server, b'{"query": "{ me', 200) as conn:
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
        answer = b"".join(chunks).decode()
    assert answer.startswith("HTTP/1.1 408"), answer
    assert "REQUEST_TIMEOUT" in answer
    assert time.monotonic() - started < 8


def test_a_client_that_disconnects_is_one_info_line(strict_server) -> None:
    before = strict_server.log.read_text()
    _raw_request(strict_server, b'{"query": "{', 200).close()
    deadline = time.monotonic() + 10
    while "disconnected" not in strict_server.log.read_text()[len(before) :] and time.monotonic() < deadline:
        time.sleep(0.1)
    new = strict_server.log.read_text()[len(before) :]
    lines = [line for line in new.splitlines() if "disconnected" in line]
    assert len(lines) == 1 and " INFO " in lines[0], new
    assert "Traceback" not in new and " ERROR " not in new, new


NUL = "A\u0000B"
NUL_REQUESTS = {
    "worker-name-filter": (
        "query($v: String) { workers(filter: {fullNameContains: $v}) { totalCount } }",
        "v",
    ),
    "worker-ethnicity-filter": ("query($v: String) { workers(filter: {ethnicity: $v}) { totalCount } }", "v"),
    "national-id-filter": (
        "query($v: String) { workers(filter: {nationalIdNumber: $v}) { totalCount } }",
        "v",
    ),
    "employer-name-filter": (
        "query($v: String) { employers(filter: {nameContains: $v}) { totalCount } }",
        "v",
    ),
    "unit-parent-code": ("query($v: String) { administrativeUnits(parentCode: $v) { code } }", "v"),
    "crossing-gate-code": ("query($v: String) { crossings(filter: {gateCode: $v}) { totalCount } }", "v"),
    "literal-in-document": ('{ workers(filter: {ethnicity: "A\\u0000B"}) { totalCount } }', None),
    "register-worker-name": (
        'mutation($v: String!) { registerWorker(input: {fullName: $v, dateOfBirth: "1990-01-01",'
        ' sex: FEMALE, ethnicity: "Dao", nationalIdNumber: "002190000001",'
        ' homeCommuneCode: "x"}) { worker { id } } }',
        "v",
    ),
}


@pytest.mark.parametrize("name", sorted(NUL_REQUESTS))
def test_a_nul_character_in_a_string_argument_is_a_clear_input_error(name: str, as_office) -> None:
    query, variable = NUL_REQUESTS[name]
    response = as_office("tq-home-affairs").post(
        {"query": query, "variables": {variable: NUL} if variable else {}}
    )
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT" and "NUL" in error["message"]
