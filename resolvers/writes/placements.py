"""Placements: created by labour, confirmed and ended by the Chinese office where the worker works."""

from __future__ import annotations

from typing import Any

from models import Agreement, AgreementStatus, Employer, Placement, PlacementStatus, Worker, WorkerStatus
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find, require_in_scope

ENDINGS = {PlacementStatus.COMPLETED, PlacementStatus.TERMINATED, PlacementStatus.ABSCONDED}


def create_placement(w: WriteContext, data: Any) -> Placement:
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
    agreement = found.get("Agreement")
    if agreement is not None and agreement.status != AgreementStatus.ACTIVE:
        checks.fail("agreementId", "the agreement is not active", "AGREEMENT_NOT_ACTIVE")
    checks.done()
    placement = Placement(
        worker_id=found["Worker"].id,
        employer_id=found["Employer"].id,
        agreement_id=agreement.id,
        job=job,
        monthly_wage_cny=wage,
        start_date=start,
        status=PlacementStatus.PLANNED,
    )
    session.add(placement)
    require_in_scope(session, placement, "workerId")
    return placement


def confirm_placement_start(w: WriteContext, data: Any) -> Placement:
    session = w.session
    checks = Checks()
    placement = find(session, Placement, "placementId", data.placement_id, "Placement")
    permit = checks.pattern(
        "workPermitNumber", data.work_permit_number, r"[A-Z0-9-]{6,32}", "must be 6-32 letters, digits or '-'"
    )
    start = checks.date("startDate", data.start_date) if data.start_date else placement.start_date
    if placement.status != PlacementStatus.PLANNED:
        checks.fail("placementId", f"the placement is {placement.status.value}, not planned", "INVALID_STATE")
    checks.done()
    placement.status = PlacementStatus.ACTIVE
    placement.work_permit_number = permit
    placement.start_date = start
    worker = session.get(Worker, placement.worker_id)
    if worker is not None:
        worker.status = WorkerStatus.DEPLOYED
    session.flush()
    return placement


def report_placement_end(w: WriteContext, data: Any) -> Placement:
    session = w.session
    checks = Checks()
    placement = find(session, Placement, "placementId", data.placement_id, "Placement")
    end = checks.date("endDate", data.end_date)
    outcome = PlacementStatus(data.outcome.value)
    if outcome not in ENDINGS:
        checks.fail("outcome", "must be COMPLETED, TERMINATED or ABSCONDED", "INVALID")
    if placement.status != PlacementStatus.ACTIVE:
        checks.fail("placementId", f"the placement is {placement.status.value}, not active", "INVALID_STATE")
    if end is not None and end < placement.start_date:
        checks.fail("endDate", "must not be before the start date", "OUT_OF_RANGE")
    checks.done()
    placement.status = outcome
    placement.end_date = end
    worker = session.get(Worker, placement.worker_id)
    if worker is not None:
        absconded = outcome == PlacementStatus.ABSCONDED
        worker.status = WorkerStatus.ABSCONDED if absconded else WorkerStatus.RETURNED
    session.flush()
    return placement
