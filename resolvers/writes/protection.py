"""The worker's protection on a placement, and wage arrears: written by the Vietnamese labour office
and by the Chinese office where the employer is (issue 22), each within its row scope.

A part already recorded is changed only with a reason, kept as a correction (DOMAIN.md: records are
corrected, never silently changed). Arrears are records of their own: reported, then settled.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from models import Placement, PlacementStatus, WageArrears
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import (
    RecordPlacementProtectionData,
    ReportWageArrearsData,
    SettleWageArrearsData,
)

MAX_CONTRACT_WAGE = 100_000_000  # in the contract's currency: a VND wage runs to millions
MAX_FEE_VND = 2_000_000_000
MAX_ITEM_LEN = 100


def _amount(checks: Checks, field: str, value: Decimal | None, maximum: int) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        checks.fail(field, "must be a number", "INVALID_FORMAT")
        return None
    if not amount.is_finite() or not Decimal(0) < amount <= maximum:
        checks.fail(field, "must be between 0 and {maximum}", "OUT_OF_RANGE", maximum=maximum)
        return None
    return amount.quantize(Decimal("0.01"))


def _items(checks: Checks, items: Any) -> str | None:
    """What the fees paid for, kept as a comma-separated list: an item holds no comma."""
    if items is None:
        return None
    kept, errors = [], len(checks.errors)
    for n, item in enumerate(items):
        text = checks.text(f"recruitmentFeeItems.{n}", item, max_len=MAX_ITEM_LEN)
        if text is not None and "," in text:
            checks.fail(f"recruitmentFeeItems.{n}", "must not contain a comma", "INVALID_FORMAT")
        elif text is not None:
            kept.append(text)
    return ",".join(kept) if len(checks.errors) == errors else None


def _protection_values(checks: Checks, data: RecordPlacementProtectionData) -> dict[str, Any]:
    """The columns the input sets (a field left out keeps what is recorded)."""
    values: dict[str, Any] = {
        "contract_signed_on": checks.date("contractSignedOn", data.contract_signed_on),
        "contract_months": checks.count("contractMonths", data.contract_months, maximum=120),
        "contract_weekly_hours": checks.count("contractWeeklyHours", data.contract_weekly_hours, maximum=84),
        "contract_wage": _amount(checks, "contractWage", data.contract_wage, MAX_CONTRACT_WAGE),
        "contract_currency": checks.pattern(
            "contractCurrency",
            data.contract_currency,
            r"[A-Z]{3}",
            "must be a three-letter currency code (ISO 4217)",
            required=False,
        ),
        "injury_insurer": checks.text("injuryInsurer", data.injury_insurer, required=False),
        "injury_policy_number": checks.text(
            "injuryPolicyNumber", data.injury_policy_number, max_len=64, required=False
        ),
        "injury_insurance_valid_to": checks.date("injuryInsuranceValidTo", data.injury_insurance_valid_to),
        "health_insurer": checks.text("healthInsurer", data.health_insurer, required=False),
        "health_policy_number": checks.text(
            "healthPolicyNumber", data.health_policy_number, max_len=64, required=False
        ),
        "health_insurance_valid_to": checks.date("healthInsuranceValidTo", data.health_insurance_valid_to),
        "orientation_on": checks.date("orientationOn", data.orientation_on),
        "orientation_provider": checks.text("orientationProvider", data.orientation_provider, required=False),
        "recruitment_fee_vnd": checks.count(
            "recruitmentFeeVnd", data.recruitment_fee_vnd, maximum=MAX_FEE_VND
        ),
        "recruitment_fee_items": _items(checks, data.recruitment_fee_items),
    }
    return {column: value for column, value in values.items() if value is not None}


def _camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def record_placement_protection(w: WriteContext, data: RecordPlacementProtectionData) -> Placement:
    checks = Checks()
    placement = find(w.session, Placement, "placementId", data.placement_id, "Placement")
    values = _protection_values(checks, data)
    reason = checks.text("reason", data.reason, max_len=2000, required=False)
    if not values and not checks.errors:
        checks.fail("placementId", "nothing to record: give at least one part of the protection", "REQUIRED")
    changed = sorted(
        _camel(column)
        for column, value in values.items()
        if getattr(placement, column) is not None and getattr(placement, column) != value
    )
    if changed and reason is None:
        checks.fail("reason", "is required to change what is recorded", "REQUIRED")
    checks.done()
    for column, value in values.items():
        setattr(placement, column, value)
    if changed:
        w.correct(placement, "recordPlacementProtection", changed, reason)
    w.session.flush()
    return placement


def report_wage_arrears(w: WriteContext, data: ReportWageArrearsData) -> WageArrears:
    checks = Checks()
    placement = find(w.session, Placement, "placementId", data.placement_id, "Placement")
    period_from = checks.date("periodFrom", data.period_from, latest=w.today)
    period_to = checks.date("periodTo", data.period_to, latest=w.today)
    amount = checks.money("amountCny", data.amount_cny)
    if period_from and period_to and period_to < period_from:
        checks.fail("periodTo", "must not be before the start of the period", "OUT_OF_RANGE")
    if placement.status in (PlacementStatus.PLANNED, PlacementStatus.CANCELLED):
        status = placement.status.value
        checks.fail("placementId", "the placement is {status}, not active", "INVALID_STATE", status=status)
    checks.done()
    assert period_from is not None and period_to is not None and amount is not None  # checked above
    arrears = WageArrears(
        placement_id=placement.id,
        worker_id=placement.worker_id,
        period_from=period_from,
        period_to=period_to,
        amount_cny=amount,
        reported_on=w.today,
        reported_by_office_id=w.grant.office.id,
    )
    w.session.add(arrears)
    w.session.flush()
    return arrears


def settle_wage_arrears(w: WriteContext, data: SettleWageArrearsData) -> WageArrears:
    checks = Checks()
    arrears = find(w.session, WageArrears, "wageArrearsId", data.wage_arrears_id, "WageArrears")
    settled_on = checks.date("settledOn", data.settled_on, earliest=arrears.reported_on, latest=w.today)
    paid = checks.money("amountSettledCny", data.amount_settled_cny)
    if arrears.settled_on is not None:
        checks.fail("wageArrearsId", "the arrears are already settled", "INVALID_STATE")
    checks.done()
    arrears.settled_on = settled_on if isinstance(settled_on, dt.date) else w.today
    arrears.amount_settled_cny = paid
    w.session.flush()
    return arrears
