"""What the procedure shows: requirement sets, status histories, overrides and void marks.

These types carry no policy marks of their own: the field that leads to them (Worker.statusHistory,
Placement.overrides, Agreement.requirements, Crossing.void, ...) is the one the policy decides.
"""

import datetime as dt
from decimal import Decimal

import strawberry

import models
from bindings.types import PROCEDURE_OVERRIDE, REQUIREMENT_SET, STATUS_CHANGE
from resolvers.bound import cause, related, value
from schema.context import Info
from schema.types.enums import WorkerStatus
from schema.types.node import Office


@strawberry.type(description="The rules a placement under an agreement must meet (its gates: borderGates).")
class RequirementSet:
    db: strawberry.Private[models.AgreementRequirements]

    @strawberry.field(description="The first day this set is in force.")
    def valid_from(self) -> dt.date:
        return value(self.db, REQUIREMENT_SET["validFrom"])

    @strawberry.field(description="The last day this set was in force; none while it is current.")
    def valid_to(self) -> dt.date | None:
        return value(self.db, REQUIREMENT_SET["validTo"])

    @strawberry.field(description="A CLEAR police clearance at most this many months before the start.")
    def clearance_valid_months(self) -> int:
        return value(self.db, REQUIREMENT_SET["clearanceValidMonths"])

    @strawberry.field(description="A FIT health check made at most this many months before the start.")
    def health_valid_months(self) -> int:
        return value(self.db, REQUIREMENT_SET["healthValidMonths"])

    @strawberry.field(description="Age on the start date.")
    def minimum_age(self) -> int:
        return value(self.db, REQUIREMENT_SET["minimumAge"])

    @strawberry.field
    def minimum_monthly_wage_cny(self) -> Decimal:
        return value(self.db, REQUIREMENT_SET["minimumMonthlyWageCny"])

    @strawberry.field(
        description="Days a Chinese office still sees a worker after the later of the end of a placement "
        "that started under this set and the worker's return; a cancelled placement: 30 days."
    )
    def partner_access_days(self) -> int:
        return value(self.db, REQUIREMENT_SET["partnerAccessDays"])

    @strawberry.field(
        description="Parts of the worker's protection a placement must record before the exit: "
        "contract, insurance, orientation, recruitment-fees."
    )
    def protection_before_exit(self) -> list[str]:
        return value(self.db, REQUIREMENT_SET["protectionBeforeExit"])

    @strawberry.field(
        description="How many days before its start the Chinese office may confirm a placement's start "
        "(the worker has exited by then)."
    )
    def confirm_days_before_start(self) -> int:
        return value(self.db, REQUIREMENT_SET["confirmDaysBeforeStart"])

    @strawberry.field(description="Rules an office with the duty overrideProcedure may override.")
    def overridable(self) -> list[str]:
        return value(self.db, REQUIREMENT_SET["overridable"])


@strawberry.type(description="One change of a worker's status: what caused it, who, when and why.")
class StatusChange:
    db: strawberry.Private[models.StatusChange]

    @strawberry.field(description="The status the worker moved to.")
    def status(self) -> WorkerStatus:
        return value(self.db, STATUS_CHANGE["status"])

    @strawberry.field(name="from", description="The status before; none for the registration.")
    def from_(self) -> WorkerStatus | None:
        return value(self.db, STATUS_CHANGE["from"])

    @strawberry.field
    def at(self) -> dt.datetime:
        return value(self.db, STATUS_CHANGE["at"])

    @strawberry.field
    async def office(self, info: Info) -> Office | None:
        return await related(info, self.db, STATUS_CHANGE["office"])

    @strawberry.field(description="Given for a change made by hand.")
    def reason(self) -> str | None:
        return value(self.db, STATUS_CHANGE["reason"])

    @strawberry.field(
        description="The write that caused the change (registerWorker, recordCrossing, ...); none when "
        "the office may not read the record that caused it."
    )
    def cause(self, info: Info) -> str | None:
        return cause(info.context.grant, self.db, STATUS_CHANGE["cause"])


@strawberry.type(description="A rule overridden, by whom, when and why.")
class ProcedureOverride:
    db: strawberry.Private[models.ProcedureOverride]

    @strawberry.field(description="The rules overridden (e.g. employer-quota, clearance-age).")
    def rules(self) -> list[str]:
        return value(self.db, PROCEDURE_OVERRIDE["rules"])

    @strawberry.field
    def reason(self) -> str:
        return value(self.db, PROCEDURE_OVERRIDE["reason"])

    @strawberry.field
    def at(self) -> dt.datetime:
        return value(self.db, PROCEDURE_OVERRIDE["at"])

    @strawberry.field
    async def office(self, info: Info) -> Office | None:
        return await related(info, self.db, PROCEDURE_OVERRIDE["office"])
