"""What a mutation answers: the record written, or the errors that refused it (nothing written).

Each payload is a plain class with one node field and `errors`, so type checkers see it as it is;
the node field exists only for offices that see its type (a write never discloses a type the
office may not read).
"""

from typing import Any

import strawberry

from models.opaque import encode_id
from schema.fields import REQUIRES
from schema.types.agreements import Agreement, TalksMinutes
from schema.types.checks import HealthCheck, PoliceClearance
from schema.types.crossings import Crossing
from schema.types.employers import Employer
from schema.types.evaluation import ActionItem, ReportSignature
from schema.types.incidents import Incident
from schema.types.node import office_of
from schema.types.placements import Placement
from schema.types.protection import WageArrears
from schema.types.workers import Worker


@strawberry.type(description="Why a write was refused; `field` names the input field (camelCase).")
class UserError:
    field: str | None
    message: str
    code: str


def _node(type_name: str) -> Any:
    return strawberry.field(default=None, metadata={REQUIRES: (type_name,)})


@strawberry.type
class Payload:
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Empty if the write was made; else every reason it was refused."
    )

    @classmethod
    def answer(cls, row: Any) -> "Payload":
        """The payload for a row written: its one field besides `errors` wraps the row."""
        field = next(f for f in cls.__strawberry_definition__.fields if f.python_name != "errors")  # type: ignore[attr-defined]
        return cls(**{field.python_name: field.type.of_type(db=row)})


@strawberry.type(description="The Worker written, or the errors that refused it.")
class WorkerPayload(Payload):
    worker: Worker | None = _node("Worker")


@strawberry.type(description="The Placement written, or the errors that refused it.")
class PlacementPayload(Payload):
    placement: Placement | None = _node("Placement")


@strawberry.type(description="The WageArrears written, or the errors that refused it.")
class WageArrearsPayload(Payload):
    wage_arrears: WageArrears | None = _node("WageArrears")


@strawberry.type(description="The Crossing written, or the errors that refused it.")
class CrossingPayload(Payload):
    crossing: Crossing | None = _node("Crossing")


@strawberry.type(description="The HealthCheck written, or the errors that refused it.")
class HealthCheckPayload(Payload):
    health_check: HealthCheck | None = _node("HealthCheck")


@strawberry.type(description="The PoliceClearance written, or the errors that refused it.")
class PoliceClearancePayload(Payload):
    police_clearance: PoliceClearance | None = _node("PoliceClearance")


@strawberry.type(description="The Incident written, or the errors that refused it.")
class IncidentPayload(Payload):
    incident: Incident | None = _node("Incident")


@strawberry.type(description="The Agreement written, or the errors that refused it.")
class AgreementPayload(Payload):
    agreement: Agreement | None = _node("Agreement")


@strawberry.type(description="The TalksMinutes written, or the errors that refused it.")
class TalksMinutesPayload(Payload):
    talks_minutes: TalksMinutes | None = _node("TalksMinutes")


@strawberry.type(description="The Employer written, or the errors that refused it.")
class EmployerPayload(Payload):
    employer: Employer | None = _node("Employer")


@strawberry.type(description="The record voided, or the errors that refused it.")
class VoidRecordPayload(Payload):
    record_id: strawberry.ID | None = strawberry.field(default=None, description="The record now void.")

    @classmethod
    def answer(cls, row: Any) -> "Payload":
        return cls(record_id=strawberry.ID(encode_id(type(row).__name__, row.id)))


@strawberry.type(description="The hold recorded, or the errors that refused it.")
class HoldRecordPayload(Payload):
    hold_id: strawberry.ID | None = strawberry.field(default=None, description="The hold now in force.")

    @classmethod
    def answer(cls, row: Any) -> "Payload":
        return cls(hold_id=strawberry.ID(encode_id(type(row).__name__, row.id)))


@strawberry.type(description="The signature stored, or the errors that refused it.")
class SignReportPayload(Payload):
    signature: ReportSignature | None = strawberry.field(default=None)

    @classmethod
    def answer(cls, row: Any) -> "Payload":
        office = office_of(row.office)
        assert office is not None  # a signature's office is a foreign key
        # Stored only once it verified over the figures' digest of the moment: valid.
        return cls(signature=ReportSignature(office=office, signed_at=row.signed_at, valid=True))


@strawberry.type(description="The ActionItem written, or the errors that refused it.")
class ActionItemPayload(Payload):
    action_item: ActionItem | None = strawberry.field(default=None)
