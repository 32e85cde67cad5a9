"""No withheld cell of the statistics can be worked out from the office's own answer, over HTTP.

The gap it closes: Lào Cai customs lists its workers without their status, so it knows their total
(`workerCount` says it too). Its `workersByStatus` showed one status as "< 5" beside exact counts of
the others, and the total less those counts gave the withheld one exactly; a status no worker held
was left out, so a key left out said 0. DOMAIN.md: a count under 5 by a field an office cannot read
is shown to it as "< 5", and hidden means absent: a small cell that would single out a worker is
suppressed. Lào Cai's Department of Home Affairs reads a worker's status: it gets the counts as they
are, each the total of its workers of that status.
"""

from __future__ import annotations

from typing import Any

from tests import procedure_steps as steps
from tests.small_cells import OVER, UNDER, N, agrees, pinned

STATISTICS = "{ statistics { workerCount workersByStatus { key count } } }"
STATUSES = ["absconded", "cleared", "deployed", "registered", "returned", "suspended"]  # WorkerStatus
SUSPEND = """mutation($input: ChangeWorkerStatusInput!) {
  changeWorkerStatus(input: $input) { worker { status } errors { field code } } }"""
BY_STATUS = "query($s: [WorkerStatus!]) { workers(first: 0, filter: {status: $s}) { totalCount } }"
WORKERS = "{ workers(first: 0) { totalCount } }"


def _statistics(as_office, office: str) -> tuple[int, dict[str, Any]]:
    stats = as_office(office, "statistics").data(STATISTICS)["statistics"]
    return stats["workerCount"], {row["key"]: row["count"] for row in stats["workersByStatus"]}


def _exact(as_office) -> tuple[int, dict[str, int]]:
    """Lào Cai customs' workers by status, exactly, as Lào Cai's border guard counts them: the two
    have the same row scopes (policies/scopes.csv: home-unit and gate-unit) in the same province,
    and the border guard may read a worker's status."""
    total, exact = _statistics(as_office, "lc-border-guard")
    assert all(isinstance(n, int) for n in exact.values()), exact
    return total, exact


def _suspended_worker(as_office) -> None:
    """As the auditor did on the demo: a registered worker of Lào Cai suspended by its labour office."""
    worker = steps.register(as_office, "VN-LC")
    change = {"workerId": worker, "status": "SUSPENDED", "reason": "Đang bị điều tra"}
    labour = as_office(steps.LABOUR["VN-LC"], "worker-registration")
    assert labour.data(SUSPEND, {"input": change})["changeWorkerStatus"]["errors"] == []


def _cleared_worker(as_office) -> None:
    steps.clear(as_office, steps.register(as_office, "VN-LC"))


# The statuses a test can raise to N with the procedure's first steps, and how.
RAISE = {
    "suspended": _suspended_worker,
    "registered": lambda as_office: steps.register(as_office, "VN-LC"),
    "cleared": _cleared_worker,
}


def _one_small_status(as_office) -> str:
    """Makes exactly one status of Lào Cai customs' workers a count under N (the demo's gap): every
    other small one that the first steps can raise is raised to N; returns the one left small."""
    _, exact = _exact(as_office)
    small = [s for s in STATUSES if exact.get(s, 0) < N]
    assert small, "the demo holds a status of fewer than 5 Lào Cai workers"
    kept = next((s for s in small if s not in RAISE), small[0])
    for status in small:
        if status != kept:
            assert status in RAISE, f"two statuses under {N} the test cannot raise: {small}"
            for _ in range(N - exact.get(status, 0)):
                RAISE[status](as_office)
    _, exact = _exact(as_office)
    assert [s for s in STATUSES if exact.get(s, 0) < N] == [kept]
    return kept


def test_no_withheld_status_count_of_customs_can_be_worked_out_from_its_own_total(as_office) -> None:
    kept = _one_small_status(as_office)
    total, shown = _statistics(as_office, "lc-customs")
    exact_total, exact = _exact(as_office)
    assert total == exact_total
    assert as_office("lc-customs").data(WORKERS)["workers"]["totalCount"] == total  # it lists them all
    assert list(shown) == STATUSES  # every status, whether or not a worker holds it
    assert shown[kept] == UNDER
    assert agrees(shown, exact), (shown, exact)
    assert OVER in shown.values()  # one small cell alone would be the total less the others
    # What customs can work out from its own answer: the withheld cells' sum, and nothing finer.
    assert not pinned(shown, total), (shown, total)


def test_an_office_that_reads_the_status_gets_the_counts_of_its_own_lists(as_office) -> None:
    office = steps.LABOUR["VN-LC"]  # lc-home-affairs
    total, shown = _statistics(as_office, office)
    listed = as_office(office)
    assert total == listed.data(WORKERS)["workers"]["totalCount"]
    assert all(isinstance(n, int) and n > 0 for n in shown.values()), shown
    for status in STATUSES:
        counted = listed.data(BY_STATUS, {"s": [status.upper()]})["workers"]["totalCount"]
        assert shown.get(status, 0) == counted, status
    assert sum(shown.values()) == total


def test_every_office_that_withholds_a_status_leaves_nothing_to_work_out(as_office, demo_tokens) -> None:
    """Every office that may not read a worker's status (with Lào Cai's workers in the demo's gap:
    one status under N) gets every status, and no cell its own total pins."""
    _one_small_status(as_office)
    withholding = 0
    for office in sorted(demo_tokens):
        body = as_office(office, "statistics").query(STATISTICS)
        if "errors" in body:
            continue  # no statistics in its schema
        stats = body["data"]["statistics"]
        cells = {row["key"]: row["count"] for row in stats["workersByStatus"]}
        if not any(isinstance(n, str) for n in cells.values()):
            continue
        withholding += 1
        assert list(cells) == STATUSES, office
        assert not pinned(cells, stats["workerCount"]), (office, cells, stats["workerCount"])
    assert withholding >= 3  # customs, foreign affairs and the economic zone board at least
