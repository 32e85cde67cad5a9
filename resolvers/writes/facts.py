"""The facts a write's step is judged on, read from the database for `procedure.rules`.

The rules are pure; this module only reads: the requirement set in force, the worker's latest
checks, the counts that hold each limit, the agreement's party and gates, the worker's last
crossing, the crossings either side of one voided. A count that holds a limit is taken over the
whole registry, past the caller's row scope: a quota is everyone's.

Before counting, a write holds the rows that own the limits (the worker, the employer, the
agreement) until it commits, so two requests racing for one limit count one after the other:
`SELECT … FOR NO KEY UPDATE` on PostgreSQL (at READ COMMITTED the count that follows the wait sees
the other's row). SQLite renders no lock clause: there a write already holds the database's write
lock from its first statement (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AgreementRequirements,
    BorderGate,
    ClearanceResult,
    Crossing,
    Direction,
    Employer,
    HealthCheck,
    HealthResult,
    Placement,
    PlacementStatus,
    PoliceClearance,
    UnitClosure,
    Worker,
    agreement_gates,
)
from policies.side_door import past_scope
from procedure import PROTECTION_COLUMNS, Requirements
from procedure.calendar import age_on, day_of
from procedure.rules import (
    Check,
    ConfirmationFacts,
    CrossingFacts,
    CrossingVoidFacts,
    PlacementFacts,
    Stay,
    placement_left_for,
    protection_recorded,
    requirements_in_force,
)

OPEN = (PlacementStatus.PLANNED, PlacementStatus.ACTIVE)
# Why these reads pass the row scope (`policies.side_door`): they tell the office no one's data.
QUOTA_COUNT = "a limit is counted over the whole registry: a quota is everyone's"
HOLD_LIMIT_ROWS = "hold the rows that own a limit until the write commits"
PERMIT_LOOKUP = "a work permit is issued once: is this permit number taken"

P = Placement.__table__


def count_placements(session: Session, *where: Any) -> int:
    """Counted over the whole registry, past the caller's row scope."""
    with past_scope(session, why=QUOTA_COUNT) as unscoped:
        return unscoped.connection().execute(select(func.count()).select_from(P).where(*where)).scalar_one()


def permit_taken(session: Session, permit: str, placement_id: int) -> bool:
    """Whether another placement anywhere holds the work permit number. A deliberate look past the
    row scope, like an identity number's: a permit is issued once, so the confirming office must
    learn that the number is taken, and learns nothing else (not where, not whose)."""
    stmt = select(P.c.id).where(P.c.work_permit_number == permit, P.c.id != placement_id).limit(1)
    with past_scope(session, why=PERMIT_LOOKUP) as unscoped:
        return unscoped.connection().execute(stmt).first() is not None


def _hold(session: Session, model: type[Worker | Employer | Agreement], row_id: int) -> None:
    """Locks the row until the transaction ends; a request holding it makes this one wait."""
    table = model.__table__
    with past_scope(session, why=HOLD_LIMIT_ROWS) as unscoped:
        unscoped.connection().execute(
            select(table.c.id).where(table.c.id == row_id).with_for_update(key_share=True)
        )


def hold_worker(session: Session, worker_id: int) -> None:
    """Locks the worker before a write to one of its placements or crossings. Recording or voiding
    a crossing holds the worker, then its trigger (migration 0023) locks the worker's placements to
    set their kept window days: a placement's write that held its row first and the worker after
    would wait on that crossing while it waits on the placement (a deadlock). All take the worker
    first. Holding it also has two crossing writes of one worker (a recording, a void) judge the
    order one after the other."""
    _hold(session, Worker, worker_id)


def requirements_for(session: Session, agreement_id: int, day: dt.date) -> Requirements:
    """The agreement's requirement set in force on `day` (`procedure.rules` chooses the version)."""
    versions = session.scalars(
        select(AgreementRequirements).where(AgreementRequirements.agreement_id == agreement_id)
    )
    return requirements_in_force(versions, day)


def _latest(session: Session, model: Any, day_column: Any, worker_id: int, on: dt.date) -> Any:
    """The newest record of the worker not voided and not dated after `on`."""
    return session.scalar(
        select(model)
        .where(model.worker_id == worker_id, model.voided_at.is_(None), day_column <= on)
        .order_by(day_column.desc(), model.id.desc())
        .limit(1)
    )


def latest_checks(session: Session, worker_id: int, on: dt.date) -> tuple[Check | None, Check | None]:
    """The worker's latest police clearance and health check on `on`."""
    clearance = _latest(session, PoliceClearance, PoliceClearance.issued_on, worker_id, on)
    health = _latest(session, HealthCheck, HealthCheck.checked_on, worker_id, on)
    return (
        None if clearance is None else Check(clearance.issued_on, clearance.result == ClearanceResult.CLEAR),
        None if health is None else Check(health.checked_on, health.result == HealthResult.FIT),
    )


def placement_facts(
    session: Session,
    worker: Worker,
    employer: Employer,
    agreement: Agreement,
    start: dt.date,
    wage: Decimal | None,
    judged: Placement | None = None,
) -> PlacementFacts:
    """A new placement's facts: the registry as it stands, judged as of the start date. A placement
    `judged` again (its start moved by a confirmation) is left out of the counts, and the worker's
    status is not judged: the worker has exited for it."""
    _hold(session, Worker, worker.id)  # its open placements
    _hold(session, Employer, employer.id)  # its approved quota
    if agreement.yearly_quota is not None:
        _hold(session, Agreement, agreement.id)  # its yearly quota
    requirements = requirements_for(session, agreement.id, start)
    clearance, health = latest_checks(session, worker.id, start)
    inside = session.connection().execute(
        select(UnitClosure.descendant_id).where(
            UnitClosure.ancestor_id == agreement.cn_unit_id, UnitClosure.descendant_id == employer.county_id
        )
    )
    open_status = P.c.status.in_([s.value for s in OPEN])
    others = () if judged is None else (P.c.id != judged.id,)
    started = 0
    if agreement.yearly_quota is not None:
        year = and_(
            P.c.start_date >= dt.date(start.year, 1, 1), P.c.start_date <= dt.date(start.year, 12, 31)
        )
        started = count_placements(
            session,
            P.c.agreement_id == agreement.id,
            year,
            P.c.status != PlacementStatus.CANCELLED.value,
            *others,
        )
    return PlacementFacts(
        start=start,
        requirements=requirements,
        age=age_on(worker.date_of_birth, start),
        clearance=clearance,
        health=health,
        worker_status=worker.status if judged is None else None,
        open_placements=count_placements(session, P.c.worker_id == worker.id, open_status, *others),
        employer_in_agreement=inside.first() is not None,
        agreement_status=agreement.status,
        agreement_valid_from=agreement.valid_from,
        agreement_valid_to=agreement.valid_to,
        employer_open=count_placements(session, P.c.employer_id == employer.id, open_status, *others),
        employer_quota=employer.approved_quota,
        agreement_started=started,
        agreement_yearly_quota=agreement.yearly_quota,
        wage=wage,
    )


def _exited_at_gate(session: Session, worker_id: int, agreement_id: int) -> bool:
    """Whether the worker's latest crossing not voided is an exit at a gate the agreement lists."""
    last = session.execute(
        select(Crossing.direction, Crossing.gate_id)
        .where(Crossing.worker_id == worker_id, Crossing.voided_at.is_(None))
        .order_by(Crossing.crossed_at.desc(), Crossing.id.desc())
        .limit(1)
    ).first()
    if last is None or last.direction != Direction.EXIT_VIETNAM:
        return False
    listed = session.connection().execute(
        select(agreement_gates.c.gate_id).where(
            agreement_gates.c.agreement_id == agreement_id, agreement_gates.c.gate_id == last.gate_id
        )
    )
    return listed.first() is not None


def confirmation_facts(
    session: Session, placement: Placement, start: dt.date, today: dt.date
) -> ConfirmationFacts:
    """A confirmation's facts: the day, the start as confirmed, and the worker's exit."""
    _hold(session, Worker, placement.worker_id)  # its crossings
    return ConfirmationFacts(
        today=today,
        start=start,
        requirements=requirements_for(session, placement.agreement_id, start),
        exited_at_gate=_exited_at_gate(session, placement.worker_id, placement.agreement_id),
    )


def _open_placement(session: Session, worker: Worker) -> Placement | None:
    """The worker's planned or active placement (the latest begun, should there be more)."""
    return session.scalar(
        select(Placement)
        .where(Placement.worker_id == worker.id, Placement.status.in_(OPEN))
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(1)
    )


def _stays(session: Session, worker_id: int) -> list[Stay]:
    """The worker's placements not cancelled, as `procedure.rules.placement_left_for` reads them."""
    rows = session.execute(
        select(
            Placement.id,
            Placement.agreement_id,
            Placement.created_at,
            Placement.start_date,
            Placement.end_date,
        ).where(Placement.worker_id == worker_id, Placement.status != PlacementStatus.CANCELLED)
    )
    return [Stay(*row) for row in rows]


def crossing_facts(
    session: Session, worker: Worker, gate: BorderGate | None, direction: Direction, at: dt.datetime | None
) -> tuple[CrossingFacts, Placement | None]:
    """A new crossing's facts (the worker's last crossing and, for an exit, whether the placement it
    leaves for is under an agreement that lists the gate, with the protection required), and the
    worker's open placement."""
    _hold(session, Worker, worker.id)  # its crossings in order, its placements
    placement = _open_placement(session, worker)
    day = day_of(at or dt.datetime.now(dt.UTC))  # the registry's day, as the versions are dated
    leaving = None
    if direction == Direction.EXIT_VIETNAM:
        stay = placement_left_for(_stays(session, worker.id), day)
        leaving = None if stay is None else session.get(Placement, stay.id)
    listed = None
    if leaving is not None and gate is not None:
        row = session.connection().execute(
            select(agreement_gates.c.gate_id).where(
                agreement_gates.c.agreement_id == leaving.agreement_id, agreement_gates.c.gate_id == gate.id
            )
        )
        listed = row.first() is not None
    previous = None
    if at is not None:
        last = session.scalar(
            select(Crossing)
            .where(Crossing.worker_id == worker.id, Crossing.voided_at.is_(None))
            .order_by(Crossing.crossed_at.desc(), Crossing.id.desc())
            .limit(1)
        )
        previous = None if last is None else (last.direction, last.crossed_at)
    required: frozenset[str] = frozenset()
    recorded: frozenset[str] = frozenset()
    if leaving is not None:
        versions = session.scalars(
            select(AgreementRequirements).where(AgreementRequirements.agreement_id == leaving.agreement_id)
        ).all()
        required = requirements_in_force(versions, day).protection_before_exit
        recorded = protection_recorded({c: getattr(leaving, c) for c in PROTECTION_COLUMNS}, day)
    facts = CrossingFacts(direction, at, previous, leaving is not None, listed, required, recorded)
    return facts, placement


def crossing_void_facts(session: Session, crossing: Crossing) -> CrossingVoidFacts:
    """A crossing's void's facts: the worker's crossings not voided just before and just after it,
    in the order `crossing_facts` and `procedure check` read them (time, then as recorded). The
    caller holds the worker (`hold_worker`), so no crossing of the worker is written meanwhile."""
    at, row_id = crossing.crossed_at, crossing.id
    others = (Crossing.worker_id == crossing.worker_id, Crossing.voided_at.is_(None), Crossing.id != row_id)
    earlier = or_(Crossing.crossed_at < at, and_(Crossing.crossed_at == at, Crossing.id < row_id))
    later = or_(Crossing.crossed_at > at, and_(Crossing.crossed_at == at, Crossing.id > row_id))
    before = session.execute(
        select(Crossing.direction, Crossing.crossed_at)
        .where(*others, earlier)
        .order_by(Crossing.crossed_at.desc(), Crossing.id.desc())
        .limit(1)
    ).first()
    after = session.execute(
        select(Crossing.direction, Crossing.crossed_at)
        .where(*others, later)
        .order_by(Crossing.crossed_at, Crossing.id)
        .limit(1)
    ).first()
    return CrossingVoidFacts(
        before=None if before is None else (before.direction, before.crossed_at),
        after=None if after is None else (after.direction, after.crossed_at),
    )
