"""Each readable GraphQL field's read binding, one per `Type.field`: the one field map.

The planner compiles these bindings into SQL; the reference engine's resolvers read the same ones
through the request's loaders (`resolvers/bound.py`), each strawberry field naming its binding here
(`EMPLOYER["placements"]`). The coverage test fails when a readable field has no binding here.
"""

from __future__ import annotations

from sqlalchemy import FromClause, select

import models
from bindings.kinds import Cause, Column, Rule, Sealed, Split, Through, ToMany, ToOne, TypeRule, newest
from ledger.entries import SEARCHED_BY


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


UNIT: dict[str, Rule] = {"code": Column("code"), "nameVi": Column("name_vi"), "nameZh": Column("name_zh"),
        "level": Column("level"), "country": Column("country"), "validFrom": Column("valid_from"),
        "validTo": Column("valid_to")}  # fmt: skip

WORKER: dict[str, Rule] = {
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
    "placements": ToMany("worker_id", "Placement", newest("start_date", "id")),
    "crossings": ToMany("worker_id", "Crossing", newest("crossed_at", "id"), 20),
    "healthChecks": ToMany("worker_id", "HealthCheck", newest("checked_on", "id")),
    "policeClearances": ToMany("worker_id", "PoliceClearance", newest("issued_on", "id")),
    "incidents": ToMany("worker_id", "Incident", newest("occurred_on", "id")),
    "disclosures": ToMany("worker_id", "Disclosure", newest("id"), 50),
    "statusHistory": ToMany("worker_id", "StatusChange", (("at", False), ("id", False))),
}


PLACEMENT: dict[str, Rule] = {
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
}


WAGE_ARREARS: dict[str, Rule] = {
    "placement": ToOne("placement_id", "Placement"),
    "periodFrom": Column("period_from"),
    "periodTo": Column("period_to"),
    "amountCny": Column("amount_cny"),
    "reportedOn": Column("reported_on"),
    "reportedBy": ToOne("reported_by_office_id", "Office"),
    "settledOn": Column("settled_on"),
    "amountSettledCny": Column("amount_settled_cny"),
}


CROSSING: dict[str, Rule] = {
    "worker": ToOne("worker_id", "Worker"),
    "gate": ToOne("gate_id", "BorderGate"),
    "direction": Column("direction"),
    "crossedAt": Column("crossed_at"),
    "document": Column("document"),
    "recordedBy": ToOne("recorded_by_office_id", "Office"),
    "voidedAt": Column("voided_at"),
    "voidReason": Column("void_reason"),
}


HEALTH_CHECK: dict[str, Rule] = {
    "worker": ToOne("worker_id", "Worker"),
    "checkedOn": Column("checked_on"),
    "result": Column("result"),
    "notes": Sealed("notes_sealed"),
    "voidedAt": Column("voided_at"),
    "voidReason": Column("void_reason"),
}


POLICE_CLEARANCE: dict[str, Rule] = {
    "worker": ToOne("worker_id", "Worker"),
    "issuedOn": Column("issued_on"),
    "result": Column("result"),
    "notes": Sealed("notes_sealed"),
    "voidedAt": Column("voided_at"),
    "voidReason": Column("void_reason"),
}


INCIDENT: dict[str, Rule] = {
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
}


EMPLOYER: dict[str, Rule] = {
    "nameZh": Column("name_zh"),
    "nameVi": Column("name_vi"),
    "socialCreditCode": Column("social_credit_code"),
    "county": ToOne("county_id", "AdministrativeUnit"),
    "address": Column("address"),
    "sector": Column("sector"),
    "contact": Column("contact"),
    "approvedQuota": Column("approved_quota"),
    "placements": ToMany("employer_id", "Placement", newest("start_date", "id"), 50),
}


AGREEMENT: dict[str, Rule] = {
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
}


TALKS_MINUTES: dict[str, Rule] = {
    "heldOn": Column("held_on"),
    "vietnameseDelegation": Column("vn_delegation"),
    "chineseDelegation": Column("cn_delegation"),
    "summary": Column("summary"),
    "agreement": ToOne("agreement_id", "Agreement"),
    "actionItems": ToMany("minutes_id", "ActionItem", (("due_on", False), ("id", False))),
}


ACTION_ITEM: dict[str, Rule] = {
    "textVi": Column("text_vi"),
    "textZh": Column("text_zh"),
    "ownerOffice": ToOne("owner_office_id", "Office"),
    "dueOn": Column("due_on"),
    "status": Column("status"),
    "followUp": Column("follow_up"),
}


BORDER_GATE: dict[str, Rule] = {
    "code": Column("code"),
    "nameVi": Column("name_vi"),
    "nameZh": Column("name_zh"),
    "vietnameseUnit": ToOne("vn_unit_id", "AdministrativeUnit"),
    "chineseUnit": ToOne("cn_unit_id", "AdministrativeUnit"),
}


OFFICE: dict[str, Rule] = {"code": Column("code"), "name": Column("name"), "side": Column("side")}


STATUS_CHANGE: dict[str, Rule] = {
    "status": Column("to_status"),
    "from": Column("from_status"),
    "at": Column("at"),
    "office": ToOne("office_id", "Office"),
    "reason": Column("reason"),
    "cause": Cause("cause"),
}


PROCEDURE_OVERRIDE: dict[str, Rule] = {
    "rules": Split("rules"),
    "reason": Column("reason"),
    "at": Column("at"),
    "office": ToOne("office_id", "Office"),
}


REQUIREMENT_SET: dict[str, Rule] = {
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
}


DISCLOSURE: dict[str, Rule] = {
    "at": Column("at"),
    "office": ToOne("office_id", "Office"),
    "purpose": Column("purpose"),
    "fields": Split("fields", SEARCHED_BY),
    "searchedBy": Split("fields", SEARCHED_BY, marked=True),
    "officer": ToOne("id", "Officer"),
    "caseRef": Column("case_ref"),
}


OFFICER: dict[str, Rule] = {"id": Column("officer_id"), "name": Column("officer_name")}


TYPES: dict[str, TypeRule] = {
    "Worker": TypeRule(models.Worker, WORKER, worker="id"),
    "Placement": TypeRule(models.Placement, PLACEMENT, worker="worker_id"),
    "WageArrears": TypeRule(models.WageArrears, WAGE_ARREARS, worker="worker_id"),
    "Crossing": TypeRule(models.Crossing, CROSSING, worker="worker_id"),
    "HealthCheck": TypeRule(models.HealthCheck, HEALTH_CHECK, worker="worker_id"),
    "PoliceClearance": TypeRule(models.PoliceClearance, POLICE_CLEARANCE, worker="worker_id"),
    "Incident": TypeRule(models.Incident, INCIDENT, worker="worker_id"),
    "Employer": TypeRule(models.Employer, EMPLOYER),
    "Agreement": TypeRule(models.Agreement, AGREEMENT),
    "TalksMinutes": TypeRule(models.TalksMinutes, TALKS_MINUTES),
    "ActionItem": TypeRule(models.ActionItem, ACTION_ITEM),
    "BorderGate": TypeRule(models.BorderGate, BORDER_GATE),
    "AdministrativeUnit": TypeRule(models.AdminUnit, UNIT),
    "Office": TypeRule(models.Office, OFFICE),
    "StatusChange": TypeRule(models.StatusChange, STATUS_CHANGE),
    "ProcedureOverride": TypeRule(models.ProcedureOverride, PROCEDURE_OVERRIDE),
    # an agreement's requirement sets: read only through an agreement in scope
    "RequirementSet": TypeRule(None, REQUIREMENT_SET, source=_requirement_rows, public=True),
    # a worker's disclosures: read only through a worker in scope
    "Disclosure": TypeRule(None, DISCLOSURE, source=_ledger_rows, public=True),
    # a disclosure's officer: read only through a worker in scope
    "Officer": TypeRule(None, OFFICER, source=_officers, public=True),
}
