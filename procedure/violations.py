"""Every violation of the procedure's rules in a whole database, for data the API did not write.

The API refuses a step that breaks a rule when it is taken; data loaded in bulk (`demo`,
`generate`, a migration from another system) never met those checks. This module judges such
data after the fact by the same rules: it gathers each record's facts as of its own day and asks
`procedure.rules`, as a write does. A placement is judged by the requirement set in force on its
start date (prerequisites, age, wage, the agreement's party, validity and yearly quota, the
employer's approved quota, one open placement per worker), a confirmed placement by its
confirmation's rules (the worker's exit at a gate of the agreement, a start not far ahead), a
crossing by the worker's crossing before it (alternating from an exit, each exit leaving for a
placement, planned or under way, whose agreement lists the gate, with the protection the agreement
required on the exit's day).
Dates are checked against birth and `today`. A placement's overrides excuse the rules they name;
void records count for nothing. A violation's detail is the message the API would refuse it with.

It reads each table once, in bulk, with the session's rows unscoped (it is an operator's tool),
so it runs over 100,000 workers in seconds to minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
from procedure import PROTECTION_COLUMNS
from procedure.calendar import age_on, day_of
from procedure.rules import (
    BrokenRule,
    Check,
    ConfirmationFacts,
    CrossingFacts,
    PlacementFacts,
    Stay,
    confirmation_rules,
    crossing_rules,
    placement_left_for,
    placement_rules,
    protection_recorded,
    requirements_in_force,
)

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
    clearances: dict[int, list[tuple[dt.date, int, bool]]]
    health: dict[int, list[tuple[dt.date, int, bool]]]
    placements: list[Any]
    deidentified: set[int]  # workers retention has de-identified: their documents' numbers are gone


def _by_worker(rows: Iterable[Any]) -> dict[int, list[tuple[dt.date, int, bool]]]:
    """Each worker's checks in the order the write path reads them: by date, then as recorded."""
    out: dict[int, list[tuple[dt.date, int, bool]]] = defaultdict(list)
    for worker_id, on, record_id, good in rows:
        out[worker_id].append((on, record_id, good))
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
        deidentified=set(session.scalars(select(Worker.id).where(Worker.deidentified_on.is_not(None)))),
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
                    PoliceClearance.id,
                    PoliceClearance.result == ClearanceResult.CLEAR,
                ).where(PoliceClearance.voided_at.is_(None))
            )
        ),
        health=_by_worker(
            session.execute(
                select(
                    HealthCheck.worker_id,
                    HealthCheck.checked_on,
                    HealthCheck.id,
                    HealthCheck.result == HealthResult.FIT,
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
                    Placement.created_at,
                    Placement.start_date,
                    Placement.end_date,
                    Placement.monthly_wage_cny,
                    Placement.status,
                    *(getattr(Placement, column) for column in PROTECTION_COLUMNS),
                )
                .where(Placement.status.not_in(NOT_COUNTED))
                .order_by(Placement.start_date, Placement.id)
            )
        ),
    )


def _latest(dated: list[tuple[dt.date, int, bool]], day: dt.date) -> Check | None:
    before = [d for d in dated if d[0] <= day]
    return Check(before[-1][0], before[-1][2]) if before else None


def _placement_facts(rows: _Rows) -> Iterator[tuple[Any, PlacementFacts]]:
    """Each placement with its facts, counted in start order: the worker's placements not ended by
    its start, the employer's open on its start day, the agreement's started earlier that year."""
    open_ends: dict[int, list[dt.date]] = defaultdict(list)
    last_end: dict[int, dt.date] = {}
    started: Counter[tuple[int, int]] = Counter()
    for p in rows.placements:
        ends = open_ends[p.employer_id]
        while ends and ends[0] < p.start_date:
            heapq.heappop(ends)
        previous_end = last_end.get(p.worker_id, dt.date.min)
        year_key = (p.agreement_id, p.start_date.year)
        agreement, employer = rows.agreements[p.agreement_id], rows.employers[p.employer_id]
        yield (
            p,
            PlacementFacts(
                start=p.start_date,
                requirements=requirements_in_force(rows.versions.get(p.agreement_id, []), p.start_date),
                age=age_on(rows.born[p.worker_id], p.start_date),
                clearance=_latest(rows.clearances.get(p.worker_id, []), p.start_date),
                health=_latest(rows.health.get(p.worker_id, []), p.start_date),
                worker_status=None,  # unknown on a past day
                open_placements=int(previous_end >= p.start_date),
                employer_in_agreement=(agreement.cn_unit_id, employer.county_id) in rows.closure,
                agreement_status=None,  # unknown on a past day: the dates are judged
                agreement_valid_from=agreement.valid_from,
                agreement_valid_to=agreement.valid_to,
                employer_open=len(ends),
                employer_quota=employer.approved_quota,
                agreement_started=started[year_key],
                agreement_yearly_quota=agreement.yearly_quota,
                wage=p.monthly_wage_cny,
            ),
        )
        heapq.heappush(ends, p.end_date or ENDED)
        last_end[p.worker_id] = max(previous_end, p.end_date or ENDED)
        started[year_key] += 1


def _broken(record: str, rules: Iterable[BrokenRule]) -> list[Violation]:
    return [Violation(record, r.rule, r.english) for r in rules]


def _protection(rows: _Rows, leaving: Any, day: dt.date) -> tuple[frozenset[str], frozenset[str]]:
    """For an exit on `day`: the parts of the protection required then by the agreement of the
    placement it leaves for, and those that placement had by then."""
    versions = rows.versions.get(leaving.agreement_id, [])
    required = requirements_in_force(versions, day).protection_before_exit
    erased = leaving.worker_id in rows.deidentified
    return required, protection_recorded(leaving._mapping, day, erased)


Exits = dict[int, list[tuple[dt.date, int]]]  # each worker's exits not voided: (day, gate), in time order


def _crossing_rules(session: Session, rows: _Rows, today: dt.date, exits: Exits) -> list[Violation]:
    """Crossings of each worker in time order, judged as the write path judges one: in turn after the
    previous, each exit leaving for a placement (`placement_left_for`, as the write asks) whose
    agreement lists the gate; and none before birth or in the future. Fills `exits` for the
    confirmations' judgement."""
    stays: dict[int, list[Stay]] = defaultdict(list)  # each worker's placements
    placed: dict[int, Any] = {}
    for p in rows.placements:
        stays[p.worker_id].append(Stay(p.id, p.agreement_id, p.created_at, p.start_date, p.end_date))
        placed[p.id] = p
    none = (frozenset[str](), frozenset[str]())
    found: list[Violation] = []
    previous: dict[int, tuple[Direction, dt.datetime]] = {}
    stream = session.execute(
        select(Crossing.id, Crossing.worker_id, Crossing.gate_id, Crossing.direction, Crossing.crossed_at)
        .where(Crossing.voided_at.is_(None))
        .order_by(Crossing.worker_id, Crossing.crossed_at, Crossing.id)
        .execution_options(yield_per=20_000)
    )
    for crossing_id, worker_id, gate_id, direction, crossed_at in stream:
        record, day = f"Crossing {crossing_id}", day_of(crossed_at)
        exit_ = direction == Direction.EXIT_VIETNAM
        leaving = placement_left_for(stays[worker_id], day) if exit_ else None
        required, recorded = none if leaving is None else _protection(rows, placed[leaving.id], day)
        facts = CrossingFacts(
            direction,
            crossed_at,
            previous.get(worker_id),
            under_placement=leaving is not None,
            gate_listed=None if leaving is None else (leaving.agreement_id, gate_id) in rows.gates,
            protection_required=required,
            protection_recorded=recorded,
        )
        found += _broken(record, crossing_rules(facts))
        previous[worker_id] = (direction, crossed_at)
        if exit_:
            exits[worker_id].append((day, gate_id))
        if day > today or day < rows.born[worker_id]:
            found.append(Violation(record, "dates", f"crossed on {day}, in the future or before birth"))
    return found


CONFIRMED = (
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
    PlacementStatus.TERMINATED,
    PlacementStatus.ABSCONDED,
)


def _confirmation_rules(rows: _Rows, exits: Exits, today: dt.date) -> list[Violation]:
    """Each confirmed placement judged as its confirmation was: the worker exited at a gate of the
    agreement after the end of the worker's placement before (and by the placement's end), and the
    start is not later than the confirmation window allows from today."""
    found: list[Violation] = []
    previous_end: dict[int, dt.date] = {}
    for p in rows.placements:  # in start order
        after = previous_end.get(p.worker_id, dt.date.min)
        previous_end[p.worker_id] = max(after, p.end_date or ENDED)
        if p.status not in CONFIRMED:
            continue
        until = min(p.end_date or today, today)
        facts = ConfirmationFacts(
            today=today,
            start=p.start_date,
            requirements=requirements_in_force(rows.versions.get(p.agreement_id, []), p.start_date),
            exited_at_gate=any(
                after <= day <= until and (p.agreement_id, gate) in rows.gates
                for day, gate in exits.get(p.worker_id, ())
            ),
        )
        found += _broken(f"Placement {p.id}", confirmation_rules(facts))
    return found


def _check_dates(rows: _Rows, today: dt.date) -> list[Violation]:
    found = []
    for name, dated in (
        ("PoliceClearance of worker", rows.clearances),
        ("HealthCheck of worker", rows.health),
    ):
        for worker_id, entries in dated.items():
            for on, _, _ in entries:
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
    found: list[Violation] = []
    for p, facts in _placement_facts(rows):
        excused = rows.overrides.get(p.id, set())
        record = f"Placement {p.id}"
        found += _broken(record, (r for r in placement_rules(facts) if r.rule not in excused))
        if p.end_date is not None and (p.end_date > today or p.end_date < p.start_date):
            found.append(Violation(record, "dates", f"end {p.end_date} in the future or before the start"))
    exits: Exits = defaultdict(list)
    found += _crossing_rules(session, rows, today, exits)
    found += _confirmation_rules(rows, exits, today)
    found += _check_dates(rows, today)
    return sorted(found)
