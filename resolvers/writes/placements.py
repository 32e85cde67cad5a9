"""Placements: created by labour under the agreement's requirements, confirmed and ended by the
Chinese office where the worker works, cancelled by labour while still planned."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from locales import N_, Term
from models import (
    Agreement,
    AgreementStatus,
    Employer,
    Placement,
    PlacementStatus,
    ProcedureOverride,
    Worker,
    WorkerStatus,
)
from policies.refusals import rules_told
from procedure.rules import ALREADY_PLACED, BrokenRule, confirmation_rules, placement_rules, valid_on
from resolvers.errors import InputError
from resolvers.validation import Checks, normalised_text
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find, require_in_scope
from resolvers.writes.facts import confirmation_facts, hold_worker, permit_taken, placement_facts
from resolvers.writes.inputs import (
    CancelPlacementData,
    ConfirmPlacementStartData,
    CreatePlacementData,
    OverrideData,
    ReportPlacementEndData,
)

ENDINGS = {PlacementStatus.COMPLETED, PlacementStatus.TERMINATED, PlacementStatus.ABSCONDED}
MIN_OVERRIDE_REASON = 20

P = Placement.__table__


def _in_force(agreement: Agreement, day: dt.date) -> bool:
    """Active, and valid on `day`: what a placement's start needs of its agreement when confirmed."""
    return agreement.status == AgreementStatus.ACTIVE and valid_on(
        agreement.valid_from, agreement.valid_to, day
    )


def _overridden(
    w: WriteContext,
    checks: Checks,
    override: OverrideData | None,
    refusals: list[BrokenRule],
    overridable: frozenset[str],
) -> list[BrokenRule]:
    """The refusals an override lifts: all of them, if every one is overridable and the reason is given."""
    if override is None or not refusals:
        return []
    if not w.grant.can_write("overrideProcedure"):
        checks.fail("override", "your office may not override the procedure", "FORBIDDEN")
        return []
    reason = checks.text("override.reason", override.reason, max_len=2000)
    if reason is not None and len(reason) < MIN_OVERRIDE_REASON:
        checks.fail(
            "override.reason", "must be at least {length} characters", "TOO_SHORT", length=MIN_OVERRIDE_REASON
        )
    fixed = [r for r in refusals if r.rule not in overridable]
    if fixed:
        return []
    return refusals


def create_placement(w: WriteContext, data: CreatePlacementData) -> Placement:
    session = w.session
    checks = Checks()
    job = checks.text("job", data.job)
    wage = checks.money("monthlyWageCny", data.monthly_wage_cny)
    start = checks.date("startDate", data.start_date)
    found: dict[str, Any] = {}
    for field, model, gid, name in (
        ("workerId", Worker, data.worker_id, "Worker"),
        ("employerId", Employer, data.employer_id, "Employer"),
        ("agreementId", Agreement, data.agreement_id, "Agreement"),
    ):
        try:
            found[name] = find(session, model, field, gid, name)
        except InputError as exc:
            checks.errors.append(exc)
    worker, employer, agreement = found.get("Worker"), found.get("Employer"), found.get("Agreement")
    override = data.override
    refusals: list[BrokenRule] = []
    lifted: list[BrokenRule] = []
    if worker is not None and employer is not None and agreement is not None and start is not None:
        facts = placement_facts(session, worker, employer, agreement, start, wage)
        refusals = placement_rules(facts)
        lifted = _overridden(w, checks, override, refusals, facts.requirements.overridable)
    checks.refuse(r for r in refusals if r not in lifted)
    checks.done()
    if worker is None or employer is None or agreement is None:  # each came with an error above
        raise InputError("workerId", "could not be read", "INVALID")
    placement = Placement(
        worker_id=worker.id,
        employer_id=employer.id,
        agreement_id=agreement.id,
        job=job,
        monthly_wage_cny=wage,
        start_date=start,
        status=PlacementStatus.PLANNED,
    )
    session.add(placement)
    try:
        session.flush()
    except IntegrityError as exc:  # the worker's open placement, should a rule have let it pass
        if "uq_placements_open_worker" not in str(exc.orig) and "placements.worker_id" not in str(exc.orig):
            raise
        checks.refuse([ALREADY_PLACED])
        checks.done()
    require_in_scope(session, placement, "workerId")
    if lifted and override is not None:  # an override lifts nothing without one
        record = ProcedureOverride(
            placement_id=placement.id,
            rules=",".join(sorted({r.rule for r in lifted})),
            reason=normalised_text(override.reason),
            office_id=w.grant.office.id,
        )
        session.add(record)
        session.flush()
        w.ledger("overrideProcedure", record)
    return placement


# The state each step acts on, and how a refusal says the placement is not in it.
_NOT_IN_STATE = {
    PlacementStatus.PLANNED: N_("the placement is {status}, not planned"),
    PlacementStatus.ACTIVE: N_("the placement is {status}, not active"),
}


def _must_be(checks: Checks, placement: Placement, expected: PlacementStatus) -> None:
    """Confirming a start and cancelling act on a placement that has not begun; reporting an end on
    one that is under way."""
    if placement.status != expected:
        checks.fail(
            "placementId",
            _NOT_IN_STATE[expected],
            "INVALID_STATE",
            status=Term.of(placement.status.value, enum="PlacementStatus"),
        )


def _judged_again(w: WriteContext, placement: Placement, start: dt.date) -> list[BrokenRule]:
    """A confirmation that moves the start: every rule of the placement for the new date, the
    placement itself left out of the counts, the rules its overrides lifted still lifted."""
    session = w.session
    worker = session.get(Worker, placement.worker_id)
    employer = session.get(Employer, placement.employer_id)
    agreement = session.get(Agreement, placement.agreement_id)
    if worker is None or employer is None or agreement is None:  # held by foreign keys
        raise InputError("placementId", "could not be read", "INVALID")
    facts = placement_facts(
        session, worker, employer, agreement, start, placement.monthly_wage_cny, judged=placement
    )
    lifted: set[str] = set()
    for rules in session.scalars(
        select(ProcedureOverride.rules).where(ProcedureOverride.placement_id == placement.id)
    ):
        lifted.update(rules.split(","))
    return [r for r in placement_rules(facts) if r.rule not in lifted]


def confirm_placement_start(w: WriteContext, data: ConfirmPlacementStartData) -> Placement:
    """The Chinese office confirms a start once the worker has exited at a gate of the agreement,
    from the day before the start (`procedure.rules.confirmation_rules`); a start it moves is judged
    again by every rule of the placement, for the new date.

    A rule the office may not read the facts of (cn-hekou and a police clearance) refuses the new
    date without being named, and only when nothing else is refused: otherwise a confirmation
    refused anyway (not exited yet, too early) could be sent with start after start to find the
    day the clearance runs out, writing nothing. A start that breaks it is refused `START_NOT_ALLOWED`;
    one that does not is confirmed, so each answer costs a real confirmation or a refusal."""
    session = w.session
    checks = Checks()
    withheld = False
    placement = find(session, Placement, "placementId", data.placement_id, "Placement")
    permit = checks.pattern(
        "workPermitNumber", data.work_permit_number, r"[A-Z0-9-]{6,32}", "must be 6-32 letters, digits or '-'"
    )
    start = checks.date("startDate", data.start_date) if data.start_date else placement.start_date
    _must_be(checks, placement, PlacementStatus.PLANNED)
    if placement.status == PlacementStatus.PLANNED and start is not None:
        checks.refuse(confirmation_rules(confirmation_facts(session, placement, start, w.today)))
        if start != placement.start_date:
            told, withheld = rules_told(w.grant, _judged_again(w, placement, start))
            checks.refuse(told)
        else:
            agreement = session.get(Agreement, placement.agreement_id)
            if agreement is not None and not _in_force(agreement, start):
                checks.fail(
                    "placementId", "the agreement is not in force on the start date", "AGREEMENT_NOT_IN_FORCE"
                )
    if permit and permit_taken(session, permit, placement.id):
        checks.fail("workPermitNumber", "is already used", "DUPLICATE")
    if withheld and not checks.errors:
        checks.fail(
            "startDate",
            "the worker may not start on this date, for a reason your office may not read: "
            "the Vietnamese side can say why",
            "START_NOT_ALLOWED",
        )
    checks.done()
    placement.status = PlacementStatus.ACTIVE
    placement.work_permit_number = permit
    placement.start_date = start
    session.flush()
    return placement


def report_placement_end(w: WriteContext, data: ReportPlacementEndData) -> Placement:
    session = w.session
    checks = Checks()
    placement = find(session, Placement, "placementId", data.placement_id, "Placement")
    end = checks.date("endDate", data.end_date, latest=w.today)
    outcome = PlacementStatus(data.outcome.value)
    if outcome not in ENDINGS:
        checks.fail("outcome", "must be COMPLETED, TERMINATED or ABSCONDED", "INVALID")
    _must_be(checks, placement, PlacementStatus.ACTIVE)
    if end is not None and end < placement.start_date:
        checks.fail("endDate", "must not be before the start date", "OUT_OF_RANGE")
    checks.done()
    hold_worker(session, placement.worker_id)  # before the placement's row: see `hold_worker`
    placement.status = outcome
    placement.end_date = end
    worker = session.get(Worker, placement.worker_id)
    if worker is not None and outcome == PlacementStatus.ABSCONDED:
        lifecycle.move(w, worker, WorkerStatus.ABSCONDED, "reportPlacementEnd")
    session.flush()
    return placement


def cancel_placement(w: WriteContext, data: CancelPlacementData) -> Placement:
    """A planned placement that will not happen; kept, with the reason, as CANCELLED."""
    checks = Checks()
    placement = find(w.session, Placement, "placementId", data.placement_id, "Placement")
    reason = checks.text("reason", data.reason, max_len=2000)
    _must_be(checks, placement, PlacementStatus.PLANNED)
    checks.done()
    placement.status = PlacementStatus.CANCELLED
    w.correct(placement, "cancelPlacement", ["status"], reason)
    return placement
