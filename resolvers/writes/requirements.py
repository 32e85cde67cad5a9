"""Each agreement's requirement set, kept as dated versions: a step is judged by the version in force
on its date, and a change opens a new version instead of overwriting the old one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from models import Agreement, AgreementRequirements
from models.base import utcnow
from procedure import PROTECTION_PARTS, RULES
from procedure.calendar import day_of
from procedure.rows import first_version
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import UpdateAgreementRequirementsData

RULE_COLUMNS = (
    "clearance_valid_months",
    "health_valid_months",
    "minimum_age",
    "minimum_monthly_wage_cny",
    "overridable",
    "partner_access_days",
    "protection_before_exit",
    "confirm_days_before_start",
)

# The law's floor: no agreement may send a worker abroad younger than this.
MINIMUM_WORKING_AGE = 18

# Two years after the return: a longer window would be no window at all.
MAX_PARTNER_ACCESS_DAYS = 730


def update_agreement_requirements(w: WriteContext, data: UpdateAgreementRequirementsData) -> Agreement:
    """Labour changes an agreement's rules from a date (today unless given); fields left out keep the
    value of the version in force then. The current version closes the day before."""
    session = w.session
    checks = Checks()
    agreement = find(session, Agreement, "agreementId", data.agreement_id, "Agreement")
    current = session.scalar(
        select(AgreementRequirements).where(
            AgreementRequirements.agreement_id == agreement.id, AgreementRequirements.valid_to.is_(None)
        )
    )
    # A version made today may be corrected today: a change from the same day replaces it.
    correcting = current is not None and day_of(current.recorded_at) == w.today
    earliest = agreement.valid_from if current is None else current.valid_from
    if current is not None and not correcting:
        earliest += dt.timedelta(days=1)
    # A new version starts after the current one did (one version a day) and not in the future:
    # the current set is then always the one in force today.
    valid_from = checks.date("validFrom", data.valid_from or w.today, earliest=earliest, latest=w.today)
    values: dict[str, Any] = {}
    for field, name, value, low, maximum in (
        ("clearanceValidMonths", "clearance_valid_months", data.clearance_valid_months, 1, 60),
        ("healthValidMonths", "health_valid_months", data.health_valid_months, 1, 60),
        ("minimumAge", "minimum_age", data.minimum_age, MINIMUM_WORKING_AGE, 65),
        ("partnerAccessDays", "partner_access_days", data.partner_access_days, 0, MAX_PARTNER_ACCESS_DAYS),
        ("confirmDaysBeforeStart", "confirm_days_before_start", data.confirm_days_before_start, 0, 30),
    ):
        if value is not None:
            if not low <= value <= maximum:
                checks.fail(field, "must be between {low} and {high}", "OUT_OF_RANGE", low=low, high=maximum)
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
    if data.protection_before_exit is not None:
        unknown = sorted(set(data.protection_before_exit) - set(PROTECTION_PARTS))
        if unknown:
            checks.fail(
                "protectionBeforeExit",
                "names no part of the protection: {parts}",
                "INVALID",
                parts=", ".join(unknown),
            )
        values["protection_before_exit"] = ",".join(sorted(set(data.protection_before_exit)))
    checks.done()
    if valid_from is None:  # refused above
        raise InputError("validFrom", "could not be read", "INVALID")
    if current is not None and correcting and valid_from == current.valid_from:
        for name, value in values.items():  # the same day's version, corrected in place
            setattr(current, name, value)
        current.recorded_at = utcnow()
        session.flush()
        w.ledger("updateAgreementRequirements", current)
        return agreement
    version = first_version(agreement)
    if current is not None:
        current.valid_to = valid_from - dt.timedelta(days=1)
        for name in RULE_COLUMNS:
            setattr(version, name, getattr(current, name))
    version.valid_from = valid_from
    for name, value in values.items():
        setattr(version, name, value)
    session.add(version)
    session.flush()
    w.ledger("updateAgreementRequirements", version)
    return agreement
