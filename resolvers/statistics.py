"""Aggregate statistics, counted inside the caller's row scope (the session applies it).

The workers are counted from `worker_counts` (per home commune and status, kept by the writes)
wherever the policy says those counts cover the caller's scope (`policies.scopes.counts_cover`),
so that the answer costs the same however many workers the table holds; elsewhere from the rows.
Either way the session puts the caller's row scope on the statement: the answer is the same.

Each breakdown goes through `SmallCells.breakdown` with its key domain: every key it can have for
the caller, whether or not any row holds it, so that a reader who may not read the field cannot
tell a zero from a key left out, nor work a withheld cell out of the total it knows. The domains
are what the caller can enumerate already, never the rows counted:

- statuses: the values of `WorkerStatus` and `PlacementStatus` (the schema's enums);
- gates: every border gate of the reference table (every office with statistics reads
  `BorderGate.*` and lists them all with `borderGates`; its workers may cross at any of them);
- provinces: the Vietnamese provinces of the reference table (public: `administrativeUnits`, of
  any day, as a worker keeps the province registered under before a merger). An office whose worker
  scope is its home unit alone counts only the provinces above or below its unit (its own, those
  merged into it); the others are known to it to be 0, so they stay out of its domain, or a
  withheld cell beside them could be worked out. An office that also sees workers by placement or
  by gate may count a worker of any province.

`workerCount` stays a plain count: the reader can count the workers it lists anyway.
The yearly agreement report keeps its own cell-by-cell rule (`reports/withholding.py`): both focal
offices sign its figures (`reports/signing.py`), and what is signed is theirs to change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    AdminUnit,
    BorderGate,
    Crossing,
    Placement,
    PlacementStatus,
    Worker,
    WorkerCount,
    WorkerStatus,
)
from models.units import Country, UnitLevel
from policies.cells import Cell, SmallCells
from policies.scopes import counted_provinces, counts_cover
from policies.sessions import GRANT_KEY


def _from_counts(session: Session) -> bool:
    grant = session.info.get(GRANT_KEY)
    return grant is not None and counts_cover(grant)


def _shown(
    session: Session, resource: str, pairs: list[tuple[str, int]], domain: Callable[[], Iterable[str]]
) -> list[tuple[str, Cell]]:
    """The small-cell rule (`policies.cells`) on a breakdown by `resource` over its key domain: both
    read engines answer the statistics with these functions, so both show the same cells. The domain
    is read only for a reader the rule withholds the breakdown from (a reader of the field needs none)."""
    cells = SmallCells(session.info.get(GRANT_KEY))
    return cells.breakdown(resource, dict(pairs), domain() if cells.withholds(resource) else ())


def _key(value: object) -> str:
    return str(getattr(value, "value", value))


def worker_count(session: Session) -> int:
    if _from_counts(session):
        return session.scalar(select(func.coalesce(func.sum(WorkerCount.n), 0))) or 0
    return session.scalar(select(func.count()).select_from(Worker)) or 0


def workers_by_status(session: Session) -> list[tuple[str, Cell]]:
    if _from_counts(session):
        stmt = (
            select(WorkerCount.status, func.sum(WorkerCount.n))
            .group_by(WorkerCount.status)
            .having(func.sum(WorkerCount.n) > 0)  # a status no worker holds is absent, as in the rows
            .order_by(WorkerCount.status)
        )
    else:
        stmt = select(Worker.status, func.count()).group_by(Worker.status).order_by(Worker.status)
    pairs = [(_key(k), int(n)) for k, n in session.execute(stmt)]
    return _shown(session, "Worker.status", pairs, lambda: (s.value for s in WorkerStatus))


def _provinces(session: Session) -> list[str]:
    """The provinces whose workers the caller could see counted (`policies.scopes.counted_provinces`)."""
    stmt = select(AdminUnit.code).where(
        AdminUnit.country == Country.VN, AdminUnit.level == UnitLevel.PROVINCE
    )
    grant = session.info.get(GRANT_KEY)
    within = counted_provinces(grant) if grant is not None else None
    if within is not None:
        stmt = stmt.where(AdminUnit.id.in_(within))
    return list(session.scalars(stmt))


def workers_by_home_province(session: Session) -> list[tuple[str, Cell]]:
    stmt = (
        select(AdminUnit.code, func.count(Worker.id))
        .join(AdminUnit, AdminUnit.id == Worker.home_province_id)
        .group_by(AdminUnit.code)
        .order_by(AdminUnit.code)
    )
    pairs = [(k, int(n)) for k, n in session.execute(stmt)]
    return _shown(session, "Worker.homeProvince", pairs, lambda: _provinces(session))


def placements_by_status(session: Session) -> list[tuple[str, Cell]]:
    stmt = select(Placement.status, func.count()).group_by(Placement.status).order_by(Placement.status)
    pairs = [(_key(k), int(n)) for k, n in session.execute(stmt)]
    return _shown(session, "Placement.status", pairs, lambda: (s.value for s in PlacementStatus))


def crossings_by_gate(session: Session) -> list[tuple[str, Cell]]:
    stmt = (
        select(BorderGate.code, func.count(Crossing.id))
        .join(BorderGate, BorderGate.id == Crossing.gate_id)
        .group_by(BorderGate.code)
        .order_by(BorderGate.code)
    )
    pairs = [(k, int(n)) for k, n in session.execute(stmt)]
    return _shown(session, "Crossing.gate", pairs, lambda: session.scalars(select(BorderGate.code)))
