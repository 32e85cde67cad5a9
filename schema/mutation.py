"""The root Mutation type: one mutation per write duty of DOMAIN.md.

Each mutation exists only for offices whose duties include it, runs in its own savepoint (a
failed write leaves nothing behind) and answers field-specific `errors` instead of throwing.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import strawberry

from locales import message_of, reader_language
from policies.grants import Grant
from policies.writes import require_duty
from resolvers.errors import InputError
from resolvers.validation import InputErrors
from resolvers.writes import agreements, checks, crossings, incidents, placements, workers
from schema.context import Info
from schema.fields import REQUIRES, duty
from schema.types import agreements as agreement_types
from schema.types.checks import HealthCheck, PoliceClearance
from schema.types.crossings import Crossing
from schema.types.enums import (
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
from schema.types.incidents import Incident
from schema.types.placements import Placement
from schema.types.workers import Worker


@strawberry.type(description="Why a write was refused; `field` names the input field (camelCase).")
class UserError:
    field: str | None
    message: str
    code: str


def _payload(node_type: type, field_name: str) -> type:
    """`<Type>Payload { <field>: <Type>, errors: [UserError!]! }`; the field needs its type visible."""
    type_name = node_type.__strawberry_definition__.name
    cls = type(
        f"{type_name}Payload",
        (),
        {
            "__annotations__": {field_name: node_type | None, "errors": list[UserError]},
            field_name: strawberry.field(default=None, metadata={REQUIRES: (type_name,)}),
            "errors": strawberry.field(default_factory=list),
        },
    )
    return strawberry.type(cls, description=f"The {type_name} written, or the errors that refused it.")


WorkerPayload = _payload(Worker, "worker")
PlacementPayload = _payload(Placement, "placement")
CrossingPayload = _payload(Crossing, "crossing")
HealthCheckPayload = _payload(HealthCheck, "healthCheck")
PoliceClearancePayload = _payload(PoliceClearance, "policeClearance")
IncidentPayload = _payload(Incident, "incident")
AgreementPayload = _payload(agreement_types.Agreement, "agreement")
TalksMinutesPayload = _payload(agreement_types.TalksMinutes, "talksMinutes")


def _user_error(error: InputError) -> UserError:
    """In the reader's language (Accept-Language), like every message the registry answers."""
    return UserError(field=error.field, message=message_of(error, reader_language()), code=error.code)


def _run(info: Info, name: str, write: Callable[[Grant], Any], payload: type, wrap: type, field: str) -> Any:
    context = info.context
    require_duty(context.grant, name)
    try:
        with context.session.begin_nested():
            row = write(context.grant)
    except InputErrors as exc:
        return payload(errors=[_user_error(e) for e in exc.errors])
    except InputError as exc:
        return payload(errors=[_user_error(exc)])
    context.written.append((name, type(row).__name__, row.id))
    return payload(**{field: wrap(db=row)})


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


@strawberry.type
class Mutation:
    @duty("registerWorker", "Register a worker; a district may register only its own residents.")
    def register_worker(self, info: Info, input: RegisterWorkerInput) -> WorkerPayload:
        return _run(
            info,
            "registerWorker",
            lambda g: workers.register_worker(info.context.session, input),
            WorkerPayload,
            Worker,
            "worker",
        )

    @duty("updateWorkerStatus", "Move a worker through the lifecycle (e.g. suspend).")
    def update_worker_status(self, info: Info, input: UpdateWorkerStatusInput) -> WorkerPayload:
        return _run(
            info,
            "updateWorkerStatus",
            lambda g: workers.update_worker_status(info.context.session, input),
            WorkerPayload,
            Worker,
            "worker",
        )

    @duty("createPlacement", "Place a worker with an employer under an active agreement.")
    def create_placement(self, info: Info, input: CreatePlacementInput) -> PlacementPayload:
        return _run(
            info,
            "createPlacement",
            lambda g: placements.create_placement(info.context.session, input),
            PlacementPayload,
            Placement,
            "placement",
        )

    @duty("confirmPlacementStart", "Confirm that a planned placement started, with the work permit number.")
    def confirm_placement_start(self, info: Info, input: ConfirmPlacementStartInput) -> PlacementPayload:
        return _run(
            info,
            "confirmPlacementStart",
            lambda g: placements.confirm_placement_start(info.context.session, input),
            PlacementPayload,
            Placement,
            "placement",
        )

    @duty("reportPlacementEnd", "Report that an active placement ended.")
    def report_placement_end(self, info: Info, input: ReportPlacementEndInput) -> PlacementPayload:
        return _run(
            info,
            "reportPlacementEnd",
            lambda g: placements.report_placement_end(info.context.session, input),
            PlacementPayload,
            Placement,
            "placement",
        )

    @duty("recordCrossing", "Record a worker crossing a border gate.")
    def record_crossing(self, info: Info, input: RecordCrossingInput) -> CrossingPayload:
        return _run(
            info,
            "recordCrossing",
            lambda g: crossings.record_crossing(info.context.session, g, input),
            CrossingPayload,
            Crossing,
            "crossing",
        )

    @duty("recordHealthCheck", "Record a health check.")
    def record_health_check(self, info: Info, input: RecordHealthCheckInput) -> HealthCheckPayload:
        return _run(
            info,
            "recordHealthCheck",
            lambda g: checks.record_health_check(info.context.session, g, input),
            HealthCheckPayload,
            HealthCheck,
            "healthCheck",
        )

    @duty(
        "recordPoliceClearance",
        "Record a police clearance; a clear one moves a registered worker to cleared.",
    )
    def record_police_clearance(
        self, info: Info, input: RecordPoliceClearanceInput
    ) -> PoliceClearancePayload:
        return _run(
            info,
            "recordPoliceClearance",
            lambda g: checks.record_police_clearance(info.context.session, g, input),
            PoliceClearancePayload,
            PoliceClearance,
            "policeClearance",
        )

    @duty("reportIncident", "Report an incident about a worker in your jurisdiction.")
    def report_incident(self, info: Info, input: ReportIncidentInput) -> IncidentPayload:
        return _run(
            info,
            "reportIncident",
            lambda g: incidents.report_incident(info.context.session, g, input),
            IncidentPayload,
            Incident,
            "incident",
        )

    @duty("updateIncident", "Update the handling, resolution or status of an incident you are party to.")
    def update_incident(self, info: Info, input: UpdateIncidentInput) -> IncidentPayload:
        return _run(
            info,
            "updateIncident",
            lambda g: incidents.update_incident(info.context.session, input),
            IncidentPayload,
            Incident,
            "incident",
        )

    @duty("createAgreement", "Record a new agreement your province signed.")
    def create_agreement(self, info: Info, input: CreateAgreementInput) -> AgreementPayload:
        return _run(
            info,
            "createAgreement",
            lambda g: agreements.create_agreement(info.context.session, input),
            AgreementPayload,
            agreement_types.Agreement,
            "agreement",
        )

    @duty("updateAgreementStatus", "Suspend, end or reactivate an agreement.")
    def update_agreement_status(self, info: Info, input: UpdateAgreementStatusInput) -> AgreementPayload:
        return _run(
            info,
            "updateAgreementStatus",
            lambda g: agreements.update_agreement_status(info.context.session, input),
            AgreementPayload,
            agreement_types.Agreement,
            "agreement",
        )

    @duty("addTalksMinutes", "Add the minutes of a round of talks to an agreement.")
    def add_talks_minutes(self, info: Info, input: AddTalksMinutesInput) -> TalksMinutesPayload:
        return _run(
            info,
            "addTalksMinutes",
            lambda g: agreements.add_talks_minutes(info.context.session, input),
            TalksMinutesPayload,
            agreement_types.TalksMinutes,
            "talksMinutes",
        )
