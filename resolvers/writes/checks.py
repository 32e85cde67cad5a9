"""Health checks (health departments) and police clearances (police)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models import ClearanceResult, HealthCheck, HealthResult, PoliceClearance, Worker, WorkerStatus
from models.sealing import keyring
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find


def _worker_and_checks(
    session: Session, data: Any, day_field: str, day: Any
) -> tuple[Worker | None, Checks, Any]:
    checks = Checks()
    when = checks.date(day_field, day)
    notes = checks.text("notes", data.notes, max_len=2000, required=False)
    worker = None
    try:
        worker = find(session, Worker, "workerId", data.worker_id, "Worker")
    except InputError as exc:
        checks.errors.append(exc)
    return worker, checks, (when, notes)


def record_health_check(w: WriteContext, data: Any) -> HealthCheck:
    session, grant = w.session, w.grant
    worker, checks, (checked_on, notes) = _worker_and_checks(session, data, "checkedOn", data.checked_on)
    checks.done()
    check = HealthCheck(
        worker_id=worker.id,
        checked_on=checked_on,
        result=HealthResult(data.result.value),
        notes_sealed=keyring().seal(notes),
        recorded_by_office_id=grant.office.id,
    )
    session.add(check)
    session.flush()
    return check


def record_police_clearance(w: WriteContext, data: Any) -> PoliceClearance:
    session, grant = w.session, w.grant
    worker, checks, (issued_on, notes) = _worker_and_checks(session, data, "issuedOn", data.issued_on)
    checks.done()
    result = ClearanceResult(data.result.value)
    clearance = PoliceClearance(
        worker_id=worker.id,
        issued_on=issued_on,
        result=result,
        notes_sealed=keyring().seal(notes),
        recorded_by_office_id=grant.office.id,
    )
    session.add(clearance)
    if result == ClearanceResult.CLEAR and worker.status == WorkerStatus.REGISTERED:
        worker.status = WorkerStatus.CLEARED
    session.flush()
    return clearance
