"""The worker's lifecycle follows events; every change of status is kept with its cause.

Events: a clearance and a health check together make a worker CLEARED (an expired or negative one
takes it back); the exit under a placement makes it DEPLOYED; the entry after the placement ended
makes it RETURNED; a placement ended as absconded makes it ABSCONDED. Anything else is a manual
change along the table in `procedure/transitions.csv`, with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    ClearanceResult,
    Crossing,
    Direction,
    HealthCheck,
    HealthResult,
    PoliceClearance,
    StatusChange,
    Worker,
    WorkerStatus,
)
from procedure import Requirements, default_requirements, manual_transitions
from procedure.calendar import months_before
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find

# Statuses the readiness of the checks decides; the others only an event or a person changes.
BEFORE_DEPARTURE = (WorkerStatus.REGISTERED, WorkerStatus.CLEARED)


@dataclass(frozen=True)
class BrokenRule:
    """A rule a write breaks: the rule's name (for overrides), the input field, the message and code."""

    rule: str
    field: str
    message: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def error(self) -> InputError:
        return InputError(self.field, self.message, self.code, **dict(self.params))


def _latest(session: Session, model: Any, day_column: Any, worker_id: int, on: dt.date) -> Any:
    """The newest record of the worker not voided and not dated after `on`."""
    return session.scalar(
        select(model)
        .where(model.worker_id == worker_id, model.voided_at.is_(None), day_column <= on)
        .order_by(day_column.desc(), model.id.desc())
        .limit(1)
    )


def missing_prerequisites(
    session: Session, worker: Worker, on: dt.date, req: Requirements
) -> list[BrokenRule]:
    """What the worker lacks on `on`: a CLEAR clearance and a FIT health check recent enough."""
    refusals = []
    clearance = _latest(session, PoliceClearance, PoliceClearance.issued_on, worker.id, on)
    if clearance is None or clearance.result != ClearanceResult.CLEAR:
        refusals.append(
            BrokenRule("clearance", "workerId", "has no clear police clearance", "PREREQUISITE_MISSING")
        )
    elif clearance.issued_on < months_before(on, req.clearance_valid_months):
        refusals.append(
            BrokenRule(
                "clearance-age",
                "workerId",
                "the police clearance is older than {months} months",
                "PREREQUISITE_MISSING",
                (("months", req.clearance_valid_months),),
            )
        )
    check = _latest(session, HealthCheck, HealthCheck.checked_on, worker.id, on)
    if check is None or check.result != HealthResult.FIT:
        refusals.append(BrokenRule("health", "workerId", "has no fit health check", "PREREQUISITE_MISSING"))
    elif check.checked_on < months_before(on, req.health_valid_months):
        refusals.append(
            BrokenRule(
                "health-age",
                "workerId",
                "the health check is older than {months} months",
                "PREREQUISITE_MISSING",
                (("months", req.health_valid_months),),
            )
        )
    return refusals


def move(
    w: WriteContext, worker: Worker, status: WorkerStatus, cause: str, reason: str | None = None
) -> None:
    """Sets the worker's status and keeps the change (nothing is kept if the status is unchanged)."""
    if worker.status == status:
        return
    w.session.add(
        StatusChange(
            worker_id=worker.id,
            from_status=worker.status,
            to_status=status,
            office_id=w.grant.office.id,
            reason=reason,
            cause=cause,
        )
    )
    worker.status = status


def registered(w: WriteContext, worker: Worker) -> None:
    """The first entry of the history: registration."""
    w.session.add(
        StatusChange(
            worker_id=worker.id,
            from_status=None,
            to_status=worker.status,
            office_id=w.grant.office.id,
            cause="registerWorker",
        )
    )


def checks_changed(w: WriteContext, worker: Worker, cause: str) -> None:
    """After a clearance or health check is recorded or voided: CLEARED if both are current, else back."""
    if worker.status not in BEFORE_DEPARTURE:
        return
    ready = not missing_prerequisites(w.session, worker, w.today, default_requirements())
    move(w, worker, WorkerStatus.CLEARED if ready else WorkerStatus.REGISTERED, cause)


def crossing_voided(w: WriteContext, worker: Worker, cause: str) -> None:
    """After a crossing is voided the status follows the crossings that remain: a worker whose
    voided exit deployed it goes back to where it was, one whose voided entry returned it is
    deployed again."""
    last = w.session.scalar(
        select(Crossing)
        .where(Crossing.worker_id == worker.id, Crossing.voided_at.is_(None))
        .order_by(Crossing.crossed_at.desc(), Crossing.id.desc())
        .limit(1)
    )
    abroad = last is not None and last.direction == Direction.EXIT_VIETNAM
    if worker.status == WorkerStatus.DEPLOYED and not abroad:
        before = w.session.scalar(
            select(StatusChange.from_status)
            .where(StatusChange.worker_id == worker.id, StatusChange.to_status == WorkerStatus.DEPLOYED)
            .order_by(StatusChange.at.desc(), StatusChange.id.desc())
            .limit(1)
        )
        move(w, worker, before or WorkerStatus.CLEARED, cause)
    elif worker.status == WorkerStatus.RETURNED and abroad:
        move(w, worker, WorkerStatus.DEPLOYED, cause)


def change_worker_status(w: WriteContext, data: Any) -> Worker:
    """A manual change: only along the table of transitions, always with a reason."""
    checks = Checks()
    worker = find(w.session, Worker, "workerId", data.worker_id, "Worker")
    reason = checks.text("reason", data.reason, max_len=2000)
    target = WorkerStatus(data.status.value)
    if (worker.status, target) not in manual_transitions():
        checks.fail(
            "status",
            "a worker who is {current} cannot be made {target} by hand",
            "INVALID_TRANSITION",
            current=worker.status.value,
            target=target.value,
        )
    checks.done()
    move(w, worker, target, "changeWorkerStatus", reason)
    checks_changed(w, worker, "changeWorkerStatus")  # a lifted suspension finds the checks as they are
    w.session.flush()
    return worker
