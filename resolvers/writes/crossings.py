"""Crossings recorded at the gate by the border guard or customs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import BorderGate, Crossing, Direction, TravelDocument, Worker
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find


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
    if worker is not None:
        held = worker.border_pass_sealed if document == TravelDocument.BORDER_PASS else worker.passport_sealed
        if held is None:
            checks.fail("document", "the worker holds no such document", "NO_DOCUMENT")
    checks.done()
    crossing = Crossing(
        worker_id=worker.id,
        gate_id=gate.id,
        direction=Direction(data.direction.value),
        crossed_at=crossed_at,
        document=document,
        recorded_by_office_id=grant.office.id,
    )
    session.add(crossing)
    session.flush()
    return crossing
