"""Health checks (health departments) and police clearances (police); together they clear a worker."""

from __future__ import annotations

import datetime as dt

from models import ClearanceResult, HealthCheck, HealthResult, PoliceClearance, Worker
from models.sealing import keyring
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import RecordHealthCheckData, RecordPoliceClearanceData, WorkerCheckData


def _worker_day_notes(
    w: WriteContext, data: WorkerCheckData, day_field: str, day: dt.date
) -> tuple[Worker, dt.date, str | None]:
    """The worker, the day (not in the future, not before the worker's birth) and the notes."""
    checks = Checks()
    notes = checks.text("notes", data.notes, max_len=2000, required=False)
    worker = None
    try:
        worker = find(w.session, Worker, "workerId", data.worker_id, "Worker")
    except InputError as exc:
        checks.errors.append(exc)
    earliest = worker.date_of_birth if worker is not None else dt.date(1900, 1, 1)
    when = checks.date(day_field, day, earliest=earliest, latest=w.today)
    checks.done()
    if worker is None or when is None:  # each came with an error above
        raise InputError(day_field, "is required", "REQUIRED")
    return worker, when, notes


def record_health_check(w: WriteContext, data: RecordHealthCheckData) -> HealthCheck:
    worker, checked_on, notes = _worker_day_notes(w, data, "checkedOn", data.checked_on)
    check = HealthCheck(
        worker_id=worker.id,
        checked_on=checked_on,
        result=HealthResult(data.result.value),
        notes_sealed=keyring().seal(notes),
        recorded_by_office_id=w.grant.office.id,
    )
    w.session.add(check)
    w.session.flush()
    lifecycle.checks_changed(w, worker, "recordHealthCheck")
    w.session.flush()
    return check


def record_police_clearance(w: WriteContext, data: RecordPoliceClearanceData) -> PoliceClearance:
    worker, issued_on, notes = _worker_day_notes(w, data, "issuedOn", data.issued_on)
    clearance = PoliceClearance(
        worker_id=worker.id,
        issued_on=issued_on,
        result=ClearanceResult(data.result.value),
        notes_sealed=keyring().seal(notes),
        recorded_by_office_id=w.grant.office.id,
    )
    w.session.add(clearance)
    w.session.flush()
    lifecycle.checks_changed(w, worker, "recordPoliceClearance")
    w.session.flush()
    return clearance
