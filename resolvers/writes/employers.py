"""Employers: registered and corrected by the Chinese office where they are, or by labour for the
regions of its agreements; the approved quota only by an office with the duty to set it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from models import Country, Employer, UnitLevel
from policies.side_door import past_scope
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find, find_unit, require_in_scope
from resolvers.writes.inputs import RegisterEmployerData, UpdateEmployerData

CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{18}"  # GB 32100-2015: digits and capitals without I, O, S, V, Z
QUOTA_DUTY = "setEmployerQuota"
# Why the check passes the row scope (`policies.side_door`): it tells no one's data, only "taken".
EMPLOYER_CODE_TAKEN = "an employer is registered once: is this social credit code taken"
TEXTS = (
    ("nameZh", "name_zh", 300),
    ("nameVi", "name_vi", 300),
    ("address", "address", 500),
    ("sector", "sector", 200),
    ("contact", "contact", 300),
)


def _quota(w: WriteContext, checks: Checks, value: int | None) -> int | None:
    if value is None:
        return None
    if not w.grant.can_write(QUOTA_DUTY):
        checks.fail("approvedQuota", "only the Chinese office may set the approved quota", "FORBIDDEN")
        return None
    return checks.count("approvedQuota", value, maximum=100_000)


def _county(w: WriteContext, checks: Checks, code: str) -> int | None:
    try:
        unit = find_unit(w.session, "countyCode", code)
    except InputError as exc:
        checks.errors.append(exc)
        return None
    if unit.country != Country.CN or unit.level != UnitLevel.COUNTY:
        checks.fail("countyCode", "must be the code of a Chinese county", "INVALID")
        return None
    return unit.id


def register_employer(w: WriteContext, data: RegisterEmployerData) -> Employer:
    checks = Checks()
    values: dict[str, Any] = {
        attr: checks.text(field, getattr(data, attr), max_len=n) for field, attr, n in TEXTS
    }
    code = checks.text("socialCreditCode", data.social_credit_code, max_len=18)
    if code is not None and not re.fullmatch(CREDIT_CODE, code):
        checks.fail(
            "socialCreditCode", "must be an 18-character unified social credit code", "INVALID_FORMAT"
        )
    elif code is not None:
        table = Employer.__table__
        with past_scope(w.session, why=EMPLOYER_CODE_TAKEN) as unscoped:
            taken = unscoped.connection().execute(
                select(table.c.id).where(table.c.social_credit_code == code)
            )
            seen = taken.first() is not None
        if seen:
            checks.fail("socialCreditCode", "is already registered", "DUPLICATE")
    county = _county(w, checks, data.county_code)
    quota = _quota(w, checks, data.approved_quota)
    checks.done()
    employer = Employer(social_credit_code=code, county_id=county, approved_quota=quota or 0, **values)
    w.session.add(employer)
    require_in_scope(w.session, employer, "countyCode")
    return employer


def update_employer(w: WriteContext, data: UpdateEmployerData) -> Employer:
    checks = Checks()
    employer = find(w.session, Employer, "employerId", data.employer_id, "Employer")
    reason = checks.text("reason", data.reason, max_len=2000)
    changed: dict[str, Any] = {}
    corrected: list[str] = []  # the fields as the policy names them: the event tells those who read one
    for field, attr, n in TEXTS:
        if getattr(data, attr) is not None:
            changed[attr] = checks.text(field, getattr(data, attr), max_len=n)
            corrected.append(field)
    quota = _quota(w, checks, data.approved_quota)
    if quota is not None:
        changed["approved_quota"] = quota
        corrected.append("approvedQuota")
    if not changed:
        checks.fail("employerId", "names no field to correct", "REQUIRED")
    checks.done()
    for attr, value in changed.items():
        setattr(employer, attr, value)
    w.correct(employer, "updateEmployer", sorted(corrected), reason)
    return employer
