"""What the procedure shows: requirement sets, status histories, overrides and void marks.

These types carry no policy marks of their own: the field that leads to them (Worker.statusHistory,
Placement.overrides, Agreement.requirements, Crossing.void, ...) is the one the policy decides.
"""

import datetime as dt
from decimal import Decimal

import strawberry

import models
from procedure import Requirements
from schema.context import Info
from schema.types.enums import WorkerStatus
from schema.types.node import Office, office_of


@strawberry.type(description="The rules a placement under an agreement must meet.")
class RequirementSet:
    clearance_valid_months: int = strawberry.field(
        description="A CLEAR police clearance issued at most this many months before the start."
    )
    health_valid_months: int = strawberry.field(
        description="A FIT health check made at most this many months before the start."
    )
    minimum_age: int = strawberry.field(description="Age on the start date.")
    minimum_monthly_wage_cny: Decimal
    overridable: list[str] = strawberry.field(
        description="Rules an office with the duty overrideProcedure may override, with a reason."
    )
    gate_codes: list[str] = strawberry.field(description="The gates through which workers may leave.")

    @classmethod
    def of(cls, req: Requirements, gate_codes: list[str]) -> "RequirementSet":
        return cls(
            clearance_valid_months=req.clearance_valid_months,
            health_valid_months=req.health_valid_months,
            minimum_age=req.minimum_age,
            minimum_monthly_wage_cny=req.minimum_monthly_wage_cny,
            overridable=sorted(req.overridable),
            gate_codes=sorted(gate_codes),
        )


async def _office(info: Info, office_id: int | None) -> Office | None:
    if office_id is None:
        return None
    return office_of(await info.context.loaders.by_id(models.Office).load(office_id))


@strawberry.type(description="One change of a worker's status: what caused it, who, when and why.")
class StatusChange:
    db: strawberry.Private[models.StatusChange]

    @strawberry.field(description="The status the worker moved to.")
    def status(self) -> WorkerStatus:
        return self.db.to_status

    @strawberry.field(name="from", description="The status before; none for the registration.")
    def from_(self) -> WorkerStatus | None:
        return self.db.from_status

    @strawberry.field
    def at(self) -> dt.datetime:
        return self.db.at

    @strawberry.field
    async def office(self, info: Info) -> Office | None:
        return await _office(info, self.db.office_id)

    @strawberry.field(description="Given for a change made by hand.")
    def reason(self) -> str | None:
        return self.db.reason

    @strawberry.field(description="The write that caused the change (registerWorker, recordCrossing, ...).")
    def cause(self) -> str:
        return self.db.cause


@strawberry.type(description="A rule overridden, by whom, when and why.")
class ProcedureOverride:
    db: strawberry.Private[models.ProcedureOverride]

    @strawberry.field(description="The rules overridden (e.g. employer-quota, clearance-age).")
    def rules(self) -> list[str]:
        return self.db.rules.split(",")

    @strawberry.field
    def reason(self) -> str:
        return self.db.reason

    @strawberry.field
    def at(self) -> dt.datetime:
        return self.db.at

    @strawberry.field
    async def office(self, info: Info) -> Office | None:
        return await _office(info, self.db.office_id)


@strawberry.type(description="A record voided as a mistake: kept, and never counted by the rules.")
class Void:
    at: dt.datetime
    reason: str
    office: Office | None


async def void_of(
    info: Info, row: models.Crossing | models.HealthCheck | models.PoliceClearance
) -> Void | None:
    if row.voided_at is None:
        return None
    return Void(
        at=row.voided_at, reason=row.void_reason or "", office=await _office(info, row.voided_by_office_id)
    )
