"""The four shapes of read compared with PostGraphile (issue 23), each asked of both servers.

Each shape is one document for the registry and the same question in PostGraphile's vocabulary
(its names come from its own schema: `allWorkers`, `workerByRowId`, `placementsByWorkerId`,
`employerByEmployerId`, ...), with the same fields, filters, orders and limits. The registry's
nested lists have their orders built in (`bindings/types.py`: newest first, then the key); the
peer is asked for the same orders explicitly.

Answers are compared after normalising what the two servers show differently by design:

- enumerations: the registry shows its enums' GraphQL names, PostGraphile the text stored in the
  column; both are compared in lower case;
- sealed values: the registry opens the border-pass number with the keyring, PostGraphile can only
  show the sealed text in the column; only whether there is one is compared;
- global IDs: each server encodes its own, so they are not compared; moments are compared as
  instants (the two servers write offsets differently).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.cpu import WORKER_BY_ID  # the same shape as the in-process CPU benchmark's
from bench.scenarios import HEKOU_PAGE

Json = dict[str, Any]

PEER_WORKER_BY_ID = """
query WorkerById($rowId: Int!) {
  workerByRowId(rowId: $rowId) {
    id fullName dateOfBirth status borderPassSealed
    placementsByWorkerId(orderBy: [START_DATE_DESC, ROW_ID_DESC]) {
      nodes { job startDate status employerByEmployerId { nameZh } }
    }
    healthChecksByWorkerId(orderBy: [CHECKED_ON_DESC, ROW_ID_DESC]) { nodes { checkedOn result } }
    crossingsByWorkerId(first: 5, orderBy: [CROSSED_AT_DESC, ROW_ID_DESC]) {
      nodes { direction crossedAt borderGateByGateId { code } }
    }
  }
}
"""

PEER_PAGE = """
query HekouPage($first: Int!) {
  allWorkers(first: $first, condition: {status: "deployed"}, orderBy: [FULL_NAME_ASC, ROW_ID_ASC]) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id fullName dateOfBirth status borderPassSealed
      placementsByWorkerId(orderBy: [START_DATE_DESC, ROW_ID_DESC]) {
        nodes { job startDate status employerByEmployerId { nameZh } }
      }
      crossingsByWorkerId(first: 5, orderBy: [CROSSED_AT_DESC, ROW_ID_DESC]) {
        nodes { direction crossedAt borderGateByGateId { code } }
      }
    }
  }
}
"""

ROSTER = """
query Roster($first: Int!) {
  employers(first: $first) {
    nodes {
      id nameZh nameVi
      placements(first: 50) { job startDate status worker { fullName dateOfBirth status } }
    }
  }
}
"""

PEER_ROSTER = """
query Roster($first: Int!) {
  allEmployers(first: $first, orderBy: [NAME_VI_ASC, ROW_ID_ASC]) {
    nodes {
      id nameZh nameVi
      placementsByEmployerId(first: 50, orderBy: [START_DATE_DESC, ROW_ID_DESC]) {
        nodes { job startDate status workerByWorkerId { fullName dateOfBirth status } }
      }
    }
  }
}
"""

# The first deployed worker cn-hekou sees, as each server names it (its key for the peer).
PEER_FIRST_WORKER = """
{ allWorkers(first: 1, condition: {status: "deployed"}, orderBy: [FULL_NAME_ASC, ROW_ID_ASC]) {
    nodes { rowId fullName } } }
"""
ROSTER_EMPLOYERS = 10


def _enum(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _nodes(value: Any) -> list[Json]:
    """A nested list as the registry shows it (a list) or PostGraphile (a connection's nodes)."""
    return list(value["nodes"]) if isinstance(value, dict) else list(value)


@dataclass(frozen=True)
class Names:
    """The names one server gives the fields that differ between the two."""

    sealed: str
    placements: str
    employer: str
    crossings: str
    gate: str
    checks: str
    worker: str


OURS = Names("borderPassNumber", "placements", "employer", "crossings", "gate", "healthChecks", "worker")
PEER = Names(
    "borderPassSealed",
    "placementsByWorkerId",
    "employerByEmployerId",
    "crossingsByWorkerId",
    "borderGateByGateId",
    "healthChecksByWorkerId",
    "workerByWorkerId",
)


def _worker(w: Json | None, n: Names, checks: bool = False) -> tuple[Any, ...] | None:
    if w is None:
        return None
    out: tuple[Any, ...] = (
        w["fullName"],
        w["dateOfBirth"],
        _enum(w["status"]),
        w[n.sealed] is not None,
        tuple(
            (p["job"], p["startDate"], _enum(p["status"]), p[n.employer]["nameZh"])
            for p in _nodes(w[n.placements])
        ),
        tuple(
            (_enum(c["direction"]), _instant(c["crossedAt"]), c[n.gate]["code"])
            for c in _nodes(w[n.crossings])
        ),
    )
    if checks:
        out += (tuple((h["checkedOn"], _enum(h["result"])) for h in _nodes(w[n.checks])),)
    return out


def _roster(employers: list[Json], n: Names, placements: str) -> list[tuple[Any, ...]]:
    def worker(w: Json | None) -> tuple[Any, ...] | None:
        return None if w is None else (w["fullName"], w["dateOfBirth"], _enum(w["status"]))

    return [
        (
            e["nameZh"],
            e["nameVi"],
            tuple(
                (p["job"], p["startDate"], _enum(p["status"]), worker(p[n.worker]))
                for p in _nodes(e[placements])
            ),
        )
        for e in employers
    ]


@dataclass(frozen=True)
class Shape:
    key: str
    title: str
    ours: str
    peer: str
    ours_variables: Callable[[Json], Json]  # from the context (`context_of`)
    peer_variables: Callable[[Json], Json]
    normal_ours: Callable[[Json], Any]  # an answer's data -> what is compared
    normal_peer: Callable[[Json], Any]
    latency_target: float  # ours / PostGraphile, at most
    throughput_target: float = 1.0  # ours / PostGraphile, at least
    cpu_target: float = 1.5  # ours / PostGraphile, at most


def _page(data: Json, root: str, n: Names) -> tuple[Any, ...]:
    page = data[root]
    return (page["pageInfo"]["hasNextPage"], [_worker(w, n) for w in page["nodes"]])


def _page_shape(key: str, first: int, latency_target: float) -> Shape:
    return Shape(
        key,
        f"the Hekou page, `first: {first}`",
        HEKOU_PAGE,
        PEER_PAGE,
        lambda c: {"first": first},
        lambda c: {"first": first},
        lambda d: _page(d, "workers", OURS),
        lambda d: _page(d, "allWorkers", PEER),
        latency_target,
    )


SHAPES = (
    Shape(
        "worker",
        "one worker by id, with placements and employer, health checks, the last five crossings",
        WORKER_BY_ID,
        PEER_WORKER_BY_ID,
        lambda c: {"id": c["worker_id"]},
        lambda c: {"rowId": c["worker_row_id"]},
        lambda d: _worker(d["node"], OURS, checks=True),
        lambda d: _worker(d["workerByRowId"], PEER, checks=True),
        1.5,
    ),
    _page_shape("page10", 10, 1.5),
    _page_shape("page100", 100, 1.0),
    Shape(
        "roster",
        f"a nested roster: {ROSTER_EMPLOYERS} employers, each with its newest 50 placements and "
        "each placement's worker",
        ROSTER,
        PEER_ROSTER,
        lambda c: {"first": ROSTER_EMPLOYERS},
        lambda c: {"first": ROSTER_EMPLOYERS},
        lambda d: _roster(d["employers"]["nodes"], OURS, "placements"),
        lambda d: _roster(d["allEmployers"]["nodes"], PEER, "placementsByEmployerId"),
        1.0,
    ),
)
SHAPES_BY_KEY = {s.key: s for s in SHAPES}


def differences(shape: Shape, ours: Json, peer: Json) -> list[str]:
    """Where the two answers differ once normalised (empty: the same)."""
    problems = [
        f"{name}: {body['errors']}" for name, body in (("ours", ours), ("peer", peer)) if body.get("errors")
    ]
    if problems:
        return problems
    a, b = shape.normal_ours(ours["data"]), shape.normal_peer(peer["data"])
    if a is None or b is None:
        return [f"{shape.key}: no answer ({a!r} against {b!r})"]
    if a == b:
        return []
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) == 2:
        a, b = a[1], b[1]  # a page: the first worker that differs
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{shape.key}: {len(a)} rows against {len(b)}"]
        n, x, y = next((n, x, y) for n, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        return [f"{shape.key}: row {n}: {x!r} against {y!r}"]
    return [f"{shape.key}: {a!r} against {b!r}"]


def context_of(ours_page: Json, peer_first: Json) -> Json:
    """The worker of the `worker` shape: the first of the Hekou page, as each server names it."""
    mine = ours_page["data"]["workers"]["nodes"][0]
    theirs = peer_first["data"]["allWorkers"]["nodes"][0]
    if mine["fullName"] != theirs["fullName"]:
        raise RuntimeError(f"the first worker differs: {mine['fullName']!r} against {theirs['fullName']!r}")
    return {"worker_id": mine["id"], "worker_row_id": theirs["rowId"]}
