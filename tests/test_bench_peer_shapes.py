"""The comparison with PostGraphile (issue 23): the registry answers each shape's document as the
bench's office, two answers are the same only when they hold the same data (whatever each server
shows differently by design), and CPU is counted for the processes that serve each side only."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from bench.load import raw_requests
from bench.peer import answered_by_process, ledger_under_load
from bench.peer_cpu import Side, owners
from bench.peer_load import Connection
from bench.peer_report import ratios, spread_row
from bench.peer_shapes import SHAPES, SHAPES_BY_KEY, differences
from bench.server import counters_of
from tests import plain_http
from tests.conftest import AsOffice

OFFICE, PURPOSE = "cn-hekou", "placement-verification"


def _worker_ours() -> dict[str, Any]:
    return {
        "id": "V29ya2VyOjE=",
        "fullName": "Lò Văn A",
        "dateOfBirth": "1990-01-02",
        "status": "DEPLOYED",
        "borderPassNumber": "BP1234567",
        "placements": [
            {"job": "fitter", "startDate": "2024-03-01", "status": "ACTIVE", "employer": {"nameZh": "河口厂"}}
        ],
        "healthChecks": [{"checkedOn": "2024-02-01", "result": "FIT"}],
        "crossings": [
            {"direction": "EXIT_VIETNAM", "crossedAt": "2024-03-01T08:00:00+07:00", "gate": {"code": "G1"}}
        ],
    }


def _worker_peer() -> dict[str, Any]:
    return {
        "id": "WyJXb3JrZXIiLDFd",
        "fullName": "Lò Văn A",
        "dateOfBirth": "1990-01-02",
        "status": "deployed",
        "borderPassSealed": "gAAAAB...",
        "placementsByWorkerId": {
            "nodes": [
                {"job": "fitter", "startDate": "2024-03-01", "status": "active",
                 "employerByEmployerId": {"nameZh": "河口厂"}}
            ]
        },
        "healthChecksByWorkerId": {"nodes": [{"checkedOn": "2024-02-01", "result": "fit"}]},
        "crossingsByWorkerId": {
            "nodes": [{"direction": "exit_vietnam", "crossedAt": "2024-03-01T01:00:00+00:00",
                       "borderGateByGateId": {"code": "G1"}}]
        },
    }  # fmt: skip


def _pair() -> tuple[dict[str, Any], dict[str, Any]]:
    return {"data": {"node": _worker_ours()}}, {"data": {"workerByRowId": _worker_peer()}}


WORKER = SHAPES_BY_KEY["worker"]


def test_answers_differing_only_in_what_each_server_shows_its_own_way_are_the_same() -> None:
    ours, peer = _pair()
    assert differences(WORKER, ours, peer) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda w: w["crossingsByWorkerId"]["nodes"][0]["borderGateByGateId"].update(code="G2"),
        lambda w: w["crossingsByWorkerId"]["nodes"][0].update(crossedAt="2024-03-01T08:00:00+00:00"),
        lambda w: w["healthChecksByWorkerId"]["nodes"].clear(),
        lambda w: w["placementsByWorkerId"]["nodes"][0].update(status="ended"),
        lambda w: w.update(borderPassSealed=None),
        lambda w: w.update(fullName="Lò Văn B"),
    ],
    ids=["gate", "moment", "checks", "placement status", "sealed value missing", "name"],
)
def test_answers_holding_different_data_differ(change: Any) -> None:
    ours, peer = _pair()
    change(peer["data"]["workerByRowId"])
    assert differences(WORKER, ours, peer)


def test_an_error_or_a_missing_object_is_never_the_same_answer() -> None:
    ours, peer = _pair()
    assert differences(WORKER, {"errors": [{"message": "no"}], "data": None}, peer)
    assert differences(WORKER, {"data": {"node": None}}, {"data": {"workerByRowId": None}})


def test_pages_of_different_lengths_or_order_differ() -> None:
    page = SHAPES_BY_KEY["page10"]
    w1, w2 = _worker_ours(), {**_worker_ours(), "fullName": "Lò Văn B"}
    p1, p2 = _worker_peer(), {**_worker_peer(), "fullName": "Lò Văn B"}

    def ours(*ws: Any) -> dict[str, Any]:
        return {"data": {"workers": {"pageInfo": {"hasNextPage": True}, "nodes": copy.deepcopy(list(ws))}}}

    def peer(*ws: Any) -> dict[str, Any]:
        return {"data": {"allWorkers": {"pageInfo": {"hasNextPage": True}, "nodes": copy.deepcopy(list(ws))}}}

    assert differences(page, ours(w1, w2), peer(p1, p2)) == []
    assert differences(page, ours(w1, w2), peer(p2, p1))
    assert differences(page, ours(w1, w2), peer(p1))


def test_every_shape_is_answered_by_the_registry_as_the_benchs_office(as_office: AsOffice) -> None:
    client = as_office(OFFICE, PURPOSE)
    first = client.data(SHAPES_BY_KEY["page10"].ours, {"first": 1})["workers"]["nodes"][0]
    context = {"worker_id": first["id"], "worker_row_id": 0}
    for shape in SHAPES:
        data = client.data(shape.ours, shape.ours_variables(context))
        assert shape.normal_ours(data), shape.key


def test_cpu_is_counted_for_a_sides_processes_and_its_own_backends_only() -> None:
    processes = {
        100: (1, "python -m cli.main serve"),
        101: (100, "python -m cli.main serve"),  # a serving process
        200: (1, "node cli-run.js"),
        300: (1, "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main"),
        301: (300, "postgres: 15/main: postgres bench_db 127.0.0.1(5000) idle"),
        302: (300, "postgres: 15/main: peer_role bench_db 127.0.0.1(5001) SELECT"),
        303: (300, "postgres: 15/main: postgres other_db 127.0.0.1(5002) idle"),
        304: (300, "postgres: 15/main: parallel worker for PID 302"),
        305: (300, "postgres: 15/main: autovacuum worker bench_db"),
        306: (300, "postgres: peer_role bench_db [local] idle"),  # no cluster name in the title
    }
    sides = {"ours": Side(100, "postgres", "bench_db"), "peer": Side(200, "peer_role", "bench_db")}
    assert owners(sides, processes) == {
        100: ("ours", "server"),
        101: ("ours", "server"),
        200: ("peer", "server"),
        301: ("ours", "database"),
        302: ("peer", "database"),
        304: ("peer", "parallel"),
        306: ("peer", "database"),
    }


def test_a_request_on_a_connection_the_server_closed_while_idle_is_sent_again() -> None:
    answered: list[bytes] = []

    async def serve_one_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))[15:]
        )
        answered.append(await reader.readexactly(length))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()  # as a server closes a keep-alive connection left idle

    async def run() -> list[tuple[int, bytes]]:
        server = await asyncio.start_server(serve_one_then_close, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        raw = raw_requests("127.0.0.1", port, [{"body": "{}", "headers": {}}])[0]
        connection = await Connection.open("127.0.0.1", port)
        answers = [await connection.send(raw), await connection.send(raw)]
        connection.close()
        server.close()
        return answers

    assert asyncio.run(run()) == [(200, b"{}"), (200, b"{}")]
    assert answered == [b"{}", b"{}"]


def test_a_shape_answered_with_errors_is_given_no_ratio_against_its_target() -> None:
    def side(errors: int) -> dict[str, Any]:
        cpu = {"total_ms": 2.0, "server_ms": 1.0, "database_ms": 1.0}
        return {"sequential": [0.01], "throughput": 10.0, "errors": errors,
                "cpu_sequential": cpu, "cpu_concurrent": cpu}  # fmt: skip

    shapes = {"worker": {"ours": side(0), "peer": side(0)}, "page10": {"ours": side(0), "peer": side(3)}}
    found = {r["shape"].key: r for r in ratios(shapes)}
    assert (found["worker"]["latency"], found["worker"]["throughput"], found["worker"]["cpu"]) == (1, 1, 1)
    assert (found["page10"]["latency"], found["page10"]["throughput"], found["page10"]["cpu"]) == (None,) * 3


def test_a_process_that_answered_nothing_in_a_phase_counts_as_zero_in_the_spread() -> None:
    assert answered_by_process({11: 40.0, 12: 7.0}, {11: 640.0, 12: 7.0}) == [600, 0]
    assert answered_by_process({}, {11: 300.0, 12: 320.0}) == [300, 320]


@pytest.mark.parametrize(
    ("answered", "verdict"),
    [([500, 520], "met"), ([450, 560], "**missed**"), ([0, 1000], "**missed**"), ([3, 13], "not judged")],
)
def test_the_spread_is_judged_against_ten_percent_only_when_each_process_has_a_hundred_requests(
    answered: list[int], verdict: str
) -> None:
    (row,) = spread_row("postgres-100000", "worker", answered)
    assert row.endswith(f"≤ 10%: {verdict} |"), row
    assert " / ".join(map(str, answered)) in row


def test_the_ledger_under_load_is_batches_a_second_entries_a_batch_and_the_answers_wait() -> None:
    before = {"batches": 10.0, "entries": 50.0, "waited": 1.0}
    after = {"batches": 110.0, "entries": 650.0, "waited": 61.0}
    # 100 batches and 600 entries in 10 s; the 600 answers waited 60 s in all: 0.1 s each, six at once.
    assert ledger_under_load(before, after, 10.0) == {
        "batches_per_second": 10.0,
        "entries_per_batch": 6.0,
        "wait_ms": 100.0,
        "waiting_at_once": 6.0,
    }
    assert ledger_under_load(after, after, 10.0) is None  # nothing ledgered: no figures to show


def test_the_bench_finds_the_ledgers_counters_and_each_process_requests_on_a_servers_metrics(
    live_server, as_office: AsOffice
) -> None:
    before = counters_of(plain_http.get(f"{live_server.url}/metrics", timeout=30).text)
    as_office(OFFICE, PURPOSE).data("{ workers(first: 2) { nodes { fullName } } }")
    after = counters_of(plain_http.get(f"{live_server.url}/metrics", timeout=30).text)
    assert after.per_process and sum(after.per_process.values()) > sum(before.per_process.values())
    assert set(after.ledger) == {"batches", "entries", "waited"}
    assert after.ledger["entries"] > before.ledger.get("entries", 0.0)
    assert after.ledger["batches"] > before.ledger.get("batches", 0.0)
