"""Crossings recorded at the gate by the border guard or customs, in the agreed sequence."""

from __future__ import annotations

from sqlalchemy import select

from models import BorderGate, Crossing, Direction, TravelDocument, Worker, WorkerStatus
from procedure.calendar import day_of
from procedure.rules import crossing_rules
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find
from resolvers.writes.facts import crossing_facts
from resolvers.writes.inputs import RecordCrossingData


def record_crossing(w: WriteContext, data: RecordCrossingData) -> Crossing:
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
        if crossed_at is not None and day_of(crossed_at) < worker.date_of_birth:  # the registry's day
            checks.fail("crossedAt", "must not be before the worker's birth", "OUT_OF_RANGE")
    # The input is judged on its own first: the procedure's rules look at the worker's placements,
    # which an office at the gate may not read, so a refused input must not also tell of them.
    checks.done()
    if worker is None or gate is None or crossed_at is None:  # each came with an error above
        raise InputError("workerId", "could not be read", "INVALID")
    facts, placement = crossing_facts(session, worker, gate, direction, crossed_at)
    checks.refuse(crossing_rules(facts))
    checks.done()
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
