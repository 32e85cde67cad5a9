"""Several server processes over one database: a revocation or a policy change reaches every one.

Two real `borderlabour serve` processes share the test database (PostgreSQL when
BORDERLABOUR_TEST_DATABASE_URL is set, else the SQLite file) and one policy folder. Nothing but the
database and the folder connects them: each process re-reads tokens after its two-second cache
and re-reads the policy files when their modification time changes.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from policies.access import POLICY_DIR
from tests import plain_http
from tests.conftest import Server, run_cli

ME = {"query": "{ me { code } }"}
WORKER_FIELDS = {"query": '{ __type(name: "Worker") { fields { name } } }'}
DEADLINE = 5.0


@pytest.fixture(scope="module")
def servers(database, demo_tokens, tmp_path_factory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("multiprocess")
    policy = folder / "policy"
    shutil.copytree(POLICY_DIR, policy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    started: list[Server] = []
    try:
        for n in range(2):
            log = folder / f"server-{n}.log"
            started.append(Server(database, demo_tokens, log, BORDERLABOUR_POLICY_DIR=str(policy)))
        yield policy, started
    finally:
        for server in started:
            server.stop()


def _post(server: Server, token: str, body: dict) -> httpx.Response:
    return plain_http.post(
        f"{server.url}/graphql", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def _seconds_until(
    servers: list[Server], check: Callable[[Server], bool], limit: float
) -> list[float | None]:
    """For each server, how long until `check` held (None if not within `limit` seconds)."""
    started = time.monotonic()
    took: list[float | None] = [None] * len(servers)
    while time.monotonic() - started < limit and None in took:
        for n, server in enumerate(servers):
            if took[n] is None and check(server):
                took[n] = time.monotonic() - started
        time.sleep(0.1)
    return took


def test_a_revoked_token_is_refused_by_every_process_within_five_seconds(database, servers) -> None:
    _, both = servers
    out = run_cli(database, "token", "issue", "--office", "cn-baise", "--label", "two processes").stdout
    token_id, token = int(out.splitlines()[0].split()[2]), out.splitlines()[-1].strip()
    for server in both:  # each process now holds the token in its cache
        assert _post(server, token, ME).json()["data"]["me"]["code"] == "cn-baise"

    run_cli(database, "token", "revoke", str(token_id))
    took = _seconds_until(both, lambda s: _post(s, token, ME).status_code == 401, DEADLINE)

    assert None not in took, f"still accepted after {DEADLINE} s by server(s) {took}"
    for server in both:  # and it stays refused
        assert _post(server, token, ME).status_code == 401


def test_a_policy_change_reaches_every_process_within_seconds(servers) -> None:
    policy, both = servers
    token = both[0].tokens["cn-wenshan"]

    def fields(server: Server) -> set[str]:
        kind = _post(server, token, WORKER_FIELDS).json()["data"]["__type"]
        return {f["name"] for f in kind["fields"]} if kind else set()

    assert all("dateOfBirth" in fields(s) for s in both)
    visibility = policy / "visibility.csv"
    rule = "p, cn-office, Worker.dateOfBirth, read\n"
    assert rule in visibility.read_text()
    visibility.write_text(visibility.read_text().replace(rule, ""))

    took = _seconds_until(both, lambda s: "dateOfBirth" not in fields(s), DEADLINE)

    assert None not in took, f"the field was still there after {DEADLINE} s on server(s) {took}"
    assert all("fullName" in fields(s) for s in both)


RELOADS = ("borderlabour_policy_reloads_total", ())
ME_ANSWERED = ("borderlabour_requests_total", (("operation", "query:me"), ("status", "200")))


@pytest.fixture(scope="module")
def two_processes(database, demo_tokens, tmp_path_factory) -> Iterator[Server]:
    """One `serve --processes 2` for the tests below, once both processes have loaded the policy.
    They count what their own requests add, so they run in either order."""
    server = Server(
        database, demo_tokens, tmp_path_factory.mktemp("two-processes") / "server.log", _args="--processes 2"
    )
    try:
        # /healthz answers as soon as one process is up: wait for the second one's policy load.
        both_loaded = _seconds_until([server], lambda _: _samples(server)[RELOADS] == 2, 60)
        assert both_loaded[0] is not None, "the second process never loaded the policy"
        yield server
    finally:
        server.stop()


def test_metrics_of_serve_with_two_processes_are_one_sum(two_processes: Server, demo_tokens) -> None:
    """Each process loads the policy once at start and answers some of the requests; whichever
    process answers GET /metrics reports the total over both."""
    server = two_processes
    before = _samples(server).get(ME_ANSWERED, 0)
    for _ in range(12):  # a new connection each time, so both processes take requests
        assert _post(server, demo_tokens["tq-police"], ME).status_code == 200
    for _ in range(6):
        now = _samples(server)
        assert now[RELOADS] == 2 and now[ME_ANSWERED] - before == 12, now


def _samples(server: Server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the server's /metrics, by name and labels."""
    from prometheus_client.parser import text_string_to_metric_families

    text = plain_http.get(f"{server.url}/metrics", timeout=10).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _per_process(server: Server) -> dict[str, float]:
    return {
        dict(labels)["process"]: value
        for (name, labels), value in _samples(server).items()
        if name == "borderlabour_process_requests_total"
    }


def test_connections_to_serve_reach_every_process_and_the_port_stays_one_servers(
    database, demo_tokens, two_processes: Server
) -> None:
    """The processes share one listening socket: new connections reach all of them, and a second
    `serve` on the same port is still refused before it starts."""
    server = two_processes
    before = _per_process(server)
    for _ in range(40):  # a new connection each time
        assert _post(server, demo_tokens["tq-police"], ME).status_code == 200
    after = _per_process(server)
    spread = {process: n - before.get(process, 0) for process, n in after.items()}
    assert len(spread) == 2 and all(n > 0 for n in spread.values()), spread
    assert sum(spread.values()) == 40

    second = run_cli(database, "serve", "--port", str(server.port), check=False)
    assert second.returncode != 0
    assert f"cannot listen on 127.0.0.1:{server.port}" in second.stderr
