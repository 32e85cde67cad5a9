"""Holding a worker's personal data past its retention period (an inquiry, a claim, a court case)."""

from __future__ import annotations

from typing import Any

from models import RetentionHold, Worker
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find

# A hold longer than this is a typing error: one with no end is asked for by leaving heldUntil out.
LONGEST_HOLD_YEARS = 10


def hold_record(w: WriteContext, data: Any) -> RetentionHold:
    checks = Checks()
    reason = checks.text("reason", data.reason, max_len=2000)
    latest = w.today.replace(year=w.today.year + LONGEST_HOLD_YEARS, day=min(w.today.day, 28))
    held_until = checks.date("heldUntil", data.held_until, earliest=w.today, latest=latest)
    worker = None
    try:
        worker = find(w.session, Worker, "workerId", data.worker_id, "Worker")
    except InputError as exc:
        checks.errors.append(exc)
    checks.done()
    if worker is None or reason is None:  # they came with an error above
        raise InputError("workerId", "could not be read", "INVALID")
    hold = RetentionHold(
        worker_id=worker.id, reason=reason, held_until=held_until, office_id=w.grant.office.id
    )
    w.session.add(hold)
    w.session.flush()
    return hold
