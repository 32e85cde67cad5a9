"""How each readable GraphQL field is read from the database: rules as data, one per `Type.field`.

A rule names columns and relations, never access: which fields exist is the office's schema, which
rows exist is `policies.scopes`. The coverage test fails when a readable field has no rule here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import FromClause, Table, select

import models
from ledger.entries import SEARCHED_BY
from models.sealing import keyring


@dataclass(frozen=True)
class Column:
    """A column shown as is (its GraphQL scalar formats it)."""

    name: str


@dataclass(frozen=True)
class Sealed:
    """An encrypted column, opened with the keyring in the finishing pass."""

    name: str
    empty: str | None = None  # what the reference shows for a missing value

    def open(self, raw: str | None) -> str | None:
        return keyring().open(raw) or self.empty


@dataclass(frozen=True)
class ToOne:
    """The row of `target` whose id is the parent's `column` (null when outside the scope)."""

    column: str
    target: str


@dataclass(frozen=True)
class ToMany:
    """The rows of `target` whose `fk` is the parent's id, in `order`; `first` of them if limited."""

    fk: str
    target: str
    order: tuple[tuple[str, bool], ...]  # (column, descending)
    default_first: int | None = None


@dataclass(frozen=True)
class Through:
    """The rows of `target` linked to the parent through an association table, by target id."""

    table: Table
    left: str
    right: str
    target: str


@dataclass(frozen=True)
class Cause(Column):
    """A status change's cause: null where the office may not read the record that caused it."""


@dataclass(frozen=True)
class Split:
    """A comma-separated column shown as a list of strings; with `prefix`, only the items without it
    (`marked=False`) or only those with it, shown without it (`marked=True`)."""

    name: str
    prefix: str | None = None
    marked: bool = False

    def items(self, raw: str) -> list[str]:
        items = [v for v in raw.split(",") if v]
        if self.prefix is None:
            return items
        if self.marked:
            return [v[len(self.prefix) :] for v in items if v.startswith(self.prefix)]
        return [v for v in items if not v.startswith(self.prefix)]


Leaf = Column | Sealed | Split
Rule = Leaf | ToOne | ToMany | Through


@dataclass(frozen=True)
class TypeRule:
    """Where the rows of one GraphQL object type live."""

    model: type | None
    fields: Mapping[str, Rule]
    worker: str | None = None  # the column naming the worker an object is about (for the ledger)
    source: Callable[[], FromClause] | None = None  # rows that are not one table's
    # Rows no office's scope restricts, read with no row scope (`planner.sql.Writer.scope`): only a
    # rule with no model may say so, and only for rows reached through a scoped parent or public ones.
    public: bool = False

    def alias(self) -> FromClause:
        if self.source is not None:
            return self.source()
        return self.model.__table__.alias()  # type: ignore[union-attr]


def _officers() -> FromClause:
    """The officer of each ledger entry that names one (an entry of a service token names none)."""
    le = models.LedgerEntry.__table__.alias()
    return select(le.c.id, le.c.officer_id, le.c.officer_name).where(le.c.officer_id.is_not(None)).subquery()


def _ledger_rows() -> FromClause:
    """A worker's disclosures: the ledger's per-worker rows with their entry's time, office, purpose
    and the list of fields sent."""
    lw = models.LedgerWorker.__table__.alias()
    le = models.LedgerEntry.__table__.alias()
    fl = models.LedgerFieldList.__table__.alias()
    return (
        select(
            lw.c.entry_id.label("id"),
            lw.c.worker_id,
            fl.c.fields,
            le.c.at,
            le.c.office_id,
            le.c.purpose,
            le.c.case_ref,
        )
        .join_from(lw, le, le.c.id == lw.c.entry_id)
        .join(fl, fl.c.id == lw.c.field_list_id)
        .subquery()
    )


def _requirement_rows() -> FromClause:
    """Each agreement's current requirement set (the version not yet closed), keyed by the agreement's id."""
    ar = models.AgreementRequirements.__table__.alias()
    return (
        select(ar.c.agreement_id.label("id"), *(c for c in ar.c if c.key not in ("agreement_id", "id")))
        .where(ar.c.valid_to.is_(None))
        .subquery()
    )


def _newest(*columns: str) -> tuple[tuple[str, bool], ...]:
    return tuple((c, True) for c in columns)


UNIT = {"code": Column("code"), "nameVi": Column("name_vi"), "nameZh": Column("name_zh"),
        "level": Column("level"), "country": Column("country"), "validFrom": Column("valid_from"),
        "validTo": Column("valid_to")}  # fmt: skip

TYPES: dict[str, TypeRule] = {
    "Worker": TypeRule(
        models.Worker,
        {
            "fullName": Column("full_name"),
            "dateOfBirth": Column("date_of_birth"),
            "sex": Column("sex"),
            "status": Column("status"),
            "ethnicity": Column("ethnicity"),
            "nationalIdNumber": Sealed("national_id_sealed", empty=""),
            "borderPassNumber": Sealed("border_pass_sealed"),
            "passportNumber": Sealed("passport_sealed"),
            "phone": Sealed("phone_sealed"),
            "homeProvince": ToOne("home_province_id", "AdministrativeUnit"),
            "homeDistrict": ToOne("home_district_id", "AdministrativeUnit"),
            "homeCommune": ToOne("home_commune_id", "AdministrativeUnit"),
            "placements": ToMany("worker_id", "Placement", _newest("start_date", "id")),
            "crossings": ToMany("worker_id", "Crossing", _newest("crossed_at", "id"), 20),
            "healthChecks": ToMany("worker_id", "HealthCheck", _newest("checked_on", "id")),
            "policeClearances": ToMany("worker_id", "PoliceClearance", _newest("issued_on", "id")),
            "incidents": ToMany("worker_id", "Incident", _newest("occurred_on", "id")),
            "disclosures": ToMany("worker_id", "Disclosure", _newest("id"), 50),
            "statusHistory": ToMany("worker_id", "StatusChange", (("at", False), ("id", False))),
        },
        worker="id",
    ),
    "Placement": TypeRule(
        models.Placement,
        {
            "worker": ToOne("worker_id", "Worker"),
            "employer": ToOne("employer_id", "Employer"),
            "agreement": ToOne("agreement_id", "Agreement"),
            "job": Column("job"),
            "monthlyWageCny": Column("monthly_wage_cny"),
            "startDate": Column("start_date"),
            "endDate": Column("end_date"),
            "status": Column("status"),
            "workPermitNumber": Column("work_permit_number"),
            "overrides": ToMany("placement_id", "ProcedureOverride", (("id", False),)),
            "contractSignedOn": Column("contract_signed_on"),
            "contractMonths": Column("contract_months"),
            "contractWeeklyHours": Column("contract_weekly_hours"),
            "contractWage": Column("contract_wage"),
            "contractCurrency": Column("contract_currency"),
            "injuryInsurer": Column("injury_insurer"),
            "injuryPolicyNumber": Column("injury_policy_number"),
            "injuryInsuranceValidTo": Column("injury_insurance_valid_to"),
            "healthInsurer": Column("health_insurer"),
            "healthPolicyNumber": Column("health_policy_number"),
            "healthInsuranceValidTo": Column("health_insurance_valid_to"),
            "orientationOn": Column("orientation_on"),
            "orientationProvider": Column("orientation_provider"),
            "recruitmentFeeVnd": Column("recruitment_fee_vnd"),
            "recruitmentFeeItems": Split("recruitment_fee_items"),
            "wageArrears": ToMany("placement_id", "WageArrears", (("period_from", False), ("id", False))),
        },
        worker="worker_id",
    ),
    "WageArrears": TypeRule(
        models.WageArrears,
        {
            "placement": ToOne("placement_id", "Placement"),
            "periodFrom": Column("period_from"),
            "periodTo": Column("period_to"),
            "amountCny": Column("amount_cny"),
            "reportedOn": Column("reported_on"),
            "reportedBy": ToOne("reported_by_office_id", "Office"),
            "settledOn": Column("settled_on"),
            "amountSettledCny": Column("amount_settled_cny"),
        },
        worker="worker_id",
    ),
    "Crossing": TypeRule(
        models.Crossing,
        {
            "worker": ToOne("worker_id", "Worker"),
            "gate": ToOne("gate_id", "BorderGate"),
            "direction": Column("direction"),
            "crossedAt": Column("crossed_at"),
            "document": Column("document"),
            "recordedBy": ToOne("recorded_by_office_id", "Office"),
            "voidedAt": Column("voided_at"),
            "voidReason": Column("void_reason"),
        },
        worker="worker_id",
    ),
    "HealthCheck": TypeRule(
        models.HealthCheck,
        {
            "worker": ToOne("worker_id", "Worker"),
            "checkedOn": Column("checked_on"),
            "result": Column("result"),
            "notes": Sealed("notes_sealed"),
            "voidedAt": Column("voided_at"),
            "voidReason": Column("void_reason"),
        },
        worker="worker_id",
    ),
    "PoliceClearance": TypeRule(
        models.PoliceClearance,
        {
            "worker": ToOne("worker_id", "Worker"),
            "issuedOn": Column("issued_on"),
            "result": Column("result"),
            "notes": Sealed("notes_sealed"),
            "voidedAt": Column("voided_at"),
            "voidReason": Column("void_reason"),
        },
        worker="worker_id",
    ),
    "Incident": TypeRule(
        models.Incident,
        {
            "worker": ToOne("worker_id", "Worker"),
            "placement": ToOne("placement_id", "Placement"),
            "kind": Column("kind"),
            "occurredOn": Column("occurred_on"),
            "resolvedOn": Column("resolved_on"),
            "description": Column("description"),
            "handling": Column("handling"),
            "resolution": Column("resolution"),
            "status": Column("status"),
            "reportedBy": ToOne("reported_by_office_id", "Office"),
        },
        worker="worker_id",
    ),
    "Employer": TypeRule(
        models.Employer,
        {
            "nameZh": Column("name_zh"),
            "nameVi": Column("name_vi"),
            "socialCreditCode": Column("social_credit_code"),
            "county": ToOne("county_id", "AdministrativeUnit"),
            "address": Column("address"),
            "sector": Column("sector"),
            "contact": Column("contact"),
            "approvedQuota": Column("approved_quota"),
            "placements": ToMany("employer_id", "Placement", _newest("start_date", "id"), 50),
        },
    ),
    "Agreement": TypeRule(
        models.Agreement,
        {
            "code": Column("code"),
            "title": Column("title"),
            "vietnameseParty": ToOne("vn_unit_id", "AdministrativeUnit"),
            "chineseParty": ToOne("cn_unit_id", "AdministrativeUnit"),
            "signedOn": Column("signed_on"),
            "validFrom": Column("valid_from"),
            "validTo": Column("valid_to"),
            "status": Column("status"),
            "yearlyQuota": Column("yearly_quota"),
            "borderGates": Through(models.agreement_gates, "agreement_id", "gate_id", "BorderGate"),
            "talksMinutes": ToMany("agreement_id", "TalksMinutes", (("held_on", False), ("id", False))),
            "requirements": ToOne("id", "RequirementSet"),
        },
    ),
    "TalksMinutes": TypeRule(
        models.TalksMinutes,
        {
            "heldOn": Column("held_on"),
            "vietnameseDelegation": Column("vn_delegation"),
            "chineseDelegation": Column("cn_delegation"),
            "summary": Column("summary"),
            "agreement": ToOne("agreement_id", "Agreement"),
            "actionItems": ToMany("minutes_id", "ActionItem", (("due_on", False), ("id", False))),
        },
    ),
    "ActionItem": TypeRule(
        models.ActionItem,
        {
            "textVi": Column("text_vi"),
            "textZh": Column("text_zh"),
            "ownerOffice": ToOne("owner_office_id", "Office"),
            "dueOn": Column("due_on"),
            "status": Column("status"),
            "followUp": Column("follow_up"),
        },
    ),
    "BorderGate": TypeRule(
        models.BorderGate,
        {
            "code": Column("code"),
            "nameVi": Column("name_vi"),
            "nameZh": Column("name_zh"),
            "vietnameseUnit": ToOne("vn_unit_id", "AdministrativeUnit"),
            "chineseUnit": ToOne("cn_unit_id", "AdministrativeUnit"),
        },
    ),
    "AdministrativeUnit": TypeRule(models.AdminUnit, UNIT),
    "Office": TypeRule(
        models.Office, {"code": Column("code"), "name": Column("name"), "side": Column("side")}
    ),
    "StatusChange": TypeRule(
        models.StatusChange,
        {
            "status": Column("to_status"),
            "from": Column("from_status"),
            "at": Column("at"),
            "office": ToOne("office_id", "Office"),
            "reason": Column("reason"),
            "cause": Cause("cause"),
        },
    ),
    "ProcedureOverride": TypeRule(
        models.ProcedureOverride,
        {
            "rules": Split("rules"),
            "reason": Column("reason"),
            "at": Column("at"),
            "office": ToOne("office_id", "Office"),
        },
    ),
    "RequirementSet": TypeRule(
        None,
        {
            "validFrom": Column("valid_from"),
            "validTo": Column("valid_to"),
            "clearanceValidMonths": Column("clearance_valid_months"),
            "healthValidMonths": Column("health_valid_months"),
            "minimumAge": Column("minimum_age"),
            "minimumMonthlyWageCny": Column("minimum_monthly_wage_cny"),
            "overridable": Split("overridable"),
            "partnerAccessDays": Column("partner_access_days"),
            "protectionBeforeExit": Split("protection_before_exit"),
            "confirmDaysBeforeStart": Column("confirm_days_before_start"),
        },
        source=_requirement_rows,
        public=True,  # an agreement's requirement sets: read only through an agreement in scope
    ),
    "Disclosure": TypeRule(
        None,
        {
            "at": Column("at"),
            "office": ToOne("office_id", "Office"),
            "purpose": Column("purpose"),
            "fields": Split("fields", SEARCHED_BY),
            "searchedBy": Split("fields", SEARCHED_BY, marked=True),
            "officer": ToOne("id", "Officer"),
            "caseRef": Column("case_ref"),
        },
        source=_ledger_rows,
        public=True,  # a worker's disclosures: read only through a worker in scope
    ),
    "Officer": TypeRule(
        None,
        {"id": Column("officer_id"), "name": Column("officer_name")},
        source=_officers,
        public=True,  # a disclosure's officer: read only through a worker in scope
    ),
}


def column_types(rule: TypeRule) -> dict[str, Any]:
    """The SQLAlchemy type of each column of the type's rows, for decoding what the JSON carries."""
    return {c.key: c.type for c in rule.alias().columns}
