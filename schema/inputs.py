"""The input types of the mutations: what each write asks of the caller.

Input fields pass through the per-office schema builder like output fields, so an input never
names more than the office's duty needs.
"""

import datetime as dt
from decimal import Decimal

import strawberry

import schema.types.enums  # noqa: F401  (makes the model enums GraphQL enums)
from models import (
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
class UpdateWorkerStatusInput:
    worker_id: strawberry.ID
    status: WorkerStatus


@strawberry.input
class CreatePlacementInput:
    worker_id: strawberry.ID
    employer_id: strawberry.ID
    agreement_id: strawberry.ID
    job: str
    monthly_wage_cny: Decimal
    start_date: dt.date = strawberry.field(description="Planned start.")


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
