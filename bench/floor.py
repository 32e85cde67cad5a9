"""The floor: the Hekou office's page by one hand-written SQL statement plus JSON encoding.

It gives the same answer as the `HekouPage` query (the benchmark checks that it does) with none
of the machinery: no GraphQL, no ORM objects, no loaders. The row scope is written into the SQL by
hand, as a developer who knew the office's jurisdiction would write it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, String, text
from sqlalchemy.engine import Connection

from models.base import UtcDateTime
from models.opaque import encode_cursor, encode_id
from models.sealing import keyring

# One statement: the page of workers (101 rows: the last one only says there is a next page),
# then the in-scope placements of those workers with their employer, then each worker's last five
# crossings with the gate. Rows of the three kinds come back in one UNION ALL, told apart by
# `kind`. The page is a CTE used three times, so both databases compute it once. The office's
# jurisdiction is two small sets, its employers and the agreements its region is party to; on
# PostgreSQL they are arrays, computed once, so that the planner looks up a page's worth of
# placements instead of joining every placement of the jurisdiction (see policies/scopes.py).
# (CROSS JOIN tells SQLite to go from the page to the placements, not the other way round.)
IN_SET = {"sqlite": "{column} IN ({subquery})", "postgresql": "{column} = ANY(ARRAY({subquery}))"}
EMPLOYERS = """SELECT id FROM employers WHERE county_id IN (
    SELECT descendant_id FROM unit_closure WHERE ancestor_id = :unit)"""
AGREEMENTS = """SELECT id FROM agreements WHERE cn_unit_id IN (
    SELECT ancestor_id FROM unit_closure WHERE descendant_id = :unit
    UNION SELECT descendant_id FROM unit_closure WHERE ancestor_id = :unit)"""


def _page(dialect: str) -> str:
    in_set = IN_SET[dialect]
    scope = (
        in_set.format(column="p.employer_id", subquery=EMPLOYERS)
        + " AND "
        + in_set.format(column="p.agreement_id", subquery=AGREEMENTS)
    )
    return f"""
WITH page AS (
    SELECT w.id, w.full_name, w.date_of_birth, w.status, w.border_pass_sealed
    FROM workers w
    WHERE w.status = 'deployed' AND EXISTS (SELECT 1 FROM placements p WHERE p.worker_id = w.id AND {scope})
    ORDER BY w.full_name, w.id
    LIMIT :limit
)
SELECT 0 AS kind, page.id AS worker_id, page.full_name AS a, page.status AS b, page.border_pass_sealed AS c,
       page.date_of_birth AS day, CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS moment, 0 AS sort1, 0 AS sort2
FROM page
UNION ALL
SELECT 1, p.worker_id, p.job, p.status, e.name_zh, p.start_date, NULL, 0, p.id
FROM page CROSS JOIN placements p JOIN employers e ON e.id = p.employer_id
WHERE p.worker_id = page.id AND {scope}
UNION ALL
"""


# The last five crossings per worker: a window on SQLite, a LATERAL index scan on PostgreSQL.
CROSSINGS = {
    "sqlite": """
SELECT 2, c.worker_id, c.direction, g.code, NULL, NULL, c.crossed_at, c.n, c.id
FROM (SELECT c.id, c.worker_id, c.direction, c.crossed_at, c.gate_id,
             row_number() OVER (PARTITION BY c.worker_id ORDER BY c.crossed_at DESC, c.id DESC) AS n
      FROM crossings c WHERE c.worker_id IN (SELECT id FROM page)) c
JOIN border_gates g ON g.id = c.gate_id
WHERE c.n <= 5
""",
    "postgresql": """
SELECT 2, c.worker_id, c.direction, g.code, NULL, NULL, c.crossed_at, c.n, c.id
FROM page CROSS JOIN LATERAL (
    SELECT c.id, c.worker_id, c.direction, c.crossed_at, c.gate_id,
           row_number() OVER (ORDER BY c.crossed_at DESC, c.id DESC) AS n
    FROM crossings c WHERE c.worker_id = page.id
    ORDER BY c.crossed_at DESC, c.id DESC LIMIT 5) c
JOIN border_gates g ON g.id = c.gate_id
""",
}
COLUMNS: dict[str, Any] = {
    "kind": Integer,
    "worker_id": Integer,
    "a": String,
    "b": String,
    "c": String,
    "day": Date,
    "moment": UtcDateTime(),
    "sort1": Integer,
    "sort2": Integer,
}
STATEMENTS = {dialect: text(_page(dialect) + tail).columns(**COLUMNS) for dialect, tail in CROSSINGS.items()}


def hekou_page(connection: Connection, unit_id: int, first: int = 100) -> dict[str, Any]:
    """The `data` of the HekouPage query, as a dict."""
    workers: list[Any] = []
    placements: dict[int, list[Any]] = defaultdict(list)
    crossings: dict[int, list[Any]] = defaultdict(list)
    statement = STATEMENTS[connection.dialect.name]
    for row in connection.execute(statement, {"unit": unit_id, "limit": first + 1}):
        if row.kind == 0:
            workers.append(row)
        elif row.kind == 1:
            placements[row.worker_id].append(row)
        else:
            crossings[row.worker_id].append(row)
    workers.sort(key=lambda r: (r.a, r.worker_id))
    has_next = len(workers) > first
    workers = workers[:first]
    ring = keyring()
    nodes = []
    for w in workers:
        own = sorted(placements.get(w.worker_id, ()), key=lambda r: (r.day, r.sort2), reverse=True)
        nodes.append(
            {
                "id": encode_id("Worker", w.worker_id),
                "fullName": w.a,
                "dateOfBirth": w.day.isoformat(),
                "status": w.b.upper(),
                "borderPassNumber": ring.open(w.c),
                "placements": [
                    {
                        "job": p.a,
                        "startDate": p.day.isoformat(),
                        "status": p.b.upper(),
                        "employer": {"nameZh": p.c},
                    }
                    for p in own
                ],
                "crossings": [
                    {"direction": c.a.upper(), "crossedAt": c.moment.isoformat(), "gate": {"code": c.b}}
                    for c in sorted(crossings.get(w.worker_id, ()), key=lambda r: r.sort1)
                ],
            }
        )
    last = ["full_name", False, workers[-1].a, workers[-1].worker_id] if workers else None
    end = encode_cursor(last, "cn-hekou/workers") if last else None
    return {"workers": {"pageInfo": {"hasNextPage": has_next, "endCursor": end}, "nodes": nodes}}


def encode(data: dict[str, Any]) -> bytes:
    """The response body, encoded the way the server encodes it."""
    return json.dumps({"data": data}, default=_default, ensure_ascii=False, separators=(",", ":")).encode()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
