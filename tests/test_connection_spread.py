"""`serve --processes 2` under 32 keep-alive connections: each process answers its share within 10%.

A real server over HTTP; which process answered is read from `borderlabour_process_requests_total`
(one series per process id on /metrics). Each of the 32 connections is opened and held before any
request, then sends the same number of requests, so a process's requests are its connections'.
The spread holds when a process dies and is replaced, and after SIGHUP replaces every process.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import plain_http
from tests.conftest import Server
from tests.waiting import until

pytestmark = pytest.mark.engine_independent(
    "how uvicorn's processes share keep-alive connections; only `me` is asked"
)

CONNECTIONS = 32
REQUESTS_EACH = 3
ROUNDS = 3
ME = json.dumps({"query": "{ me { code } }"})


@pytest.fixture(scope="module")
def two_processes(database, demo_tokens, tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("spread") / "server.log"
    server = Server(database, demo_tokens, log, _args="--processes 2", BORDERLABOUR_RATE_LIMIT="off")
    try:
        until(lambda: _reloads(server) == 2, 120)  # both processes have started
        until(lambda: len(_busy_processes(server)) == 2, 60)  # and accept
        yield server
    finally:
        server.stop()


def _samples(server: Server, name: str) -> dict[str, float]:
    text = plain_http.get(f"{server.url}/metrics", timeout=10).text
    return {
        s.labels.get("process", ""): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def _reloads(server: Server) -> float:
    return sum(_samples(server, "borderlabour_policy_reloads_total").values())


def _per_process(server: Server) -> dict[str, float]:
    return _samples(server, "borderlabour_process_requests_total")


def _round(server: Server) -> dict[str, int]:
    """Requests per process id of one round: 32 connections opened, then 3 requests on each."""
    headers = {"Authorization": f"Bearer {server.tokens['cn-hekou']}", "Content-Type": "application/json"}
    before = _per_process(server)
    opened = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=30) for _ in range(CONNECTIONS)]
    try:
        for connection in opened:
            connection.connect()
        for _ in range(REQUESTS_EACH):
            for connection in opened:
                connection.request("POST", "/graphql", body=ME, headers=headers)
                assert connection.getresponse().read().startswith(b'{"data":{"me":{"code":"cn-hekou"}}')
    finally:
        for connection in opened:
            connection.close()
    after = _per_process(server)
    return {pid: int(n - before.get(pid, 0)) for pid, n in after.items() if n > before.get(pid, 0)}


def _assert_even(server: Server) -> set[str]:
    """Each round's requests split within 10% of an even share over two processes; their ids."""
    seen: set[str] = set()
    for _ in range(ROUNDS):
        spread = _round(server)
        mean = CONNECTIONS * REQUESTS_EACH / 2
        assert len(spread) == 2 and sum(spread.values()) == 2 * mean, spread
        assert all(abs(n - mean) <= 0.1 * mean for n in spread.values()), spread
        seen |= spread.keys()
    return seen


def test_thirty_two_connections_split_evenly_over_two_processes(two_processes: Server) -> None:
    _assert_even(two_processes)


def test_the_split_stays_even_when_a_process_dies_and_after_sighup(two_processes: Server) -> None:
    server = two_processes
    before = _assert_even(server)
    dead = min(before)
    os.kill(int(dead), signal.SIGKILL)
    until(lambda: _reloads(server) == 3, 120)  # its replacement has started
    until(lambda: len(_busy_processes(server)) == 2, 60)  # and accepts
    replaced = _assert_even(server)
    assert dead not in replaced and len(replaced & before) == 1

    os.kill(server.process.pid, signal.SIGHUP)
    until(lambda: _reloads(server) == 5, 240)  # both processes replaced
    until(lambda: len(_busy_processes(server)) == 2, 60)
    reloaded = _assert_even(server)
    assert not reloaded & replaced


def _busy_processes(server: Server) -> set[str]:
    """The processes that answer requests now. A process's first requests can be slow enough that
    a connection held meanwhile reaches the server's deadline for a request's head: none then."""
    try:
        return set(_round(server))
    except (OSError, http.client.HTTPException):
        return set()
