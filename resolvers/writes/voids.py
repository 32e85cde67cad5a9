"""Voiding a mistaken crossing, health check or clearance: kept and shown as void, never counted."""

from __future__ import annotations

from typing import Any

from models import Crossing, HealthCheck, PoliceClearance, Worker
from models.base import utcnow
from models.opaque import InvalidIdError, decode_id
from procedure.rules import crossing_void_rules
from resolvers.errors import InputError, NotFoundError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find
from resolvers.writes.facts import crossing_void_facts, hold_worker
from resolvers.writes.inputs import VoidRecordData

# Each kind of record, and the duty whose holders record it: only they may void one.
VOIDABLE: dict[str, tuple[Any, str]] = {
    "Crossing": (Crossing, "recordCrossing"),
    "HealthCheck": (HealthCheck, "recordHealthCheck"),
    "PoliceClearance": (PoliceClearance, "recordPoliceClearance"),
}


def void_record(w: WriteContext, data: VoidRecordData) -> Crossing | HealthCheck | PoliceClearance:
    """Voids a record; the rules then count it for nothing (README, corrections).

    A crossing is a step of the procedure, so its void is judged as recording one is: it holds the
    worker first (`hold_worker`, as `recordCrossing` and the placement writes do), then the worker's
    crossings left must still alternate, starting with an exit, by the rule `recordCrossing` and
    `procedure check` judge them by (`procedure.rules.in_sequence`). Only the crossing after the
    voided one changes its place in the order, so that one is judged; voiding the latest crossing is
    always accepted, voiding an exit an entry follows is refused (CROSSING_OUT_OF_SEQUENCE): the
    later crossings are voided first.

    The worker's status then follows the crossings that remain (`lifecycle.crossing_voided`, as
    before): the void is not refused for moving it. DOMAIN.md has a mistaken record voided, not
    deleted, and the README counts a void record for nothing, so the status is the one the
    procedure's events give without it (DOMAIN.md: the exit makes a worker DEPLOYED, the entry
    RETURNED): a worker whose voided exit deployed it goes back to the status it left, one whose
    voided entry returned it is deployed again. Refusing instead would leave a mistaken latest exit
    (the wrong worker's, say) impossible to correct. Under the worker's lock, neither the order nor
    the status goes stale against a crossing of the worker recorded at the same moment.
    """
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
    if type_name == "Crossing":
        hold_worker(w.session, record.worker_id)
        w.session.refresh(record)  # as it stands once the worker is ours: a void committed meanwhile
    if record.voided_at is not None:
        checks.fail("recordId", "is already void", "INVALID_STATE")
    elif type_name == "Crossing":
        checks.refuse(crossing_void_rules(crossing_void_facts(w.session, record)))
    checks.done()
    record.voided_at = utcnow()
    record.void_reason = reason
    record.voided_by_office_id = w.grant.office.id
    w.correct(record, "voidRecord", ["voided"], reason)
    worker = w.session.get(Worker, record.worker_id, populate_existing=True)
    if worker is not None and type_name == "Crossing":
        lifecycle.crossing_voided(w, worker, "voidRecord")
    elif worker is not None:
        lifecycle.checks_changed(w, worker, "voidRecord")
    w.session.flush()
    return record
