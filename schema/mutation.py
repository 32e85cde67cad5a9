"""The root Mutation type: one mutation per write duty of DOMAIN.md, each declared in one line.

How every mutation runs (duty check, savepoint, errors, ledger) is `schema.writing.write_duty`.
"""

import strawberry

from resolvers.writes import (
    actions,
    agreements,
    checks,
    crossings,
    employers,
    holds,
    incidents,
    lifecycle,
    placements,
    protection,
    requirements,
    signatures,
    voids,
    workers,
)
from schema import inputs
from schema.payloads import (
    ActionItemPayload,
    AgreementPayload,
    CrossingPayload,
    EmployerPayload,
    HealthCheckPayload,
    HoldRecordPayload,
    IncidentPayload,
    PlacementPayload,
    PoliceClearancePayload,
    SignReportPayload,
    TalksMinutesPayload,
    VoidRecordPayload,
    WageArrearsPayload,
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
    change_worker_status: WorkerPayload = write_duty(
        "changeWorkerStatus",
        "Change a worker's status by hand (suspend, lift a suspension, correct an error), with a reason.",
        inputs.ChangeWorkerStatusInput,
        lifecycle.change_worker_status,
        WorkerPayload,
    )
    update_worker: WorkerPayload = write_duty(
        "updateWorker",
        "Correct a worker's name, numbers or phone, with a reason.",
        inputs.UpdateWorkerInput,
        workers.update_worker,
        WorkerPayload,
    )
    create_placement: PlacementPayload = write_duty(
        "createPlacement",
        "Place a worker with an employer under an active agreement.",
        inputs.CreatePlacementInput,
        placements.create_placement,
        PlacementPayload,
    )
    cancel_placement: PlacementPayload = write_duty(
        "cancelPlacement",
        "Cancel a planned placement, with a reason; it is kept as CANCELLED.",
        inputs.CancelPlacementInput,
        placements.cancel_placement,
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
    record_placement_protection: PlacementPayload = write_duty(
        "recordPlacementProtection",
        "Record the worker's contract, insurance, orientation or recruitment fees on a placement.",
        inputs.RecordPlacementProtectionInput,
        protection.record_placement_protection,
        PlacementPayload,
    )
    report_wage_arrears: WageArrearsPayload = write_duty(
        "reportWageArrears",
        "Report wages owed to a worker for a period of a placement.",
        inputs.ReportWageArrearsInput,
        protection.report_wage_arrears,
        WageArrearsPayload,
    )
    settle_wage_arrears: WageArrearsPayload = write_duty(
        "settleWageArrears",
        "Record that wage arrears were settled, and what was paid.",
        inputs.SettleWageArrearsInput,
        protection.settle_wage_arrears,
        WageArrearsPayload,
    )
    record_crossing: CrossingPayload = write_duty(
        "recordCrossing",
        "Record a worker crossing a border gate.",
        inputs.RecordCrossingInput,
        crossings.record_crossing,
        CrossingPayload,
    )
    void_record: VoidRecordPayload = write_duty(
        "voidRecord",
        "Void a mistaken crossing, health check or clearance, with a reason; it is kept and shown as void.",
        inputs.VoidRecordInput,
        voids.void_record,
        VoidRecordPayload,
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
        "Record a police clearance; with a fit health check, a clear one makes the worker cleared.",
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
    add_action_item: ActionItemPayload = write_duty(
        "addActionItem",
        "Add an action item to talks minutes: the task in each language, its owner office and due date.",
        inputs.AddActionItemInput,
        actions.add_action_item,
        ActionItemPayload,
    )
    update_action_item: ActionItemPayload = write_duty(
        "updateActionItem",
        "Follow up an action item: its status, follow-up notes or due date, kept as a correction.",
        inputs.UpdateActionItemInput,
        actions.update_action_item,
        ActionItemPayload,
    )
    sign_report: SignReportPayload = write_duty(
        "signReport",
        "Sign an agreement's figures for a year with your office's enrolled key (a focal office).",
        inputs.SignReportInput,
        signatures.sign_report,
        SignReportPayload,
    )
    update_agreement_requirements: AgreementPayload = write_duty(
        "updateAgreementRequirements",
        "Change the requirements placements under an agreement must meet.",
        inputs.UpdateAgreementRequirementsInput,
        requirements.update_agreement_requirements,
        AgreementPayload,
    )
    register_employer: EmployerPayload = write_duty(
        "registerEmployer",
        "Register an employer in your jurisdiction (or a region of your agreements).",
        inputs.RegisterEmployerInput,
        employers.register_employer,
        EmployerPayload,
    )
    update_employer: EmployerPayload = write_duty(
        "updateEmployer",
        "Correct an employer's details, with a reason; the quota needs the duty setEmployerQuota.",
        inputs.UpdateEmployerInput,
        employers.update_employer,
        EmployerPayload,
    )
    hold_record: HoldRecordPayload = write_duty(
        "holdRecord",
        "Keep a worker's personal data past its retention period, with a reason, until a day or with no end.",
        inputs.HoldRecordInput,
        holds.hold_record,
        HoldRecordPayload,
    )
