"""A property: for random writes and random offices, no event reaches an office that cannot read its
row, and every event about a row an office can read reaches it (issue 20, item 2).

The oracle is the office's own read: `node(id:)` through its schema over HTTP, which knows nothing of
events. Workers are new per example; the other writers of the shared database only add events this
property must hold for too.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.procedure_steps import cross, place, ready

OFFICES = [
    "cn-hekou",
    "cn-wenshan",
    "cn-napo",
    "lc-police",
    "lc-health",
    "lc-customs",
    "lc-border-guard",
    "lc-home-affairs",
    "lc-foreign-affairs",
    "lc-economic-zone",
    "tq-home-affairs",
    "tq-police",
    "admin",
]
FEED = """query($after: String) { events(after: $after, first: 100) {
  edges { cursor node { kind record { id } } } pageInfo { hasNextPage endCursor } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
# A worker's story, cut short at random: cleared, placed, gone out through the gate.
STEPS = st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=2)


def _events(client, after: str | None) -> tuple[list[dict], str | None]:
    edges: list[dict] = []
    while True:
        page = client.data(FEED, {"after": after})["events"]
        edges.extend(page["edges"])
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return edges, after


def _reads(client, node_id: str) -> bool:
    return client.data(NODE, {"id": node_id})["node"] is not None


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(stories=STEPS, offices=st.lists(st.sampled_from(OFFICES), min_size=1, max_size=3, unique=True))
def test_no_event_reaches_an_office_that_cannot_read_its_row(as_office, stories, offices) -> None:
    clients = {code: as_office(code) for code in offices}
    starts = {code: _events(client, None)[1] for code, client in clients.items()}
    written: list[str] = []  # the rows whose events are about the row itself (not its status history)
    for depth in stories:
        worker = ready(as_office)
        if depth >= 1:
            written.append(place(as_office, worker)["placement"]["id"])
        if depth >= 2:
            written.append(cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["crossing"]["id"])
    for code, client in clients.items():
        edges, _ = _events(client, starts[code])
        told = {e["node"]["record"]["id"] for e in edges}
        for record in told:
            assert _reads(client, record), f"{code} was told of a row it cannot read"
        for record in written:
            if _reads(client, record):
                assert record in told, f"{code} reads {record} but was not told of it"
