"""Each agreement's requirement set: its own row if labour set one, else the data file's defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models import Agreement, AgreementRequirements
from procedure import RULES, Requirements, default_requirements, default_row_values
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find


def requirements_for(session: Session, agreement_id: int) -> Requirements:
    row = session.get(AgreementRequirements, agreement_id)
    if row is None:
        return default_requirements()
    return Requirements(
        clearance_valid_months=row.clearance_valid_months,
        health_valid_months=row.health_valid_months,
        minimum_age=row.minimum_age,
        minimum_monthly_wage_cny=row.minimum_monthly_wage_cny,
        overridable=frozenset(r for r in row.overridable.split(",") if r),
    )


def update_agreement_requirements(w: WriteContext, data: Any) -> Agreement:
    """Labour changes an agreement's rules; fields left out keep their current value."""
    checks = Checks()
    agreement = find(w.session, Agreement, "agreementId", data.agreement_id, "Agreement")
    values: dict[str, Any] = {}
    for field, name, value, maximum in (
        ("clearanceValidMonths", "clearance_valid_months", data.clearance_valid_months, 60),
        ("healthValidMonths", "health_valid_months", data.health_valid_months, 60),
        ("minimumAge", "minimum_age", data.minimum_age, 65),
    ):
        if value is not None:
            if not 1 <= value <= maximum:
                checks.fail(field, "must be between {low} and {high}", "OUT_OF_RANGE", low=1, high=maximum)
            values[name] = value
    if data.minimum_monthly_wage_cny is not None:
        values["minimum_monthly_wage_cny"] = checks.money(
            "minimumMonthlyWageCny", data.minimum_monthly_wage_cny
        )
    if data.overridable is not None:
        unknown = sorted(set(data.overridable) - set(RULES))
        if unknown:
            checks.fail("overridable", "names no rule: {rules}", "INVALID", rules=", ".join(unknown))
        values["overridable"] = ",".join(sorted(set(data.overridable)))
    checks.done()
    row = w.session.get(AgreementRequirements, agreement.id)
    if row is None:
        row = AgreementRequirements(agreement_id=agreement.id, **default_row_values())
        w.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    w.session.flush()
    return agreement
