"""The root Mutation type: one mutation per write duty of DOMAIN.md, each declared in one line.

How every mutation runs (duty check, savepoint, errors, ledger) is `schema.writing.write_duty`.
"""

import strawberry

from resolvers.writes import agreements, checks, crossings, incidents, placements, workers
from schema import inputs
from schema.payloads import (
    AgreementPayload,
    CrossingPayload,
    HealthCheckPayload,
    IncidentPayload,
    PlacementPayload,
    PoliceClearancePayload,
    TalksMinutesPayload,
    WorkerPayload,
)
from schema.writing import write_duty


@strawberry.type
class Mutation:
    register_worker: WorkerPayload = write_duty(
        "registerWorker",
        "Register a worker; a district may register only its own residents.",
        inputs.RegisterWorkerInput,
        workers.register_worker,
        WorkerPayload,
    )
    update_worker_status: WorkerPayload = write_duty(
        "updateWorkerStatus",
        "Move a worker through the lifecycle (e.g. suspend).",
        inputs.UpdateWorkerStatusInput,
        workers.update_worker_status,
        WorkerPayload,
    )
    create_placement: PlacementPayload = write_duty(
        "createPlacement",
        "Place a worker with an employer under an active agreement.",
        inputs.CreatePlacementInput,
        placements.create_placement,
        PlacementPayload,
    )
    confirm_placement_start: PlacementPayload = write_duty(
        "confirmPlacementStart",
        "Confirm that a planned placement started, with the work permit number.",
        inputs.ConfirmPlacementStartInput,
        placements.confirm_placement_start,
        PlacementPayload,
    )
    report_placement_end: PlacementPayload = write_duty(
        "reportPlacementEnd",
        "Report that an active placement ended.",
        inputs.ReportPlacementEndInput,
        placements.report_placement_end,
        PlacementPayload,
    )
    record_crossing: CrossingPayload = write_duty(
        "recordCrossing",
        "Record a worker crossing a border gate.",
        inputs.RecordCrossingInput,
        crossings.record_crossing,
        CrossingPayload,
    )
    record_health_check: HealthCheckPayload = write_duty(
        "recordHealthCheck",
        "Record a health check.",
        inputs.RecordHealthCheckInput,
        checks.record_health_check,
        HealthCheckPayload,
    )
    record_police_clearance: PoliceClearancePayload = write_duty(
        "recordPoliceClearance",
        "Record a police clearance; a clear one moves a registered worker to cleared.",
        inputs.RecordPoliceClearanceInput,
        checks.record_police_clearance,
        PoliceClearancePayload,
    )
    report_incident: IncidentPayload = write_duty(
        "reportIncident",
        "Report an incident about a worker in your jurisdiction.",
        inputs.ReportIncidentInput,
        incidents.report_incident,
        IncidentPayload,
    )
    update_incident: IncidentPayload = write_duty(
        "updateIncident",
        "Update the handling, resolution or status of an incident you are party to.",
        inputs.UpdateIncidentInput,
        incidents.update_incident,
        IncidentPayload,
    )
    create_agreement: AgreementPayload = write_duty(
        "createAgreement",
        "Record a new agreement your province signed.",
        inputs.CreateAgreementInput,
        agreements.create_agreement,
        AgreementPayload,
    )
    update_agreement_status: AgreementPayload = write_duty(
        "updateAgreementStatus",
        "Suspend, end or reactivate an agreement.",
        inputs.UpdateAgreementStatusInput,
        agreements.update_agreement_status,
        AgreementPayload,
    )
    add_talks_minutes: TalksMinutesPayload = write_duty(
        "addTalksMinutes",
        "Add the minutes of a round of talks to an agreement.",
        inputs.AddTalksMinutesInput,
        agreements.add_talks_minutes,
        TalksMinutesPayload,
    )
