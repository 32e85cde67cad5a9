"""The statistics read counts that the writes keep; they must equal counting the rows, for every office.

What issue 8 asks: counts per commune and status changed in the same transaction as every write
that changes a worker's status or commune, exact under two server processes writing at once, and
read wherever an office's scope depends on the home commune alone. Hidden means absent: for every
office, `statistics { workerCount workersByStatus }` equals a count of the workers it can list,
after registrations, the procedure's steps, status changes, voids and an import, all over HTTP.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text

from bench.workbooks import workbook, worker_rows
from harness.databases import Template, demo_copy
from settings import normalise_url
from tests import plain_http, small_cells
from tests import procedure_steps as steps
from tests.conftest import Database, Server, default_purpose, run_cli
from tests.paging import all_nodes

STATISTICS = "{ statistics { workerCount workersByStatus { key count } } }"
CHANGE_STATUS = """mutation($input: ChangeWorkerStatusInput!) {
  changeWorkerStatus(input: $input) { worker { status } errors { field code } } }"""
VOID = (
    """mutation($input: VoidRecordInput!) { voidRecord(input: $input) { recordId errors { field code } } }"""
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_serials = itertools.count(970_000)
WITHHELD = small_cells.UNDER  # policies/small_cells.toml: the threshold is 5
STATUSES = {"registered", "cleared", "deployed", "returned", "suspended", "absconded"}  # WorkerStatus


def _statistics(client) -> Counter[str] | None:
    """The office's statistics by status (with the total checked against it); None if it has none."""
    body = client.query(STATISTICS)
    if "errors" in body:  # the office's schema has no statistics: nothing to compare
        assert body.get("data") is None, body
        return None
    stats = body["data"]["statistics"]
    by_status = Counter({row["key"]: row["count"] for row in stats["workersByStatus"]})
    if any(isinstance(n, str) for n in by_status.values()):
        # An office that may not read a worker's status gets every status, a count under 5 (zero
        # too) as "< 5", and as "≥ 5" what else its own total would give away (policies/cells.py).
        assert set(by_status) == STATUSES, "every status, whether or not a visible worker holds it"
        assert not small_cells.pinned(by_status, stats["workerCount"]), (by_status, stats["workerCount"])
    else:
        assert all(n > 0 for n in by_status.values()), "a status no visible worker holds must be absent"
        assert sum(by_status.values()) == stats["workerCount"]
    return by_status


def _agrees(counted: Counter[str], rows: Counter[str] | int) -> bool:
    """The office's cells say of the workers it lists (by status, or only how many) nothing untrue."""
    if isinstance(rows, int):
        shown = [n for n in counted.values() if isinstance(n, int)]
        under, over = list(counted.values()).count(WITHHELD), list(counted.values()).count(small_cells.OVER)
        top = rows if over else sum(shown) + 4 * under
        return sum(shown) + 5 * over <= rows <= top
    if any(isinstance(n, str) for n in counted.values()):
        return counted.keys() >= rows.keys() and small_cells.agrees(counted, rows)
    return counted == rows


def _rows(client) -> Counter[str] | int | None:
    """The workers the office can list, counted by status, page by page as a client would; only
    how many if it may not read a worker's status; None if its schema has no list of workers."""
    if "errors" in client.query("{ workers(first: 0) { totalCount } }"):
        return None
    if "errors" in client.query("{ workers(first: 0) { nodes { status } } }"):
        return len(all_nodes(client, "workers", "id"))
    return Counter(w["status"].lower() for w in all_nodes(client, "workers", "status"))


@contextmanager
def _sql(database: Database) -> Iterator[Connection]:
    """A transaction on the test database, beside the registry (as an operator's SQL would be)."""
    engine = create_engine(normalise_url(database.url))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _home_unit_rows(database: Database, office: str) -> Counter[str]:
    """The rows of the home-unit scope as policies/scopes.csv defines it, counted in plain SQL:
    workers whose home commune lies in the office's unit (or a unit merged into it)."""
    with _sql(database) as conn:
        rows = conn.execute(
            text(
                "SELECT w.status, count(*) FROM workers w "
                "JOIN unit_closure u ON u.descendant_id = w.home_commune_id "
                "JOIN offices o ON o.unit_id = u.ancestor_id WHERE o.code = :office GROUP BY w.status"
            ),
            {"office": office},
        )
        return Counter({status: n for status, n in rows})


def _labour_view(as_office, office: str = steps.LABOUR["VN-LC"]) -> Counter[str]:
    counted = _statistics(as_office(office, "statistics"))
    assert counted is not None
    return counted


def _moved(before: Counter[str], after: Counter[str]) -> Counter[str]:
    change = Counter(after)
    change.subtract(before)
    return Counter({k: n for k, n in change.items() if n})


def _upload(live_server, rows: list[list[Any]], office: str) -> dict:
    headers = {
        "Authorization": f"Bearer {live_server.tokens[office]}",
        "Content-Type": XLSX,
        "X-Purpose": "worker-registration",
    }
    response = plain_http.post(
        f"{live_server.url}/imports/workers", content=workbook(rows), headers=headers, timeout=120
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_each_write_moves_exactly_the_counts_of_the_statuses_it_changes(as_office, live_server) -> None:
    """Every step of the procedure (DOMAIN.md), seen through Lào Cai's labour statistics: the worker
    leaves one status for another, and the counts move by exactly that, nothing else."""
    labour = as_office(steps.LABOUR["VN-LC"])
    hekou = as_office("cn-hekou")

    def step(expected: dict[str, int], write) -> Any:
        before = _labour_view(as_office)
        result = write()
        assert _moved(before, _labour_view(as_office)) == Counter(expected)
        return result

    def exits(worker: str) -> dict:
        # At the moment it is recorded: after the placement, so in the Chinese office's window.
        return steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")

    def ends(placement: str, outcome: str) -> dict:
        hekou.data(
            steps.CONFIRM, {"input": {"placementId": placement, "workPermitNumber": steps.work_permit()}}
        )
        end = {"placementId": placement, "endDate": steps.today().isoformat(), "outcome": outcome}
        return hekou.data(steps.END, {"input": end})["reportPlacementEnd"]

    worker = step({"registered": 1}, lambda: steps.register(as_office, "VN-LC"))
    step({"registered": -1, "cleared": 1}, lambda: steps.clear(as_office, worker))
    placement = steps.place(as_office, worker)["placement"]["id"]
    exit_ = step({"cleared": -1, "deployed": 1}, lambda: exits(worker))
    void = {"recordId": exit_["crossing"]["id"], "reason": "Ghi nhầm người lao động"}
    voided = step(
        {"deployed": -1, "cleared": 1}, lambda: as_office("lc-border-guard").data(VOID, {"input": void})
    )
    assert voided["voidRecord"]["errors"] == []
    step({"cleared": -1, "deployed": 1}, lambda: exits(worker))
    assert step({}, lambda: ends(placement, "COMPLETED"))["errors"] == []  # still in China
    step(
        {"deployed": -1, "returned": 1},
        lambda: steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM"),
    )
    runaway = steps.register(as_office, "VN-LC")
    steps.clear(as_office, runaway)
    runaway_placement = steps.place(as_office, runaway)["placement"]["id"]
    exits(runaway)
    assert (
        step({"deployed": -1, "absconded": 1}, lambda: ends(runaway_placement, "ABSCONDED"))["errors"] == []
    )
    other = steps.register(as_office, "VN-LC")
    change = {"workerId": other, "status": "SUSPENDED", "reason": "Đang bị điều tra"}
    changed = step(
        {"registered": -1, "suspended": 1},
        lambda: labour.data(CHANGE_STATUS, {"input": change})["changeWorkerStatus"],
    )
    assert changed["errors"] == []
    # An import in Tuyên Quang (Hà Giang's province since 2025) moves its counts, Lào Cai's not at all.
    tq = steps.LABOUR["VN-HG"]
    communes = steps.communes(as_office(tq, "worker-registration"), steps.CURRENT["VN-HG"])
    tq_before, lc_before = _labour_view(as_office, tq), _labour_view(as_office)
    answer = _upload(live_server, worker_rows(3, communes, serial_from=next(_serials)), office=tq)
    assert answer["registered"] == 3, answer
    assert _moved(tq_before, _labour_view(as_office, tq)) == Counter({"registered": 3})
    assert _labour_view(as_office) == lc_before


def test_every_office_counts_exactly_the_workers_it_can_list(
    database: Database, demo_tokens, as_office
) -> None:
    """Offices whose scope is their home unit read the kept counts, the others count rows: both
    must give what listing the visible workers gives, after the writes of the tests before. An
    office that lists workers without their status (customs) is compared on the total; one with
    statistics but no list of workers (foreign affairs) has the home-unit scope only: its figures
    must be its province's rows."""
    listed = 0
    for office in sorted(demo_tokens):
        counted = _statistics(as_office(office, "statistics"))
        if counted is None:
            continue
        rows = _rows(as_office(office, default_purpose(office)))
        if rows is None:
            rows = _home_unit_rows(database, office)
        else:
            listed += 1
        assert _agrees(counted, rows), (office, counted, rows)
    assert listed >= 10  # the labour, police, border guard, customs and Chinese offices at least


def _register_through(server: Server, office: str, commune: str) -> str:
    data = steps.registration("VN-HG", commune, dt.date(1994, 3, 2))
    body = _post(server, office, "worker-registration", steps.REGISTER, {"input": data})
    assert body["data"]["registerWorker"]["errors"] == [], body
    return body["data"]["registerWorker"]["worker"]["id"]


def _post(server: Server, office: str, purpose: str, query: str, variables: dict) -> dict:
    headers = {"Authorization": f"Bearer {server.tokens[office]}", "X-Purpose": purpose}
    response = plain_http.post(
        f"{server.url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=120
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def two_servers(database, demo_tokens, live_server, tmp_path_factory):
    """The process's server and a second server process over the same database."""
    second = Server(database, demo_tokens, tmp_path_factory.mktemp("counts") / "second.log")
    yield [live_server, second]
    second.stop()


def test_two_processes_writing_the_same_commune_at_once_lose_no_count(
    database: Database, as_office, two_servers
) -> None:
    """Registrations, then status changes, of workers of one commune, sent to two server processes
    at once: every write lands on the same two count rows, and the counts stay exact."""
    office = steps.LABOUR["VN-HG"]
    commune = steps.a_commune(as_office(office, "worker-registration"), "VN-HG")
    before = _labour_view(as_office, office)
    per_server = 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        workers = list(
            pool.map(lambda n: _register_through(two_servers[n % 2], office, commune), range(2 * per_server))
        )
    assert _moved(before, _labour_view(as_office, office)) == Counter({"registered": 2 * per_server})

    def suspend(pair: tuple[int, str]) -> dict:
        n, worker = pair
        change = {"workerId": worker, "status": "SUSPENDED", "reason": "Đang bị điều tra"}
        return _post(two_servers[n % 2], office, "worker-registration", CHANGE_STATUS, {"input": change})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(suspend, enumerate(workers)))
    assert all(r["data"]["changeWorkerStatus"]["errors"] == [] for r in results), results
    moved = _moved(before, _labour_view(as_office, office))
    assert moved == Counter({"suspended": 2 * per_server})
    assert run_cli(database, "statistics", "check").returncode == 0


def test_the_counts_follow_a_change_of_commune_made_in_sql_beside_the_registry(
    database: Database, as_office
) -> None:
    """No mutation moves a worker to another commune, but an operator's SQL may: the database keeps
    the counts, not the application's write paths, so they follow it too."""
    name = f"Giàng Seo Pháo {next(_serials)}"
    steps.register(as_office, "VN-LC", fullName=name)
    tq = steps.LABOUR["VN-HG"]
    target = steps.a_commune(as_office(tq, "worker-registration"), "VN-HG")
    lc_before, tq_before = _labour_view(as_office), _labour_view(as_office, tq)
    move = text("UPDATE workers SET home_commune_id = :c WHERE full_name = :n")
    with _sql(database) as conn:
        home = conn.scalar(text("SELECT home_commune_id FROM workers WHERE full_name = :n"), {"n": name})
        there = conn.scalar(text("SELECT id FROM admin_units WHERE code = :c"), {"c": target})
        assert conn.execute(move, {"c": there, "n": name}).rowcount == 1
    try:
        assert _moved(lc_before, _labour_view(as_office)) == Counter({"registered": -1})
        assert _moved(tq_before, _labour_view(as_office, tq)) == Counter({"registered": 1})
        assert run_cli(database, "statistics", "check").returncode == 0
    finally:  # back home: the worker's province and district were not moved, so later tests need it
        with _sql(database) as conn:
            conn.execute(move, {"c": home, "n": name})
    assert _labour_view(as_office) == lc_before and _labour_view(as_office, tq) == tq_before


# What every write of the suite left behind is checked where it was written: each test process's
# database and each module's own copy end with `statistics check` (tests/conftest.py).


@pytest.fixture
def drifting(template: Template, tmp_path) -> Iterator[Database]:
    """A copy of the demo of its own: the drift made here must not hide or fake another test's."""
    with demo_copy(template, tmp_path / "drift") as copy:
        yield copy


def test_an_operator_finds_drift_and_rebuilds_the_counts_from_the_rows(drifting: Database) -> None:
    """Counts changed behind the triggers' back are reported per commune and status, with exit 1;
    `rebuild` recounts them and `check` passes again."""
    database = drifting
    assert run_cli(database, "statistics", "check").returncode == 0
    with _sql(database) as conn:
        conn.execute(text("UPDATE worker_counts SET n = n + 5 WHERE status = 'deployed'"))
    found = run_cli(database, "statistics", "check", check=False)
    assert found.returncode == 1
    assert "DRIFT" in found.stderr and "deployed: kept" in found.stderr
    rebuilt = run_cli(database, "statistics", "rebuild")
    assert "rebuilt" in rebuilt.stdout
    assert run_cli(database, "statistics", "check").returncode == 0
