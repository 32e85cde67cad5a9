"""The officer behind each access and the case behind a request (issue 19, item 1).

A token may be issued to an officer; one issued to nobody is a service token, marked as such. Every
ledger entry records the officer, `audit log --officer` finds them, and `Worker.disclosures` shows
them. A purpose that requires a case reference (`data-subject-request`, policies/purposes.csv) is
refused without `X-Case-Ref`; a malformed one is refused naming the header; the ledger records it.
The same holds by every door an officer's token opens: a subscription's socket (the case in
`connection_init`) and an export read back by the import.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests import plain_http
from tests.conftest import OFFICER_ARGS, run_cli
from tests.procedure_steps import ready

ME = "{ me { code officer { id name } } }"
READ_ONE = "{ workers(first: 1) { nodes { id fullName } } }"
DISCLOSURES = """query($id: ID!) { node(id: $id) { ... on Worker {
  disclosures(first: 100) { office { code } purpose officer { id name } caseRef } } } }"""
SUBJECT = "data-subject-request"


def _issue(database, office: str, *extra: str) -> tuple[str, str]:
    """(the first line the CLI prints, the token)."""
    out = run_cli(database, "token", "issue", "--office", office, *extra).stdout.splitlines()
    return out[0], out[-1].strip()


def _post(server, token: str, query: str, purpose: str | None = None, **headers: str) -> httpx.Response:
    sent = {"Authorization": f"Bearer {token}", **headers}
    if purpose:
        sent["X-Purpose"] = purpose
    return plain_http.post(f"{server.url}/graphql", json={"query": query}, headers=sent, timeout=30)


def _log(database, *args: str) -> list[dict]:
    out = run_cli(database, "audit", "log", "--json", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def officer(database) -> dict[str, str]:
    """An officer of Hekou's labour market office, named with their own script, and their token."""
    officer_id = f"HK-{uuid.uuid4().hex[:8]}"
    said, token = _issue(database, "cn-hekou", "--officer-id", officer_id, "--officer-name", "李明 Lǐ Míng")
    assert f"officer {officer_id}" in said
    return {"id": officer_id, "name": "李明 Lǐ Míng", "token": token}


def test_an_officers_token_answers_me_with_the_officer(live_server, officer) -> None:
    me = _post(live_server, officer["token"], ME).json()["data"]["me"]
    assert me == {"code": "cn-hekou", "officer": {"id": officer["id"], "name": officer["name"]}}


def test_a_token_issued_to_no_officer_is_a_service_token(database, live_server) -> None:
    said, token = _issue(database, "cn-hekou")
    assert "service token" in said
    assert _post(live_server, token, ME).json()["data"]["me"]["officer"] is None
    listed = run_cli(database, "token", "list").stdout
    token_id = said.split()[2]
    (row,) = [line for line in listed.splitlines() if line.split()[0] == token_id]
    assert "(service)" in row


def test_an_officers_read_is_ledgered_with_the_officer_and_shown_in_the_workers_disclosures(
    database, live_server, as_office, officer
) -> None:
    answer = _post(live_server, officer["token"], READ_ONE, "placement-verification").json()
    worker = answer["data"]["workers"]["nodes"][0]["id"]
    (entry,) = _log(database, "--officer", officer["id"], "--limit", "5")
    assert entry["office"] == "cn-hekou" and entry["purpose"] == "placement-verification"
    assert entry["officer"] == {"id": officer["id"], "name": officer["name"]} and entry["workers"] == [worker]
    seen = as_office("lc-home-affairs", SUBJECT, "HS-2026/0042").data(DISCLOSURES, {"id": worker})
    mine = [
        d
        for d in seen["node"]["disclosures"]
        if d["officer"] == {"id": officer["id"], "name": officer["name"]}
    ]
    assert mine == [
        {
            "office": {"code": "cn-hekou"},
            "purpose": "placement-verification",
            "officer": {"id": officer["id"], "name": officer["name"]},
            "caseRef": None,
        }
    ]
    # The demo's tokens are service tokens: their entries name no officer. (The command line's name
    # the officer at the terminal: the suite's commands run as lc-home-affairs name OFFICER_ARGS's.)
    at_the_terminal = {"id": OFFICER_ARGS[1], "name": OFFICER_ARGS[3]}
    service = [
        d
        for d in seen["node"]["disclosures"]
        if d["office"] == {"code": "lc-home-affairs"} and d["officer"] != at_the_terminal
    ]
    assert all(d["officer"] is None for d in service)


def test_a_purpose_that_needs_a_case_reference_is_refused_without_one(as_office) -> None:
    response = as_office("lc-home-affairs", SUBJECT).post({"query": READ_ONE})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "CASE_REF_REQUIRED" and "data" not in body
    assert "X-Case-Ref" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "case_ref",
    ["HS\t2026", "x" * 65, b"HS-2026\x85"],
    ids=["control-character", "over-64", "c1-control"],
)
def test_a_malformed_case_reference_is_refused_naming_the_header(as_office, case_ref: str | bytes) -> None:
    client = as_office("lc-home-affairs", SUBJECT)
    response = client.post({"query": READ_ONE}, headers={"X-Case-Ref": case_ref})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_HEADER" and "X-Case-Ref" in error["message"]


def test_a_nul_in_the_case_reference_never_reaches_a_worker(live_server, demo_tokens) -> None:
    raw = (
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + demo_tokens["lc-home-affairs"].encode() + b"\r\n"
        b"X-Purpose: data-subject-request\r\nX-Case-Ref: HS\x002026\r\nContent-Length: 2\r\n\r\n{}"
    )
    import socket

    host, port = live_server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(raw)
        status = sock.recv(200).split(b"\r\n")[0]
    assert status.split()[1] == b"400"


def test_the_case_reference_is_ledgered_with_the_officer(database, live_server) -> None:
    officer_id = f"LC-{uuid.uuid4().hex[:8]}"
    _, token = _issue(
        database, "lc-home-affairs", "--officer-id", officer_id, "--officer-name", "Nguyễn Thị Hoa"
    )
    response = _post(live_server, token, READ_ONE, SUBJECT, **{"X-Case-Ref": "HS-2026/0007"})
    assert response.status_code == 200 and "errors" not in response.json()
    (entry,) = _log(database, "--officer", officer_id)
    assert entry["caseRef"] == "HS-2026/0007" and entry["purpose"] == SUBJECT
    assert entry["officer"] == {"id": officer_id, "name": "Nguyễn Thị Hoa"}


@pytest.mark.parametrize(
    "args",
    [
        ("--officer-id", "HK\x01", "--officer-name", "A"),
        ("--officer-id", "HK-1"),
    ],
    ids=["control-character", "no-name"],
)
def test_an_officers_token_is_not_issued_with_a_malformed_or_half_named_officer(database, args) -> None:
    result = run_cli(database, "token", "issue", "--office", "cn-hekou", *args, check=False)
    assert result.returncode != 0 and "blr_" not in result.stdout


def _newest_event(client) -> str | None:
    """The office's newest event cursor now (None: it has none)."""
    query = "query($a: String) { events(first: 100, after: $a) { pageInfo { hasNextPage endCursor } } }"
    after = None
    while True:
        page = client.data(query, {"a": after})["events"]["pageInfo"]
        if not page["hasNextPage"]:
            return page["endCursor"] or after
        after = page["endCursor"]


def _socket(server, token: str, **init: str) -> ClientConnection:
    url = server.url.replace("http://", "ws://") + "/graphql"
    socket = connect(url, subprotocols=["graphql-transport-ws"], open_timeout=30)
    socket.send(json.dumps({"type": "connection_init", "payload": {"token": token, **init}}))
    return socket


def test_a_subscription_is_ledgered_with_the_officer_and_the_case_given_in_connection_init(
    database, live_server, as_office
) -> None:
    # Only what follows this moment: the worker made here, not those other tests read.
    newest = _newest_event(as_office("lc-home-affairs", SUBJECT, "HS-2026/0100"))
    ready(as_office)  # a new worker cleared: status changes lc-home-affairs is told of
    officer_id = f"LC-{uuid.uuid4().hex[:8]}"
    _, token = _issue(database, "lc-home-affairs", "--officer-id", officer_id, "--officer-name", "Lò Văn Páo")
    with _socket(live_server, token, purpose=SUBJECT, caseRef="HS-2026/0101") as socket:
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
        query = "subscription($a: String) { events(after: $a) { kind record { __typename id } } }"
        subscribe = {"query": query, "variables": {"a": newest}}
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        assert json.loads(socket.recv(timeout=20))["type"] == "next"
    entries = _log(database, "--officer", officer_id)
    assert entries, "the pages the subscription read are ledgered"
    assert {(e["purpose"], e["caseRef"]) for e in entries} == {(SUBJECT, "HS-2026/0101")}
    assert all(e["officer"] == {"id": officer_id, "name": "Lò Văn Páo"} for e in entries)


def test_a_subscription_for_a_purpose_that_needs_a_case_is_refused_without_one(live_server) -> None:
    socket = _socket(live_server, live_server.tokens["lc-home-affairs"], purpose=SUBJECT)
    with socket, pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    assert "caseRef" in closed.value.rcvd.reason


def test_a_subscriptions_refusal_in_chinese_fits_the_close_frame(live_server) -> None:
    """A close frame's reason holds at most 123 bytes: a refusal in Chinese is cut, not dropped."""
    url = live_server.url.replace("http://", "ws://") + "/graphql?lang=zh"
    init = {"token": live_server.tokens["lc-home-affairs"], "purpose": SUBJECT}
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=30) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": init}))
        with pytest.raises(ConnectionClosed) as closed:  # noqa: SIM117 (the message is sent first)
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    assert closed.value.rcvd.reason.startswith("目的") and len(closed.value.rcvd.reason.encode()) <= 123


def test_an_export_read_back_is_ledgered_with_the_officer_who_sent_it(database, live_server) -> None:
    officer_id = f"TQ-{uuid.uuid4().hex[:8]}"
    _, token = _issue(
        database, "tq-home-affairs", "--officer-id", officer_id, "--officer-name", "Hoàng Thị Mai"
    )
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "worker-registration"}
    exported = plain_http.get(
        f"{live_server.url}/exports/workers.xlsx", params={"status": "DEPLOYED"}, headers=headers, timeout=120
    )
    assert exported.status_code == 200, exported.text
    since = dt.datetime.now(dt.UTC).isoformat()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    read_back = plain_http.post(
        f"{live_server.url}/imports/workers",
        content=exported.content,
        headers=headers | {"Content-Type": xlsx},
        timeout=120,
    )
    assert read_back.status_code == 200 and read_back.json()["dryRun"] is True, read_back.text
    compared = _log(database, "--office", "tq-home-affairs", "--since", since, "--limit", "1000")
    assert compared, "reading each row's record back is ledgered"
    assert all(e["officer"] == {"id": officer_id, "name": "Hoàng Thị Mai"} for e in compared)
