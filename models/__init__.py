"""The registry's tables (SQLAlchemy 2, typed). Importing this package registers them all."""

from models.agreements import Agreement, AgreementStatus, BorderGate, TalksMinutes, agreement_gates
from models.base import Base
from models.checks import ClearanceResult, HealthCheck, HealthResult, PoliceClearance
from models.crossings import Crossing, Direction, TravelDocument
from models.data_version import DataVersion
from models.employers import Employer
from models.evaluation import ActionItem, ActionItemStatus, OfficeSigningKey, ReportSignature
from models.events import DueAlert, EventRecord, Lease, Webhook
from models.incidents import Incident, IncidentKind, IncidentStatus
from models.ledger import LedgerEntry, LedgerFieldList, LedgerHead, LedgerWorker
from models.offices import Office, Side, Token
from models.placements import Placement, PlacementStatus, WageArrears
from models.procedure import AgreementRequirements, Correction, ProcedureOverride, StatusChange
from models.rate_buckets import RateBucket
from models.retention import RetentionHold
from models.units import AdminUnit, Country, UnitClosure, UnitLevel, rebuild_unit_closure
from models.worker_counts import WorkerCount
from models.workers import Sex, Worker, WorkerStatus

__all__ = [
    "ActionItem",
    "ActionItemStatus",
    "OfficeSigningKey",
    "ReportSignature",
    "RateBucket",
    "DataVersion",
    "AgreementRequirements",
    "Correction",
    "ProcedureOverride",
    "StatusChange",
    "AdminUnit",
    "Agreement",
    "AgreementStatus",
    "Base",
    "LedgerEntry",
    "LedgerFieldList",
    "LedgerHead",
    "LedgerWorker",
    "BorderGate",
    "ClearanceResult",
    "Country",
    "Crossing",
    "Direction",
    "Employer",
    "DueAlert",
    "EventRecord",
    "Lease",
    "Webhook",
    "HealthCheck",
    "HealthResult",
    "Incident",
    "IncidentKind",
    "IncidentStatus",
    "Office",
    "Placement",
    "PlacementStatus",
    "PoliceClearance",
    "RetentionHold",
    "Sex",
    "Side",
    "TalksMinutes",
    "Token",
    "TravelDocument",
    "UnitClosure",
    "UnitLevel",
    "Worker",
    "WorkerCount",
    "WorkerStatus",
    "WageArrears",
    "agreement_gates",
    "rebuild_unit_closure",
]
