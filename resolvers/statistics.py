"""Aggregate statistics, counted inside the caller's row scope (the session applies it)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AdminUnit, BorderGate, Crossing, Placement, Worker


def worker_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Worker)) or 0


def workers_by_status(session: Session) -> list[tuple[str, int]]:
    stmt = select(Worker.status, func.count()).group_by(Worker.status).order_by(Worker.status)
    return [(str(k.value if hasattr(k, "value") else k), n) for k, n in session.execute(stmt)]


def workers_by_home_province(session: Session) -> list[tuple[str, int]]:
    stmt = (
        select(AdminUnit.code, func.count(Worker.id))
        .join(AdminUnit, AdminUnit.id == Worker.home_province_id)
        .group_by(AdminUnit.code)
        .order_by(AdminUnit.code)
    )
    return [(k, n) for k, n in session.execute(stmt)]


def placements_by_status(session: Session) -> list[tuple[str, int]]:
    stmt = select(Placement.status, func.count()).group_by(Placement.status).order_by(Placement.status)
    return [(str(k.value if hasattr(k, "value") else k), n) for k, n in session.execute(stmt)]


def crossings_by_gate(session: Session) -> list[tuple[str, int]]:
    stmt = (
        select(BorderGate.code, func.count(Crossing.id))
        .join(BorderGate, BorderGate.id == Crossing.gate_id)
        .group_by(BorderGate.code)
        .order_by(BorderGate.code)
    )
    return [(k, n) for k, n in session.execute(stmt)]
