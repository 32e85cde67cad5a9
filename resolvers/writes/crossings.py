"""Crossings recorded at the gate by the border guard or customs, in the agreed sequence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from models import (
    BorderGate,
    Crossing,
    Direction,
    Placement,
    PlacementStatus,
    TravelDocument,
    Worker,
    WorkerStatus,
    agreement_gates,
)
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find

OPEN = (PlacementStatus.PLANNED, PlacementStatus.ACTIVE)


def _open_placement(w: WriteContext, worker: Worker) -> Placement | None:
    return w.session.scalar(
        select(Placement)
        .where(Placement.worker_id == worker.id, Placement.status.in_(OPEN))
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(1)
    )


def _gate_listed(w: WriteContext, agreement_id: int, gate_id: int) -> bool:
    row = w.session.connection().execute(
        select(agreement_gates.c.gate_id).where(
            agreement_gates.c.agreement_id == agreement_id, agreement_gates.c.gate_id == gate_id
        )
    )
    return row.first() is not None


def _sequence_error(w: WriteContext, worker: Worker, direction: Direction, at: dt.datetime) -> bool:
    """Exits and entries alternate, in time order, starting with an exit."""
    last = w.session.scalar(
        select(Crossing)
        .where(Crossing.worker_id == worker.id, Crossing.voided_at.is_(None))
        .order_by(Crossing.crossed_at.desc(), Crossing.id.desc())
        .limit(1)
    )
    if last is None:
        return direction != Direction.EXIT_VIETNAM
    return last.direction == direction or last.crossed_at >= at


def record_crossing(w: WriteContext, data: Any) -> Crossing:
    session, grant = w.session, w.grant
    checks = Checks()
    crossed_at = checks.moment("crossedAt", data.crossed_at)
    gate = session.scalar(select(BorderGate).where(BorderGate.code == (data.gate_code or "")[:64]))
    if gate is None:
        checks.fail("gateCode", "no border gate with this code", "NOT_FOUND")
    worker = None
    try:
        worker = find(session, Worker, "workerId", data.worker_id, "Worker")
    except InputError as exc:
        checks.errors.append(exc)
    document = TravelDocument(data.document.value)
    direction = Direction(data.direction.value)
    placement = None
    if worker is not None:
        held = worker.border_pass_sealed if document == TravelDocument.BORDER_PASS else worker.passport_sealed
        if held is None:
            checks.fail("document", "the worker holds no such document", "NO_DOCUMENT")
        if crossed_at is not None and crossed_at.date() < worker.date_of_birth:
            checks.fail("crossedAt", "must not be before the worker's birth", "OUT_OF_RANGE")
        placement = _open_placement(w, worker)
        if direction == Direction.EXIT_VIETNAM:
            if placement is None:
                checks.fail("workerId", "has no planned or active placement to leave for", "NO_PLACEMENT")
            elif gate is not None and not _gate_listed(w, placement.agreement_id, gate.id):
                checks.fail(
                    "gateCode", "the placement's agreement does not list this gate", "GATE_NOT_IN_AGREEMENT"
                )
        if crossed_at is not None and _sequence_error(w, worker, direction, crossed_at):
            checks.fail(
                "direction",
                "exits and entries must alternate, starting with an exit",
                "CROSSING_OUT_OF_SEQUENCE",
            )
    checks.done()
    if worker is None or gate is None or crossed_at is None:  # each came with an error above
        raise InputError("workerId", "could not be read", "INVALID")
    crossing = Crossing(
        worker_id=worker.id,
        gate_id=gate.id,
        direction=direction,
        crossed_at=crossed_at,
        document=document,
        recorded_by_office_id=grant.office.id,
    )
    session.add(crossing)
    session.flush()
    if direction == Direction.EXIT_VIETNAM:
        lifecycle.move(w, worker, WorkerStatus.DEPLOYED, "recordCrossing")
    elif placement is None and worker.status == WorkerStatus.DEPLOYED:
        lifecycle.move(w, worker, WorkerStatus.RETURNED, "recordCrossing")
    session.flush()
    return crossing
