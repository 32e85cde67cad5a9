"""Voiding a mistaken crossing, health check or clearance: kept and shown as void, never counted."""

from __future__ import annotations

from typing import Any

from models import Crossing, HealthCheck, PoliceClearance, Worker
from models.base import utcnow
from models.opaque import InvalidIdError, decode_id
from resolvers.errors import InputError, NotFoundError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import VoidRecordData

# Each kind of record, and the duty whose holders record it: only they may void one.
VOIDABLE: dict[str, tuple[Any, str]] = {
    "Crossing": (Crossing, "recordCrossing"),
    "HealthCheck": (HealthCheck, "recordHealthCheck"),
    "PoliceClearance": (PoliceClearance, "recordPoliceClearance"),
}


def void_record(w: WriteContext, data: VoidRecordData) -> Crossing | HealthCheck | PoliceClearance:
    checks = Checks()
    reason = checks.text("reason", data.reason, max_len=2000)
    try:
        type_name, _ = decode_id(data.record_id)
    except InvalidIdError as exc:
        raise InputError("recordId", str(exc), "INVALID_ID") from exc
    model, recording_duty = VOIDABLE.get(type_name, (None, ""))
    if model is None or not w.grant.can_write(recording_duty):
        raise NotFoundError("recordId", "record you may void")
    record = find(w.session, model, "recordId", data.record_id, type_name)
    if record.voided_at is not None:
        checks.fail("recordId", "is already void", "INVALID_STATE")
    checks.done()
    record.voided_at = utcnow()
    record.void_reason = reason
    record.voided_by_office_id = w.grant.office.id
    w.correct(record, "voidRecord", ["voided"], reason)
    worker = w.session.get(Worker, record.worker_id)
    if worker is not None and type_name == "Crossing":
        lifecycle.crossing_voided(w, worker, "voidRecord")
    elif worker is not None:
        lifecycle.checks_changed(w, worker, "voidRecord")
    w.session.flush()
    return record
