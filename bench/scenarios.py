"""The four benchmark scenarios: who calls, with which purpose, and the exact GraphQL document."""

from __future__ import annotations

from dataclasses import dataclass

HEKOU_PAGE = """
query HekouPage($first: Int!) {
  workers(first: $first, filter: {status: [DEPLOYED]}) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id fullName dateOfBirth status borderPassNumber
      placements { job startDate status employer { nameZh } }
      crossings(first: 5) { direction crossedAt gate { code } }
    }
  }
}
"""

SEARCH_BY_NATIONAL_ID = """
query FindByNationalId($id: String!) {
  workers(filter: {nationalIdNumber: $id}) {
    nodes {
      id fullName nationalIdNumber phone status homeCommune { nameVi }
      placements { job startDate status employer { nameVi } }
    }
  }
}
"""

STATISTIC = """
query Statistic { statistics { workersByStatus { key count } } }
"""

RECORD_CROSSING = """
mutation Cross($input: RecordCrossingInput!) {
  recordCrossing(input: $input) { crossing { id direction crossedAt } errors { field code } }
}
"""


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    office: str
    purpose: str
    query: str


SCENARIOS = (
    Scenario(
        "page",
        "cn-hekou page: deployed workers(first: 100) + placements, employer, last 5 crossings",
        "cn-hekou",
        "placement-verification",
        HEKOU_PAGE,
    ),
    Scenario(
        "search",
        "tq-home-affairs exact search by national ID number",
        "tq-home-affairs",
        "placement-verification",
        SEARCH_BY_NATIONAL_ID,
    ),
    Scenario(
        "statistic",
        "tq-home-affairs aggregate: workers by status in Tuyên Quang (Hà Giang's among them)",
        "tq-home-affairs",
        "statistics",
        STATISTIC,
    ),
    Scenario(
        "crossing",
        "lc-border-guard records a crossing (mutation)",
        "lc-border-guard",
        "crossing-control",
        RECORD_CROSSING,
    ),
)
BY_KEY = {s.key: s for s in SCENARIOS}
OFFICES = sorted({s.office for s in SCENARIOS})
GATE = "GATE-LAOCAI-HEKOU"


def variables_for(key: str, n: int, prepared: dict) -> dict:
    """The variables of request `n` of a scenario: searches and crossings rotate through many workers."""
    if key == "page":
        return {"first": 100}
    if key == "search":
        ids = prepared["national_ids"]
        return {"id": ids[n % len(ids)]}
    if key == "crossing":
        workers = prepared["crossing_workers"]
        minute = n % (60 * 24 * 28)
        day, hour = 1 + minute // 1440, minute // 60 % 24
        return {
            "input": {
                "workerId": workers[n % len(workers)],
                "gateCode": GATE,
                "direction": "EXIT_VIETNAM" if (n // len(workers)) % 2 == 0 else "ENTER_VIETNAM",
                "crossedAt": f"2025-07-{day:02d}T{hour:02d}:{minute % 60:02d}:00+07:00",
                "document": "BORDER_PASS",
            }
        }
    return {}
