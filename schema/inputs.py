"""The input types of the mutations: what each write asks of the caller.

Input fields pass through the per-office schema builder like output fields, so an input never
names more than the office's duty needs.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

import schema.types.enums  # noqa: F401  (makes the model enums GraphQL enums)
from models import (
    ActionItemStatus,
    AgreementStatus,
    ClearanceResult,
    Direction,
    HealthResult,
    IncidentKind,
    IncidentStatus,
    PlacementStatus,
    Sex,
    TravelDocument,
    WorkerStatus,
)
from schema.fields import DUTY, duty_mark


@strawberry.input
class RegisterWorkerInput:
    full_name: str
    date_of_birth: dt.date
    sex: Sex
    ethnicity: str
    national_id_number: str = strawberry.field(description="12 digits (CCCD).")
    home_commune_code: str = strawberry.field(
        description="Code of the home commune (see administrativeUnits)."
    )
    border_pass_number: str | None = None
    passport_number: str | None = None
    phone: str | None = None


@strawberry.input
class ChangeWorkerStatusInput:
    worker_id: strawberry.ID
    status: WorkerStatus
    reason: str = strawberry.field(description="Why, for the status history.")


@strawberry.input(description="Proceed despite refusals the agreement marks overridable; kept and ledgered.")
class OverrideInput:
    reason: str = strawberry.field(description="At least 20 characters.")


@strawberry.input
class CreatePlacementInput:
    worker_id: strawberry.ID
    employer_id: strawberry.ID
    agreement_id: strawberry.ID
    job: str
    monthly_wage_cny: Decimal
    start_date: dt.date = strawberry.field(description="Planned start.")
    override: OverrideInput | None = strawberry.field(
        default=None,
        description=duty_mark("overrideProcedure", "Proceed despite overridable refusals, with a reason."),
        metadata={DUTY: "overrideProcedure"},
    )


@strawberry.input
class ConfirmPlacementStartInput:
    placement_id: strawberry.ID
    work_permit_number: str
    start_date: dt.date | None = strawberry.field(
        default=None, description="Actual start, if not as planned."
    )


@strawberry.input
class ReportPlacementEndInput:
    placement_id: strawberry.ID
    end_date: dt.date
    outcome: PlacementStatus = strawberry.field(description="COMPLETED, TERMINATED or ABSCONDED.")


@strawberry.input
class RecordCrossingInput:
    worker_id: strawberry.ID
    gate_code: str
    direction: Direction
    crossed_at: dt.datetime = strawberry.field(description="With a time zone offset.")
    document: TravelDocument


@strawberry.input
class RecordHealthCheckInput:
    worker_id: strawberry.ID
    checked_on: dt.date
    result: HealthResult
    notes: str | None = None


@strawberry.input
class RecordPoliceClearanceInput:
    worker_id: strawberry.ID
    issued_on: dt.date
    result: ClearanceResult
    notes: str | None = None


@strawberry.input
class ReportIncidentInput:
    worker_id: strawberry.ID
    kind: IncidentKind
    occurred_on: dt.date
    description: str
    placement_id: strawberry.ID | None = None


@strawberry.input
class UpdateIncidentInput:
    incident_id: strawberry.ID
    status: IncidentStatus | None = None
    handling: str | None = None
    resolution: str | None = None


@strawberry.input
class CreateAgreementInput:
    code: str
    title: str
    vietnamese_party_code: str
    chinese_party_code: str
    signed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None = None
    yearly_quota: int | None = None
    border_gate_codes: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateAgreementStatusInput:
    agreement_id: strawberry.ID
    status: AgreementStatus


@strawberry.input
class AddTalksMinutesInput:
    agreement_id: strawberry.ID
    held_on: dt.date
    vietnamese_delegation: str
    chinese_delegation: str
    summary: str


@strawberry.input(description="A task the talks decided, in each language, with its owner and due date.")
class AddActionItemInput:
    minutes_id: strawberry.ID = strawberry.field(description="The talks minutes that decided it.")
    text_vi: str
    text_zh: str
    owner_office_code: str = strawberry.field(description="The code of the office that does it.")
    due_on: dt.date


@strawberry.input(description="Fields left out stay as they are.")
class UpdateActionItemInput:
    action_item_id: strawberry.ID
    status: ActionItemStatus | None = None
    follow_up: str | None = strawberry.field(default=None, description="What was done so far.")
    due_on: dt.date | None = None
    reason: str | None = strawberry.field(default=None, description="Why, kept with the correction.")


@strawberry.input
class SignReportInput:
    agreement_id: strawberry.ID = strawberry.field(description="The agreement's ID or code.")
    year: int
    signature: str = strawberry.field(
        description="Ed25519 signature (base64) over the SHA-256 digest of the report's canonical JSON "
        "(`borderlabour report sign` makes it)."
    )


@strawberry.input
class UpdateAgreementRequirementsInput:
    agreement_id: strawberry.ID
    valid_from: dt.date | None = strawberry.field(
        default=None,
        description="The first day the new set is in force (today unless given; not in the future, and "
        "after the current set's first day). The current set is in force until the day before.",
    )
    clearance_valid_months: int | None = None
    health_valid_months: int | None = None
    minimum_age: int | None = None
    minimum_monthly_wage_cny: Decimal | None = None
    overridable: list[str] | None = strawberry.field(default=None, description="Rule names.")
    partner_access_days: int | None = strawberry.field(
        default=None,
        description="Days a Chinese office still sees a worker after the later of a placement's end and "
        "the worker's return (0 to 730).",
    )
    protection_before_exit: list[str] | None = strawberry.field(
        default=None,
        description="Parts of the protection a placement must record before the worker's exit: any of "
        "contract, insurance, orientation, recruitment-fees (an empty list requires none).",
    )
    confirm_days_before_start: int | None = strawberry.field(
        default=None, description="How many days before its start a start may be confirmed (0 to 30)."
    )


@strawberry.input(description="Fields left out stay as they are; an empty string removes a number.")
class UpdateWorkerInput:
    worker_id: strawberry.ID
    reason: str
    full_name: str | None = None
    border_pass_number: str | None = None
    passport_number: str | None = None
    phone: str | None = None


def _quota_field() -> Any:
    return strawberry.field(
        default=None,
        description=duty_mark("setEmployerQuota", "Open placements the employer may have at once."),
        metadata={DUTY: "setEmployerQuota"},
    )


@strawberry.input
class RegisterEmployerInput:
    name_zh: str
    name_vi: str
    social_credit_code: str = strawberry.field(description="18 characters (GB 32100-2015).")
    county_code: str
    address: str
    sector: str
    contact: str
    approved_quota: int | None = _quota_field()


@strawberry.input(description="Fields left out stay as they are.")
class UpdateEmployerInput:
    employer_id: strawberry.ID
    reason: str
    name_zh: str | None = None
    name_vi: str | None = None
    address: str | None = None
    sector: str | None = None
    contact: str | None = None
    approved_quota: int | None = _quota_field()


@strawberry.input
class CancelPlacementInput:
    placement_id: strawberry.ID
    reason: str


@strawberry.input
class VoidRecordInput:
    record_id: strawberry.ID = strawberry.field(description="A crossing, health check or police clearance.")
    reason: str


@strawberry.input
class HoldRecordInput:
    worker_id: strawberry.ID
    reason: str = strawberry.field(description="Why the worker's data must be kept (an inquiry, a claim).")
    held_until: dt.date | None = strawberry.field(
        default=None, description="The last day of the hold; none: the hold has no end day."
    )


@strawberry.input(
    description="The parts of a placement's protection to record; a part left out keeps its value."
)
class RecordPlacementProtectionInput:
    placement_id: strawberry.ID
    reason: str | None = strawberry.field(
        default=None, description="Required to change a part already recorded."
    )
    contract_signed_on: dt.date | None = None
    contract_months: int | None = None
    contract_weekly_hours: int | None = None
    contract_wage: Decimal | None = strawberry.field(default=None, description="As the contract states it.")
    contract_currency: str | None = strawberry.field(default=None, description="ISO 4217, e.g. CNY.")
    injury_insurer: str | None = None
    injury_policy_number: str | None = None
    injury_insurance_valid_to: dt.date | None = None
    health_insurer: str | None = None
    health_policy_number: str | None = None
    health_insurance_valid_to: dt.date | None = None
    orientation_on: dt.date | None = None
    orientation_provider: str | None = None
    recruitment_fee_vnd: int | None = strawberry.field(
        default=None, description="What the worker paid, in VND."
    )
    recruitment_fee_items: list[str] | None = strawberry.field(
        default=None,
        description="What the worker paid for (broker, training, passport, health check, travel).",
    )


@strawberry.input
class ReportWageArrearsInput:
    placement_id: strawberry.ID
    period_from: dt.date
    period_to: dt.date
    amount_cny: Decimal


@strawberry.input
class SettleWageArrearsInput:
    wage_arrears_id: strawberry.ID
    settled_on: dt.date
    amount_settled_cny: Decimal
