"""What an operator expects of a running registry: JSON logs with each request's time and no personal
value, `/livez` and `/readyz`, `/metrics` on an address of its own with the process metrics, CORS
for the origins the settings name, and one rate limit across processes and hosts.

Two servers of this module's own run over the test database with those settings; their requests
use tokens issued here, so that no other test's requests share their buckets.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from harness.server import free_port
from settings import normalise_url
from tests import plain_http
from tests.conftest import Server, run_cli

ORIGIN = "https://frontend.example.org"
READ = "{ workers(first: 3) { edges { node { id fullName nationalIdNumber } } } }"
RATE = "1/m burst 6"  # over a test far shorter than a minute: six requests, whichever host


@pytest.fixture(scope="module")
def tokens(database) -> dict[str, str]:
    def issue(office: str) -> str:
        return run_cli(
            database, "token", "issue", "--office", office, "--label", "operations"
        ).stdout.split()[-1]

    return {"reader": issue("lc-home-affairs"), "limited": issue("lc-police")}


@pytest.fixture(scope="module")
def servers(database, tokens, tmp_path_factory) -> Iterator[tuple[Server, Server, int]]:
    folder = tmp_path_factory.mktemp("operations")
    metrics_port = free_port()
    settings = {"BORDERLABOUR_CORS_ORIGINS": ORIGIN, "BORDERLABOUR_RATE_LIMIT": RATE}
    first = Server(
        database,
        tokens,
        folder / "first.log",
        _args=f"--log-format json --metrics-address 127.0.0.1:{metrics_port}",
        **settings,
    )
    try:
        second = Server(database, tokens, folder / "second.log", **settings)
    except BaseException:
        first.stop()
        raise
    yield first, second, metrics_port
    first.stop()
    second.stop()


def _read(server: Server, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "placement-verification"}
    return plain_http.post(f"{server.url}/graphql", json={"query": READ}, headers=headers, timeout=30)


def test_json_log_lines_carry_the_request_and_its_times_and_no_personal_value(servers, tokens) -> None:
    server = servers[0]
    answer = _read(server, tokens["reader"])
    assert answer.status_code == 200, answer.text
    rid = answer.headers["x-request-id"]
    deadline = time.monotonic() + 30  # the line is written once the answer has gone
    while rid not in (text := server.log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    ours = [line for line in lines if line.get("requestId") == rid]
    assert len(ours) == 1, lines[-5:]
    line = ours[0]
    assert {"time", "level", "office", "operation", "status", "duration", "database", "ledgerWait"} <= set(
        line
    )
    assert line["office"] == "lc-home-affairs" and line["status"] == 200 and line["path"] == "/graphql"
    assert line["operation"].startswith("query") and "workers" in line["operation"]
    assert line["database"] > 0 and line["ledgerWait"] > 0 and line["duration"] >= line["database"]
    sent = [e["node"] for e in answer.json()["data"]["workers"]["edges"]]
    values = [v for node in sent for k, v in node.items() if k != "id" and v]
    assert values and [v for v in values if v in text] == []
    assert tokens["reader"] not in text


def _logged(server: Server, since: int, *words: str) -> str:
    """The server's log after byte `since`, once it holds every word (the access line is written once
    the answer has gone)."""
    deadline = time.monotonic() + 30
    while (
        not all(w in (text := server.log.read_text()[since:]) for w in words) and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    return text


def test_every_json_access_line_names_the_request_id_its_answer_and_its_other_lines_name(
    servers, tokens
) -> None:
    server = servers[0]
    since = len(server.log.read_text())
    asked = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    answers = [
        httpx.options(f"{server.url}/graphql", headers=asked),  # a preflight: no route runs
        plain_http.post(f"{server.url}/graphql", json={"query": "{ me { code } }"}),  # no token
        plain_http.get(f"{server.url}/no-such-page"),
    ]
    rids = [a.headers["x-request-id"] for a in answers]
    # A client that hangs up mid-body: nobody reads an answer, but the request's lines name one id.
    token = tokens["reader"]
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head.encode() + b"{")
    text = _logged(server, since, *rids, "disconnected")
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "borderlabour.access"]
    assert [line["requestId"] for line in access if line["requestId"] in rids] == rids, access
    assert [line["status"] for line in access[:3]] == [a.status_code for a in answers]
    gone = [line for line in lines if "disconnected" in line["message"]]
    assert len(gone) == 1 and gone[0]["requestId"] in gone[0]["message"]
    assert [line["requestId"] for line in access[3:]] == [gone[0]["requestId"]], access
    assert all(line.get("requestId") for line in access)


def test_text_access_lines_name_the_request_id_of_the_answer(servers, tokens) -> None:
    server = servers[1]  # text logs, the default
    since = len(server.log.read_text())
    answer = _read(server, tokens["reader"])
    rid = answer.headers["x-request-id"]
    text = _logged(server, since, rid)
    line = next(line for line in text.splitlines() if rid in line)
    assert re.search(
        rf" INFO borderlabour\.access POST /graphql 200 request={rid} office=lc-home-affairs ", line
    )


def test_livez_and_readyz_say_the_process_answers_and_can_serve(servers) -> None:
    server = servers[1]
    assert plain_http.get(f"{server.url}/livez").json() == {"status": "ok"}
    ready = plain_http.get(f"{server.url}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True, "ledger": True, "policy": True},
    }


def test_metrics_are_served_on_their_own_address_with_process_metrics(servers, tokens) -> None:
    first, _, metrics_port = servers
    _read(first, tokens["reader"])
    text = plain_http.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    assert "borderlabour_requests_total{" in text
    assert 'process_cpu_seconds_total{process="' in text and "process_resident_memory_bytes{" in text
    assert plain_http.get(f"{first.url}/metrics").status_code == 404


def test_cors_answers_preflights_for_the_listed_origin_only(servers, live_server) -> None:
    server = servers[1]
    asked = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,x-purpose,x-case-ref",
    }
    allowed = httpx.options(f"{server.url}/graphql", headers={"Origin": ORIGIN, **asked})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    # A purpose may need a case reference (DOMAIN.md, "Officers"): a browser must be let send it.
    assert {"x-purpose", "x-case-ref"} <= set(
        allowed.headers["access-control-allow-headers"].lower().split(", ")
    )
    other = httpx.options(f"{server.url}/graphql", headers={"Origin": "https://elsewhere.example", **asked})
    assert other.headers.get("access-control-allow-origin") is None
    # The default settings name no origin: no CORS header at all.
    default = httpx.options(f"{live_server.url}/graphql", headers={"Origin": ORIGIN, **asked})
    assert default.headers.get("access-control-allow-origin") is None


def test_one_rate_limit_holds_across_two_hosts(servers, tokens) -> None:
    _, second, _ = servers
    first = servers[0]
    headers = {"Authorization": f"Bearer {tokens['limited']}"}
    statuses = [
        plain_http.post(
            f"{s.url}/graphql", json={"query": "{ me { code } }"}, headers=headers, timeout=30
        ).status_code
        for s in (first, second) * 6
    ]
    assert statuses.count(200) == 6 and statuses.count(429) == 6, statuses


def test_a_multi_host_url_reaches_libpq_with_every_host_and_port_in_order() -> None:
    """`h1:p1,h2:p2` as libpq reads it: SQLAlchemy alone cannot parse it (it reads one port)."""
    url = normalise_url("postgresql://registry@db1:5432,db2:5433/reg?target_session_attrs=read-write")
    engine = create_engine(url)
    try:
        _, args = engine.dialect.create_connect_args(make_url(url))
    finally:
        engine.dispose()
    assert (args["host"], args["port"], args["dbname"], args["user"]) == (
        "db1,db2",
        "5432,5433",
        "reg",
        "registry",
    )
    assert args["target_session_attrs"] == "read-write"
    assert normalise_url("postgresql://registry@db1/reg") == "postgresql+psycopg://registry@db1/reg"
