"""The agreed procedure: its data here, its rules (`procedure.rules`), its calendar
(`procedure.calendar`), its data as the models' rows (`procedure.rows`) and the check of a whole
database against them (`procedure.violations`).

This module (the package's own) loads no tables, so what needs only the registry's day (`report
verify`, which checks a file offline) can take it from `procedure.calendar` without the models.

The data are files people review against the agreements (`requirements.toml`, `transitions.csv`,
`identity_provinces.csv`); the code reads them and never names a value of its own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

# Every rule a requirement set can mark overridable, and the refusal code each gives.
RULES = {
    "clearance": "PREREQUISITE_MISSING",
    "clearance-age": "PREREQUISITE_MISSING",
    "health": "PREREQUISITE_MISSING",
    "health-age": "PREREQUISITE_MISSING",
    "minimum-age": "UNDERAGE",
    "status": "INELIGIBLE_STATUS",
    "one-open-placement": "ALREADY_PLACED",
    "employer-in-agreement": "OUTSIDE_AGREEMENT",
    "agreement-in-force": "AGREEMENT_NOT_IN_FORCE",
    "employer-quota": "QUOTA_EXCEEDED",
    "agreement-quota": "QUOTA_EXCEEDED",
    "minimum-wage": "BELOW_MINIMUM_WAGE",
}


# The parts of a placement's protection an agreement may require before the exit, and the columns
# of the placement each needs recorded.
PROTECTION_PARTS = {
    "contract": ("contract_signed_on", "contract_months", "contract_wage", "contract_currency"),
    "insurance": ("injury_insurer", "injury_policy_number", "health_insurer", "health_policy_number"),
    "orientation": ("orientation_on",),
    "recruitment-fees": ("recruitment_fee_vnd",),
}
# The parts that carry their own day: a contract signed, an orientation held, after the exit was not
# there before it, whenever it was recorded.
PROTECTION_DAYS = {"contract": "contract_signed_on", "orientation": "orientation_on"}
PROTECTION_COLUMNS = tuple(dict.fromkeys(c for columns in PROTECTION_PARTS.values() for c in columns))
# The columns of a part that name the worker's own documents: retention erases them with the worker's
# identity (`retention.due.ERASED`), so on a de-identified worker's placement the part is judged on
# its other columns, as recorded when the worker still had a name (`procedure.rules.protection_recorded`).
PROTECTION_IDENTIFIERS = frozenset({"injury_policy_number", "health_policy_number"})


@dataclass(frozen=True)
class Requirements:
    clearance_valid_months: int
    health_valid_months: int
    minimum_age: int
    minimum_monthly_wage_cny: Decimal
    overridable: frozenset[str]
    partner_access_days: int = 90
    protection_before_exit: frozenset[str] = frozenset()
    # How many days before its start a placement's start may be confirmed (the worker is then across).
    confirm_days_before_start: int = 1


@cache
def default_requirements() -> Requirements:
    data = tomllib.loads((HERE / "requirements.toml").read_text(encoding="utf-8"))
    unknown = set(data["overridable"]) - set(RULES)
    if unknown:
        raise ValueError(f"requirements.toml: unknown rules {sorted(unknown)}")
    parts = set(data.get("protection_before_exit", []))
    if parts - set(PROTECTION_PARTS):
        raise ValueError(
            f"requirements.toml: unknown protection parts {sorted(parts - set(PROTECTION_PARTS))}"
        )
    return Requirements(
        clearance_valid_months=int(data["clearance_valid_months"]),
        health_valid_months=int(data["health_valid_months"]),
        minimum_age=int(data["minimum_age"]),
        minimum_monthly_wage_cny=Decimal(str(data["minimum_monthly_wage_cny"])),
        overridable=frozenset(data["overridable"]),
        partner_access_days=int(data["partner_access_days"]),
        protection_before_exit=frozenset(parts),
        confirm_days_before_start=int(data["confirm_days_before_start"]),
    )


def default_row_values() -> dict[str, object]:
    """The defaults as the columns of an agreement's requirement row (models.AgreementRequirements)."""
    req = default_requirements()
    return {
        "clearance_valid_months": req.clearance_valid_months,
        "health_valid_months": req.health_valid_months,
        "minimum_age": req.minimum_age,
        "minimum_monthly_wage_cny": req.minimum_monthly_wage_cny,
        "overridable": ",".join(sorted(req.overridable)),
        "partner_access_days": req.partner_access_days,
        "protection_before_exit": ",".join(sorted(req.protection_before_exit)),
        "confirm_days_before_start": req.confirm_days_before_start,
    }


@cache
def identity_province_codes() -> frozenset[str]:
    lines = (HERE / "identity_provinces.csv").read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.split(",", 1)[0].strip() for line in lines if line.strip() and not line.startswith("#")
    )


@cache
def rule_fields() -> dict[str, str]:
    """rule -> the `Type.field` it judges (`rule_fields.csv`): who may be told that it broke."""
    found = {}
    for line in (HERE / "rule_fields.csv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "rule,")):
            rule, field = (part.strip() for part in line.split(","))
            if rule not in RULES:
                raise ValueError(f"rule_fields.csv: unknown rule {rule!r}")
            found[rule] = field
    return found
