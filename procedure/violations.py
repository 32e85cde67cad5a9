"""Every violation of the procedure's rules in a whole database, for data the API did not write.

The API refuses a step that breaks a rule when it is taken; data loaded in bulk (`demo`,
`generate`, a migration from another system) never met those checks. This module judges such
data after the fact by the same rules, each placement by the requirement set in force on its
start date: prerequisites, age, wage, the agreement's party, validity and yearly quota, the
employer's approved quota, one open placement per worker, and crossings (alternating from an exit,
each exit under a placement whose agreement lists the gate). Dates are checked against birth and
`today`. A placement's overrides excuse the rules they name; void records count for nothing.

It reads each table once, in bulk, with the session's rows unscoped (it is an operator's tool),
so it runs over 100,000 workers in seconds to minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AgreementRequirements,
    ClearanceResult,
    Crossing,
    Direction,
    Employer,
    HealthCheck,
    HealthResult,
    Placement,
    PlacementStatus,
    PoliceClearance,
    ProcedureOverride,
    UnitClosure,
    Worker,
    agreement_gates,
)
from procedure import Requirements, default_requirements
from procedure.calendar import age_on, months_before

NOT_COUNTED = (PlacementStatus.CANCELLED,)
ENDED = dt.date.max  # an open placement's end, for the interval arithmetic


@dataclass(frozen=True, order=True)
class Violation:
    record: str  # "Placement 12", "Crossing 7": a type and an internal id, no personal data
    rule: str  # a rule name of procedure.RULES, or "crossing-sequence", "gate", "dates"
    detail: str


@dataclass
class _Rows:
    born: dict[int, dt.date]
    agreements: dict[int, Any]
    employers: dict[int, Any]
    versions: dict[int, list[Any]]
    closure: set[tuple[int, int]]
    gates: set[tuple[int, int]]
    overrides: dict[int, set[str]]
    clearances: dict[int, list[tuple[dt.date, bool]]]
    health: dict[int, list[tuple[dt.date, bool]]]
    placements: list[Any]


def _by_worker(rows: Iterable[Any]) -> dict[int, list[tuple[dt.date, bool]]]:
    out: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for worker_id, on, good in rows:
        out[worker_id].append((on, good))
    for dated in out.values():
        dated.sort()
    return out


def _load(session: Session) -> _Rows:
    versions: dict[int, list[Any]] = defaultdict(list)
    for v in session.execute(
        select(AgreementRequirements).order_by(AgreementRequirements.valid_from)
    ).scalars():
        versions[v.agreement_id].append(v)
    overrides: dict[int, set[str]] = defaultdict(set)
    for placement_id, rules in session.execute(
        select(ProcedureOverride.placement_id, ProcedureOverride.rules)
    ):
        overrides[placement_id].update(r for r in rules.split(",") if r)
    return _Rows(
        born={w: born for w, born in session.execute(select(Worker.id, Worker.date_of_birth))},
        agreements={a.id: a for a in session.scalars(select(Agreement))},
        employers={e.id: e for e in session.scalars(select(Employer))},
        versions=versions,
        closure={
            (a, d) for a, d in session.execute(select(UnitClosure.ancestor_id, UnitClosure.descendant_id))
        },
        gates={
            (a, b)
            for a, b in session.execute(select(agreement_gates.c.agreement_id, agreement_gates.c.gate_id))
        },
        overrides=overrides,
        clearances=_by_worker(
            session.execute(
                select(
                    PoliceClearance.worker_id,
                    PoliceClearance.issued_on,
                    PoliceClearance.result == ClearanceResult.CLEAR,
                ).where(PoliceClearance.voided_at.is_(None))
            )
        ),
        health=_by_worker(
            session.execute(
                select(
                    HealthCheck.worker_id, HealthCheck.checked_on, HealthCheck.result == HealthResult.FIT
                ).where(HealthCheck.voided_at.is_(None))
            )
        ),
        placements=list(
            session.execute(
                select(
                    Placement.id,
                    Placement.worker_id,
                    Placement.employer_id,
                    Placement.agreement_id,
                    Placement.start_date,
                    Placement.end_date,
                    Placement.monthly_wage_cny,
                    Placement.status,
                )
                .where(Placement.status.not_in(NOT_COUNTED))
                .order_by(Placement.start_date, Placement.id)
            )
        ),
    )


def _requirements(rows: _Rows, agreement_id: int, day: dt.date) -> Requirements:
    """The version in force on `day` (as resolvers.writes.requirements.requirements_for decides)."""
    for v in reversed(rows.versions.get(agreement_id, [])):
        if v.valid_from <= day and (v.valid_to is None or day <= v.valid_to):
            return Requirements(
                v.clearance_valid_months,
                v.health_valid_months,
                v.minimum_age,
                Decimal(v.minimum_monthly_wage_cny),
                frozenset(r for r in v.overridable.split(",") if r),
            )
    return default_requirements()


def _latest(dated: list[tuple[dt.date, bool]], day: dt.date) -> tuple[dt.date, bool] | None:
    before = [d for d in dated if d[0] <= day]
    return before[-1] if before else None


def _prerequisites(rows: _Rows, p: Any, req: Requirements) -> list[tuple[str, str]]:
    broken = []
    for rule, dated, months in (
        ("clearance", rows.clearances.get(p.worker_id, []), req.clearance_valid_months),
        ("health", rows.health.get(p.worker_id, []), req.health_valid_months),
    ):
        latest = _latest(dated, p.start_date)
        if latest is None or not latest[1]:
            broken.append((rule, f"no {rule} passed on or before the start {p.start_date}"))
        elif latest[0] < months_before(p.start_date, months):
            broken.append(
                (f"{rule}-age", f"{rule} of {latest[0]} older than {months} months at {p.start_date}")
            )
    return broken


def _placement_rules(rows: _Rows, p: Any, today: dt.date) -> list[tuple[str, str]]:
    agreement, employer = rows.agreements[p.agreement_id], rows.employers[p.employer_id]
    req = _requirements(rows, p.agreement_id, p.start_date)
    broken = _prerequisites(rows, p, req)
    age = age_on(rows.born[p.worker_id], p.start_date)
    if age < req.minimum_age:
        broken.append(("minimum-age", f"{age} years old at the start, below {req.minimum_age}"))
    if p.monthly_wage_cny < req.minimum_monthly_wage_cny:
        broken.append(("minimum-wage", f"{p.monthly_wage_cny} CNY below {req.minimum_monthly_wage_cny}"))
    if (agreement.cn_unit_id, employer.county_id) not in rows.closure:
        broken.append(("employer-in-agreement", f"employer {employer.id} outside agreement {agreement.code}"))
    if p.start_date < agreement.valid_from or (
        agreement.valid_to is not None and p.start_date > agreement.valid_to
    ):
        broken.append(("agreement-in-force", f"start {p.start_date} outside agreement {agreement.code}"))
    if p.end_date is not None and (p.end_date > today or p.end_date < p.start_date):
        broken.append(("dates", f"end {p.end_date} in the future or before the start"))
    return broken


def _quota_rules(rows: _Rows) -> dict[int, list[tuple[str, str]]]:
    """Per placement: the employer's approved quota of open placements on its start day, and the
    agreement's yearly quota of placements starting that calendar year (counted in start order)."""
    broken: dict[int, list[tuple[str, str]]] = defaultdict(list)
    open_ends: dict[int, list[dt.date]] = defaultdict(list)
    started: Counter[tuple[int, int]] = Counter()
    for p in rows.placements:  # in start order
        ends = open_ends[p.employer_id]
        while ends and ends[0] < p.start_date:
            heapq.heappop(ends)
        heapq.heappush(ends, p.end_date or ENDED)
        quota = rows.employers[p.employer_id].approved_quota
        if len(ends) > quota:
            broken[p.id].append(
                ("employer-quota", f"{len(ends)} open placements of employer {p.employer_id}, quota {quota}")
            )
        year_key = (p.agreement_id, p.start_date.year)
        started[year_key] += 1
        yearly = rows.agreements[p.agreement_id].yearly_quota
        if yearly is not None and started[year_key] > yearly:
            code = rows.agreements[p.agreement_id].code
            broken[p.id].append(
                (
                    "agreement-quota",
                    f"{started[year_key]} starts in {p.start_date.year} under {code}, quota {yearly}",
                )
            )
    return broken


def _one_open_placement(rows: _Rows) -> dict[int, list[tuple[str, str]]]:
    broken: dict[int, list[tuple[str, str]]] = defaultdict(list)
    last_end: dict[int, dt.date] = {}
    for p in rows.placements:  # in start order
        previous = last_end.get(p.worker_id)
        if previous is not None and previous >= p.start_date:
            broken[p.id].append(
                ("one-open-placement", f"starts {p.start_date} before the previous one ended")
            )
        last_end[p.worker_id] = max(previous or dt.date.min, p.end_date or ENDED)
    return broken


def _crossing_rules(session: Session, rows: _Rows, today: dt.date) -> list[Violation]:
    """Crossings of each worker in time order: exit, entry, exit, ...; each exit under a placement
    (start to end) whose agreement lists the gate; none before birth or in the future."""
    spans: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    for p in rows.placements:
        spans[p.worker_id].append((p.start_date, p.end_date or ENDED, p.agreement_id))
    found: list[Violation] = []
    expected: dict[int, Direction] = {}
    stream = session.execute(
        select(Crossing.id, Crossing.worker_id, Crossing.gate_id, Crossing.direction, Crossing.crossed_at)
        .where(Crossing.voided_at.is_(None))
        .order_by(Crossing.worker_id, Crossing.crossed_at, Crossing.id)
        .execution_options(yield_per=20_000)
    )
    for crossing_id, worker_id, gate_id, direction, crossed_at in stream:
        record, day = f"Crossing {crossing_id}", crossed_at.date()
        if direction is not expected.get(worker_id, Direction.EXIT_VIETNAM):
            found.append(Violation(record, "crossing-sequence", f"{direction.value} out of turn"))
        expected[worker_id] = (
            Direction.ENTER_VIETNAM if direction is Direction.EXIT_VIETNAM else Direction.EXIT_VIETNAM
        )
        if day > today or day < rows.born[worker_id]:
            found.append(Violation(record, "dates", f"crossed on {day}, in the future or before birth"))
        if direction is Direction.EXIT_VIETNAM and not any(
            start <= day <= end and (agreement_id, gate_id) in rows.gates
            for start, end, agreement_id in spans[worker_id]
        ):
            found.append(
                Violation(record, "gate", f"exit on {day} under no placement whose agreement lists the gate")
            )
    return found


def _check_dates(rows: _Rows, today: dt.date) -> list[Violation]:
    found = []
    for name, dated in (
        ("PoliceClearance of worker", rows.clearances),
        ("HealthCheck of worker", rows.health),
    ):
        for worker_id, entries in dated.items():
            for on, _ in entries:
                if on > today or on < rows.born[worker_id]:
                    found.append(
                        Violation(
                            f"{name} {worker_id}", "dates", f"dated {on}, in the future or before birth"
                        )
                    )
    return found


def violations(session: Session, today: dt.date) -> list[Violation]:
    """Every rule the database's records break, except those a placement's override names."""
    rows = _load(session)
    quotas, overlaps = _quota_rules(rows), _one_open_placement(rows)
    found: list[Violation] = []
    for p in rows.placements:
        excused = rows.overrides.get(p.id, set())
        for rule, detail in [
            *_placement_rules(rows, p, today),
            *quotas.get(p.id, []),
            *overlaps.get(p.id, []),
        ]:
            if rule not in excused:
                found.append(Violation(f"Placement {p.id}", rule, detail))
    found += _crossing_rules(session, rows, today)
    found += _check_dates(rows, today)
    return sorted(found)
