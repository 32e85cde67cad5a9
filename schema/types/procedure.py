"""What the procedure shows: requirement sets, status histories, overrides and void marks.

These types carry no policy marks of their own: the field that leads to them (Worker.statusHistory,
Placement.overrides, Agreement.requirements, Crossing.void, ...) is the one the policy decides.
"""

import datetime as dt
from decimal import Decimal

import strawberry

import models
from policies.causes import sees_cause
from schema.context import Info
from schema.types.enums import WorkerStatus
from schema.types.node import Office, office_of


@strawberry.type(description="The rules a placement under an agreement must meet (its gates: borderGates).")
class RequirementSet:
    db: strawberry.Private[models.AgreementRequirements]

    @strawberry.field(description="The first day this set is in force.")
    def valid_from(self) -> dt.date:
        return self.db.valid_from

    @strawberry.field(description="The last day this set was in force; none while it is current.")
    def valid_to(self) -> dt.date | None:
        return self.db.valid_to

    @strawberry.field(description="A CLEAR police clearance at most this many months before the start.")
    def clearance_valid_months(self) -> int:
        return self.db.clearance_valid_months

    @strawberry.field(description="A FIT health check made at most this many months before the start.")
    def health_valid_months(self) -> int:
        return self.db.health_valid_months

    @strawberry.field(description="Age on the start date.")
    def minimum_age(self) -> int:
        return self.db.minimum_age

    @strawberry.field
    def minimum_monthly_wage_cny(self) -> Decimal:
        return self.db.minimum_monthly_wage_cny

    @strawberry.field(
        description="Days a Chinese office still sees a worker after the later of the end of a placement "
        "that started under this set and the worker's return; a cancelled placement: 30 days."
    )
    def partner_access_days(self) -> int:
        return self.db.partner_access_days

    @strawberry.field(
        description="Parts of the worker's protection a placement must record before the exit: "
        "contract, insurance, orientation, recruitment-fees."
    )
    def protection_before_exit(self) -> list[str]:
        return [part for part in (self.db.protection_before_exit or "").split(",") if part]

    @strawberry.field(
        description="How many days before its start the Chinese office may confirm a placement's start "
        "(the worker has exited by then)."
    )
    def confirm_days_before_start(self) -> int:
        return self.db.confirm_days_before_start

    @strawberry.field(description="Rules an office with the duty overrideProcedure may override.")
    def overridable(self) -> list[str]:
        return [rule for rule in self.db.overridable.split(",") if rule]


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

    @strawberry.field(
        description="The write that caused the change (registerWorker, recordCrossing, ...); none when "
        "the office may not read the record that caused it."
    )
    def cause(self, info: Info) -> str | None:
        return self.db.cause if sees_cause(info.context.grant, self.db.cause) else None


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
