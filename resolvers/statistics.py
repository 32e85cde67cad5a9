"""Aggregate statistics, counted inside the caller's row scope (the session applies it).

The workers are counted from `worker_counts` (per home commune and status, kept by the writes)
wherever the policy says those counts cover the caller's scope (`policies.scopes.counts_cover`),
so that the answer costs the same however many workers the table holds; elsewhere from the rows.
Either way the session puts the caller's row scope on the statement: the answer is the same.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AdminUnit, BorderGate, Crossing, Placement, Worker, WorkerCount
from policies.cells import Cell, SmallCells
from policies.scopes import counts_cover
from policies.sessions import GRANT_KEY


def _from_counts(session: Session) -> bool:
    grant = session.info.get(GRANT_KEY)
    return grant is not None and counts_cover(grant)


def _shown(session: Session, resource: str, pairs: list[tuple[str, int]]) -> list[tuple[str, Cell]]:
    """The small-cell rule (`policies.cells`) on counts broken down by `resource`: both read engines
    answer the statistics with these functions, so both show the same cells."""
    cells = SmallCells(session.info.get(GRANT_KEY))
    return [(key, cells.shown(resource, n)) for key, n in pairs]


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
    pairs = [(str(k.value if hasattr(k, "value") else k), int(n)) for k, n in session.execute(stmt)]
    return _shown(session, "Worker.status", pairs)


def workers_by_home_province(session: Session) -> list[tuple[str, Cell]]:
    stmt = (
        select(AdminUnit.code, func.count(Worker.id))
        .join(AdminUnit, AdminUnit.id == Worker.home_province_id)
        .group_by(AdminUnit.code)
        .order_by(AdminUnit.code)
    )
    return _shown(session, "Worker.homeProvince", [(k, n) for k, n in session.execute(stmt)])


def placements_by_status(session: Session) -> list[tuple[str, Cell]]:
    stmt = select(Placement.status, func.count()).group_by(Placement.status).order_by(Placement.status)
    pairs = [(str(k.value if hasattr(k, "value") else k), n) for k, n in session.execute(stmt)]
    return _shown(session, "Placement.status", pairs)


def crossings_by_gate(session: Session) -> list[tuple[str, Cell]]:
    stmt = (
        select(BorderGate.code, func.count(Crossing.id))
        .join(BorderGate, BorderGate.id == Crossing.gate_id)
        .group_by(BorderGate.code)
        .order_by(BorderGate.code)
    )
    return _shown(session, "Crossing.gate", [(k, n) for k, n in session.execute(stmt)])
