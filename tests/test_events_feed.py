"""The event feed: every write another office must hear of leaves an event in its transaction, and
each office reads, in commit order, only the events about rows it may read (issue 20, items 1-3)."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.procedure_steps import CONFIRM, END, cross, place, ready, today, work_permit

FEED = """query($after: String, $kinds: [EventKind!]) {
  events(after: $after, first: 100, kinds: $kinds) {
    edges { cursor node { kind occurredAt record { __typename id } } }
    pageInfo { hasNextPage endCursor } } }"""


def _all_events(client, kinds=None, after=None) -> list[dict]:
    """Every event the office reads after `after`, page after page."""
    edges: list[dict] = []
    while True:
        page = client.data(FEED, {"after": after, "kinds": kinds})["events"]
        edges.extend(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return edges
        after = page["pageInfo"]["endCursor"]


def _about(edges: list[dict], record_id: str) -> list[str]:
    return [e["node"]["kind"] for e in edges if e["node"]["record"]["id"] == record_id]


def _start(client) -> str | None:
    """The cursor of the office's newest event now: what a test reads after."""
    edges = _all_events(client)
    return edges[-1]["cursor"] if edges else None


def test_a_placement_and_its_steps_reach_the_partner_office_in_commit_order(as_office) -> None:
    hekou = as_office("cn-hekou")
    since = _start(hekou)
    worker = ready(as_office)
    placement = place(as_office, worker)["placement"]["id"]
    # Crossed now, after the placement was planned: half an hour earlier falls on the day before in
    # Vietnam between 00:00 and 00:30, before the partner's window opened (DOMAIN.md).
    cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=0)
    confirmed = hekou.data(CONFIRM, {"input": {"placementId": placement, "workPermitNumber": work_permit()}})
    assert confirmed["confirmPlacementStart"]["errors"] == []
    ended = hekou.data(
        END, {"input": {"placementId": placement, "endDate": today().isoformat(), "outcome": "COMPLETED"}}
    )
    assert ended["reportPlacementEnd"]["errors"] == []

    edges = _all_events(hekou, after=since)
    assert _about(edges, placement) == ["PLACEMENT_PLANNED", "PLACEMENT_CONFIRMED", "PLACEMENT_ENDED"]
    # Deployed by the exit (and cleared, today: a day inside the window the placement opened).
    assert set(_about(edges, worker)) == {"WORKER_STATUS_CHANGED"}
    crossing = [e for e in edges if e["node"]["kind"] == "CROSSING_RECORDED"]
    assert any(e["node"]["record"]["__typename"] == "Crossing" for e in crossing)
    kinds = [e["node"]["kind"] for e in edges if e["node"]["record"]["id"] in (placement, worker)]
    deployed = len(kinds) - 1 - kinds[::-1].index("WORKER_STATUS_CHANGED")
    assert kinds.index("PLACEMENT_PLANNED") < deployed < kinds.index("PLACEMENT_CONFIRMED")
    # Resumable from any cursor: after the planned placement's event come exactly the later ones.
    planned = next(e for e in edges if e["node"]["record"]["id"] == placement)
    rest = _all_events(hekou, after=planned["cursor"])
    assert rest == edges[edges.index(planned) + 1 : edges.index(planned) + 1 + len(rest)]
    assert _about(rest, placement) == ["PLACEMENT_CONFIRMED", "PLACEMENT_ENDED"]


def test_an_office_that_cannot_read_the_row_is_told_nothing_of_it(as_office) -> None:
    wenshan, hekou = as_office("cn-wenshan"), as_office("cn-hekou")
    since_wenshan, since_hekou = _start(wenshan), _start(hekou)
    worker = ready(as_office)
    placement = place(as_office, worker)["placement"]["id"]
    assert _about(_all_events(hekou, after=since_hekou), placement) == ["PLACEMENT_PLANNED"]
    assert as_office("cn-wenshan").data("query($id: ID!) { node(id: $id) { id } }", {"id": placement}) == {
        "node": None
    }
    told = _all_events(wenshan, after=since_wenshan)
    assert _about(told, placement) == [] and _about(told, worker) == []


def test_a_kind_the_office_may_never_see_is_refused_in_its_language(as_office) -> None:
    health = as_office("lc-health")
    body = health.query(FEED, {"kinds": ["CROSSING_RECORDED"]}, headers={"Accept-Language": "vi"})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "KIND_REFUSED"
    assert "CROSSING_RECORDED" in error["message"] and "your office" not in error["message"]
    assert body["data"] is None


def test_reading_events_is_ledgered_with_the_purpose_stated(as_office, database) -> None:
    hekou = as_office("cn-hekou")
    since = _start(hekou)
    worker = ready(as_office)
    placement = place(as_office, worker)["placement"]["id"]
    assert _about(_all_events(hekou, after=since), placement) == ["PLACEMENT_PLANNED"]
    log = run_cli(database, "audit", "log", "--json", f"--worker={worker}", "--office", "cn-hekou")
    entries = [json.loads(line) for line in log.stdout.splitlines()]
    assert any(e["purpose"] == "placement-verification" and "Event.kind" in e["fields"] for e in entries), (
        entries
    )
