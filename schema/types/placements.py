"""The Placement type: a worker employed by an employer under an agreement."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import PLACEMENT
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.enums import PlacementStatus, SortDirection
from schema.types.node import Node
from schema.types.procedure import ProcedureOverride
from schema.types.protection import WageArrears

if TYPE_CHECKING:
    from schema.types.agreements import Agreement
    from schema.types.employers import Employer
    from schema.types.workers import Worker


@strawberry.type(description="A worker's employment with an employer under an agreement.")
class Placement(Node):
    db: strawberry.Private[models.Placement]

    @governed("Placement.worker", requires=["Worker"])
    async def worker(self, info: Info) -> Annotated["Worker", strawberry.lazy("schema.types.workers")] | None:
        return await related(info, self.db, PLACEMENT["worker"])

    @governed("Placement.employer", requires=["Employer"])
    async def employer(
        self, info: Info
    ) -> Annotated["Employer", strawberry.lazy("schema.types.employers")] | None:
        return await related(info, self.db, PLACEMENT["employer"])

    @governed("Placement.agreement", requires=["Agreement"])
    async def agreement(
        self, info: Info
    ) -> Annotated["Agreement", strawberry.lazy("schema.types.agreements")] | None:
        return await related(info, self.db, PLACEMENT["agreement"])

    @governed("Placement.job")
    def job(self) -> str:
        return value(self.db, PLACEMENT["job"])

    @governed("Placement.monthlyWageCny", "Monthly wage in yuan.")
    def monthly_wage_cny(self) -> Decimal:
        return value(self.db, PLACEMENT["monthlyWageCny"])

    @governed("Placement.startDate", "Planned start, replaced by the actual start when confirmed.")
    def start_date(self) -> dt.date:
        return value(self.db, PLACEMENT["startDate"])

    @governed("Placement.endDate")
    def end_date(self) -> dt.date | None:
        return value(self.db, PLACEMENT["endDate"])

    @governed("Placement.status")
    def status(self) -> PlacementStatus:
        return value(self.db, PLACEMENT["status"])

    @governed("Placement.overrides", "Rules overridden to make this placement, with the reasons.")
    async def overrides(self, info: Info) -> list[ProcedureOverride]:
        return await related(info, self.db, PLACEMENT["overrides"])

    @governed("Placement.workPermitNumber", "Chinese work permit number, set when the start is confirmed.")
    def work_permit_number(self) -> str | None:
        return value(self.db, PLACEMENT["workPermitNumber"])

    # The worker's protection (issue 22), recorded with `recordPlacementProtection`.
    @governed("Placement.contractSignedOn")
    def contract_signed_on(self) -> dt.date | None:
        return value(self.db, PLACEMENT["contractSignedOn"])

    @governed("Placement.contractMonths")
    def contract_months(self) -> int | None:
        return value(self.db, PLACEMENT["contractMonths"])

    @governed("Placement.contractWeeklyHours")
    def contract_weekly_hours(self) -> int | None:
        return value(self.db, PLACEMENT["contractWeeklyHours"])

    @governed("Placement.contractWage")
    def contract_wage(self) -> Decimal | None:
        return value(self.db, PLACEMENT["contractWage"])

    @governed("Placement.contractCurrency")
    def contract_currency(self) -> str | None:
        return value(self.db, PLACEMENT["contractCurrency"])

    @governed("Placement.injuryInsurer")
    def injury_insurer(self) -> str | None:
        return value(self.db, PLACEMENT["injuryInsurer"])

    @governed("Placement.injuryPolicyNumber")
    def injury_policy_number(self) -> str | None:
        return value(self.db, PLACEMENT["injuryPolicyNumber"])

    @governed("Placement.injuryInsuranceValidTo")
    def injury_insurance_valid_to(self) -> dt.date | None:
        return value(self.db, PLACEMENT["injuryInsuranceValidTo"])

    @governed("Placement.healthInsurer")
    def health_insurer(self) -> str | None:
        return value(self.db, PLACEMENT["healthInsurer"])

    @governed("Placement.healthPolicyNumber")
    def health_policy_number(self) -> str | None:
        return value(self.db, PLACEMENT["healthPolicyNumber"])

    @governed("Placement.healthInsuranceValidTo")
    def health_insurance_valid_to(self) -> dt.date | None:
        return value(self.db, PLACEMENT["healthInsuranceValidTo"])

    @governed("Placement.orientationOn")
    def orientation_on(self) -> dt.date | None:
        return value(self.db, PLACEMENT["orientationOn"])

    @governed("Placement.orientationProvider")
    def orientation_provider(self) -> str | None:
        return value(self.db, PLACEMENT["orientationProvider"])

    @governed("Placement.recruitmentFeeVnd")
    def recruitment_fee_vnd(self) -> int | None:
        return value(self.db, PLACEMENT["recruitmentFeeVnd"])

    @governed("Placement.recruitmentFeeItems")
    def recruitment_fee_items(self) -> list[str] | None:
        return value(self.db, PLACEMENT["recruitmentFeeItems"])

    @governed("Placement.wageArrears", requires=["WageArrears"])
    async def wage_arrears(self, info: Info) -> list[WageArrears]:
        return await related(info, self.db, PLACEMENT["wageArrears"])


@strawberry.input
class PlacementFilter:
    status: list[PlacementStatus] | None = governed_input("Placement.status", "Any of these statuses.")
    employer_id: strawberry.ID | None = governed_input("Placement.employer")
    agreement_id: strawberry.ID | None = governed_input("Placement.agreement")
    worker_id: strawberry.ID | None = governed_input("Placement.worker")
    started_after: dt.date | None = governed_input("Placement.startDate", "Starting on or after.")
    started_before: dt.date | None = governed_input("Placement.startDate", "Starting on or before.")


@strawberry.input(description="Set exactly one field.")
class PlacementOrder:
    start_date: SortDirection | None = governed_input("Placement.startDate")
