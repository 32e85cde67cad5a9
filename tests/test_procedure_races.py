"""The procedure's limits hold when requests race (issue 17, item 1).

Each test sends its requests at the same moment (a barrier, a connection each) to a real server of
two processes over the test database (PostgreSQL when BORDERLABOUR_TEST_DATABASE_URL is set, else
the SQLite file): 20 placements with an employer whose approved quota is 2, 20 under an agreement
whose yearly quota is 2, 10 placements of one worker, 10 exits of one worker, the void of a worker's
exit beside its entry. At most the limit is accepted, every other request is refused with the rule's
code, and `procedure check` finds nothing wrong with what the race wrote.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests import plain_http
from tests import procedure_steps as steps
from tests.conftest import Database, Server, default_purpose, run_cli

RACERS = 20


@pytest.fixture(scope="module")
def two_processes(database: Database, demo_tokens: dict[str, str], tmp_path_factory) -> Iterator[Server]:
    set_keyring(Keyring.load(database.key_file))  # to read the internal ids `procedure check` names
    log = tmp_path_factory.mktemp("races") / "server.log"
    server = Server(database, demo_tokens, log, _args="--processes 2")
    yield server
    server.stop()


def _at_once(server: Server, office: str, query: str, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each input sent on its own connection, all released at the same moment; the payloads."""
    return _requests_at_once(server, office, [(query, variables) for variables in inputs])


def _requests_at_once(
    server: Server, office: str, requests: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Each (mutation, input) sent on its own connection, all released at the same moment; the
    payloads, in the order of `requests`."""
    barrier = threading.Barrier(len(requests))
    headers = {"Authorization": f"Bearer {server.tokens[office]}", "X-Purpose": default_purpose(office)}

    def send(request: tuple[str, dict[str, Any]]) -> dict[str, Any]:
        query, variables = request
        with plain_http.client(base_url=server.url, timeout=120) as client:
            client.get("/healthz")  # the connection is open before the barrier
            barrier.wait()
            response = client.post(
                "/graphql", json={"query": query, "variables": {"input": variables}}, headers=headers
            )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return next(iter(body["data"].values()))

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _split(payloads: list[dict[str, Any]], record: str) -> tuple[list[str], set[str]]:
    """(ids of the records written, codes of the refusals)."""
    written = [p[record]["id"] for p in payloads if not p["errors"]]
    refused = {e["code"] for p in payloads for e in p["errors"]}
    return written, refused


def _violations_of(
    database: Database, placements: list[str], crossings: tuple[str, ...] | list[str] = ()
) -> list[str]:
    """What `procedure check` reports about the records the race wrote (other tests write beside it)."""
    names = {
        f"{kind} {decode_id(gid)[1]}"
        for kind, gids in (("Placement", placements), ("Crossing", crossings))
        for gid in gids
    }
    result = run_cli(database, "procedure", "check", "--show", "1000000", check=False)
    return [line for line in result.stdout.splitlines() if line.split("\t")[0] in names]


def _place_at_once(server: Server, placements: list[tuple[str, str, str]]) -> tuple[list[str], set[str]]:
    """(ids placed, codes refused) of (worker, agreement, employer) placements sent at once."""
    inputs = [
        steps.placement_input(worker, agreement, employer) for worker, agreement, employer in placements
    ]
    return _split(_at_once(server, steps.LABOUR["VN-LC"], steps.PLACE, inputs), "placement")


@pytest.mark.parametrize("limit", ["employer", "agreement"])
def test_a_quota_of_two_holds_when_twenty_placements_race(
    as_office, database, two_processes, limit: str
) -> None:
    """An employer's approved quota of 2 (under an agreement with room), or an agreement's yearly
    quota of 2 (with an employer with room)."""
    code = "AGR-LC-HK" if limit == "employer" else steps.new_agreement(as_office, yearly_quota=2)
    agreement, _ = steps.ids(as_office(steps.LABOUR["VN-LC"]), code, "CN-YN-HH-HK")
    employer = steps.new_employer(as_office, quota=2 if limit == "employer" else 100)
    workers = [steps.ready(as_office) for _ in range(RACERS)]

    placed, refused = _place_at_once(two_processes, [(w, agreement, employer) for w in workers])

    assert len(placed) == 2
    assert refused == {"QUOTA_EXCEEDED"}
    assert _violations_of(database, placed) == []


def test_a_worker_keeps_one_open_placement_when_placements_race(as_office, database, two_processes) -> None:
    agreement, _ = steps.ids(as_office(steps.LABOUR["VN-LC"]), "AGR-LC-HK", "CN-YN-HH-HK")
    employers = [steps.new_employer(as_office, quota=10) for _ in range(2)]
    worker = steps.ready(as_office)

    placed, refused = _place_at_once(
        two_processes, [(worker, agreement, employers[n % 2]) for n in range(10)]
    )

    assert len(placed) == 1
    assert refused == {"ALREADY_PLACED"}
    assert _violations_of(database, placed) == []


def test_exits_and_entries_alternate_when_exits_race(as_office, database, two_processes) -> None:
    worker = steps.ready(as_office)
    placement = steps.place(as_office, worker)
    assert placement["errors"] == []
    now = dt.datetime.now(dt.UTC)
    exits = [
        {
            "workerId": worker,
            "gateCode": "GATE-LAOCAI-HEKOU",
            "direction": "EXIT_VIETNAM",
            # After the placement was made (an exit dated on an earlier day has no placement).
            "crossedAt": (now - dt.timedelta(microseconds=n)).isoformat(),
            "document": "BORDER_PASS",
        }
        for n in range(10)
    ]

    payloads = _at_once(two_processes, "lc-border-guard", steps.CROSS, exits)

    crossed, refused = _split(payloads, "crossing")
    assert len(crossed) == 1
    assert refused == {"CROSSING_OUT_OF_SEQUENCE"}
    assert _violations_of(database, [placement["placement"]["id"]], crossed) == []


VOID = (
    """mutation($input: VoidRecordInput!) { voidRecord(input: $input) { recordId errors { field code } } }"""
)
WORKERS_VOIDED = 5


def test_a_void_and_a_crossing_of_one_worker_racing_leave_the_crossings_in_order(
    as_office, database, two_processes
) -> None:
    """For each of 5 deployed workers at once, the void of its exit and its entry. Whichever comes
    first, the other is then out of order (an entry with no exit before it; an exit voided under an
    entry), so exactly one of the two is accepted and the other refused CROSSING_OUT_OF_SEQUENCE; the
    crossings left alternate from an exit (`procedure check`), and the status follows them: DEPLOYED
    while the exit stands (the placement is still open), back to CLEARED once it is void."""
    workers, exits, requests = [], [], []
    for _ in range(WORKERS_VOIDED):
        worker = steps.ready(as_office)
        assert steps.place(as_office, worker)["errors"] == []
        exit_ = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")
        assert exit_["errors"] == []
        workers.append(worker)
        exits.append(exit_["crossing"]["id"])
        requests += [
            (VOID, {"recordId": exit_["crossing"]["id"], "reason": "Ghi nhầm người lao động"}),
            (
                steps.CROSS,
                {
                    "workerId": worker,
                    "gateCode": "GATE-LAOCAI-HEKOU",
                    "direction": "ENTER_VIETNAM",
                    "crossedAt": dt.datetime.now(dt.UTC).isoformat(),
                    "document": "BORDER_PASS",
                },
            ),
        ]

    payloads = _requests_at_once(two_processes, "lc-border-guard", requests)

    labour = as_office(steps.LABOUR["VN-LC"])
    entries = []
    for n, worker in enumerate(workers):
        voided, entered = payloads[2 * n], payloads[2 * n + 1]
        refused = voided if entered["crossing"] else entered
        assert [voided["errors"] == [], entered["errors"] == []].count(True) == 1, (voided, entered)
        assert {e["code"] for e in refused["errors"]} == {"CROSSING_OUT_OF_SEQUENCE"}, refused
        if entered["crossing"]:
            entries.append(entered["crossing"]["id"])
        assert steps.status(labour, worker) == ("DEPLOYED" if entered["crossing"] else "CLEARED")
    assert _violations_of(database, [], exits + entries) == []
