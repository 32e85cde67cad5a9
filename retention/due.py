"""Who is due on a day, by SQL: the same expressions count the plan and choose each batch to erase.

A worker's reference day is the end of the worker's last placement (cancelled ones aside) or, for
a worker never placed, the day of the last crossing that was not voided (the registration day if
none). A placement not ended (no end date, not cancelled) gives no reference day: the worker is
kept. A worker is due for a kind on day D when the reference day is before D minus the kind's
days, and nothing holds the worker (an incident not resolved, a hold in force on D).

Written as "no event on or after the cutoff" (NOT EXISTS on indexed keys), never as a computed
date compared per row, so SQLite and PostgreSQL run the same expression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select
from sqlalchemy.sql import Select

from models import (
    AdminUnit,
    Crossing,
    HealthCheck,
    Incident,
    IncidentStatus,
    Placement,
    PlacementStatus,
    PoliceClearance,
    RetentionHold,
    Worker,
)
from procedure import PROTECTION_IDENTIFIERS
from procedure.calendar import VIETNAM
from retention.rules import KINDS, RetentionRules

# The sub-queries read aliases: a plain `Placement` inside them would correlate with the outer
# query's placements when the plan counts placements, instead of looking at all of the worker's.
P = Placement.__table__.alias("retention_placements")
C = Crossing.__table__.alias("retention_crossings")
I = Incident.__table__.alias("retention_incidents")  # noqa: E741
H = RetentionHold.__table__.alias("retention_holds_in_force")

# Each kind's records, and what is left on a record once erased: a record with nothing left of its
# personal values is done, so a second run finds nothing and an interrupted one resumes.
RECORDS: dict[str, Any] = {
    "placements": Placement,
    "health_checks": HealthCheck,
    "police_clearances": PoliceClearance,
    "incidents": Incident,
}

# The personal values of each kind and what erasing writes over each: the one list both the erasure
# (`retention.erasure`) and the test of what is left (`left_to_erase`) read. A placement's insurance
# policy numbers name the worker's own policies (`procedure.PROTECTION_IDENTIFIERS`, which the
# procedure's check then judges without); the insurers, like the employer, name companies.
ERASED: dict[str, dict[str, object]] = {
    "placements": {"work_permit_number": None} | dict.fromkeys(PROTECTION_IDENTIFIERS),
    "health_checks": {"notes_sealed": None},
    "police_clearances": {"notes_sealed": None},
    "incidents": {"description": "", "handling": None, "resolution": None},
}


def left_to_erase(kind: str) -> ColumnElement[bool]:
    """Whether a row of the kind still holds personal values."""
    if kind == "workers":
        return Worker.deidentified_on.is_(None)
    model = RECORDS[kind]
    return or_(
        *(
            getattr(model, column).is_not(None) if erased is None else getattr(model, column) != erased
            for column, erased in ERASED[kind].items()
        )
    )


def _midnight(day: dt.date) -> dt.datetime:
    """The first moment of the registry's `day` (Vietnam's, as every day here): a crossing at 05:00 in
    Vietnam is on that day, though it is still the day before in UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM)


def _ended_before(cutoff: dt.date) -> ColumnElement[bool]:
    """The worker was placed, and every placement ended before `cutoff` (cancelled ones aside)."""
    counted = and_(P.c.worker_id == Worker.id, P.c.status != PlacementStatus.CANCELLED)
    return and_(
        exists(select(1).where(counted)),
        not_(exists(select(1).where(counted, or_(P.c.end_date.is_(None), P.c.end_date >= cutoff)))),
    )


def _never_placed_quiet_since(cutoff: dt.date) -> ColumnElement[bool]:
    """Never placed (cancelled placements aside), and no crossing (or registration) on or after `cutoff`."""
    placed = exists(select(1).where(P.c.worker_id == Worker.id, P.c.status != PlacementStatus.CANCELLED))
    crossed = and_(C.c.worker_id == Worker.id, C.c.voided_at.is_(None))
    return and_(
        not_(placed),
        not_(exists(select(1).where(crossed, C.c.crossed_at >= _midnight(cutoff)))),
        or_(exists(select(1).where(crossed)), Worker.created_at < _midnight(cutoff)),
    )


def held(rules: RetentionRules, day: dt.date) -> ColumnElement[bool]:
    """Whether something keeps the worker's data on `day`, whatever the periods say."""
    clauses: list[ColumnElement[bool]] = []
    if rules.open_incidents_hold:
        clauses.append(
            exists(select(1).where(I.c.worker_id == Worker.id, I.c.status != IncidentStatus.RESOLVED))
        )
    if rules.recorded_holds_hold:
        clauses.append(
            exists(
                select(1).where(
                    H.c.worker_id == Worker.id, or_(H.c.held_until.is_(None), H.c.held_until >= day)
                )
            )
        )
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class DueOn:
    """The rules as they stand on one day: for each kind, whether a worker row is due."""

    day: dt.date
    rules: RetentionRules

    def worker_due(self, kind: str) -> ColumnElement[bool]:
        """Due for `kind` itself, or for `workers` (then every kind goes with the worker)."""
        days = self.rules.days_on(self.day)
        kinds = {kind, "workers"} if kind != "workers" else {"workers"}
        passed = [
            or_(_ended_before(cutoff), _never_placed_quiet_since(cutoff))
            for cutoff in (self.day - dt.timedelta(days=days[k]) for k in sorted(kinds) if k in days)
        ]
        if not passed:
            return false()
        return and_(or_(*passed), not_(held(self.rules, self.day)))

    def due_rows(self, kind: str) -> Select:
        """(record id, worker id, province code) of every row of the kind with something left to erase."""
        if kind == "workers":
            base = select(Worker.id, Worker.id)
        else:
            model = RECORDS[kind]
            base = select(model.id, model.worker_id).join(Worker, Worker.id == model.worker_id)
        return (
            base.add_columns(AdminUnit.code)
            .join(AdminUnit, AdminUnit.id == Worker.home_province_id)
            .where(left_to_erase(kind), self.worker_due(kind))
        )

    def due_workers(self) -> Select:
        """The ids of the workers with anything due, in id order (the batches' order)."""
        clauses = []
        for kind in KINDS:
            if kind == "workers":
                clauses.append(and_(left_to_erase(kind), self.worker_due(kind)))
            else:
                model = RECORDS[kind]
                clauses.append(
                    and_(
                        exists(select(1).where(model.worker_id == Worker.id, left_to_erase(kind))),
                        self.worker_due(kind),
                    )
                )
        return select(Worker.id).where(or_(*clauses)).order_by(Worker.id)
