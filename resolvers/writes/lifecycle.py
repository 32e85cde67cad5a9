"""The worker's lifecycle follows events; every change of status is kept with its cause.

Events: a clearance and a health check together make a worker CLEARED (an expired or negative one
takes it back); the exit under a placement makes it DEPLOYED; the entry after the placement ended
makes it RETURNED; a placement ended as absconded makes it ABSCONDED. Anything else is a manual
change along the table in `procedure/transitions.csv`, with a reason.
"""

from __future__ import annotations

from sqlalchemy import select

from locales import Term
from models import Crossing, Direction, StatusChange, Worker, WorkerStatus
from procedure import default_requirements
from procedure.rows import manual_transitions
from procedure.rules import prerequisites
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find
from resolvers.writes.facts import latest_checks
from resolvers.writes.inputs import ChangeWorkerStatusData

# Statuses the readiness of the checks decides; the others only an event or a person changes.
BEFORE_DEPARTURE = (WorkerStatus.REGISTERED, WorkerStatus.CLEARED)


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
    clearance, health = latest_checks(w.session, worker.id, w.today)
    ready = not prerequisites(clearance, health, w.today, default_requirements())
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


def change_worker_status(w: WriteContext, data: ChangeWorkerStatusData) -> Worker:
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
            current=Term.of(worker.status.value, enum="WorkerStatus"),
            target=Term.of(target.value, enum="WorkerStatus"),
        )
    checks.done()
    move(w, worker, target, "changeWorkerStatus", reason)
    checks_changed(w, worker, "changeWorkerStatus")  # a lifted suspension finds the checks as they are
    w.session.flush()
    return worker
