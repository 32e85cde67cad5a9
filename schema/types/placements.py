"""The Placement type: a worker employed by an employer under an agreement."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
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
        from schema.types.workers import Worker

        row = await info.context.loaders.by_id(models.Worker).load(self.db.worker_id)
        return Worker(db=row) if row is not None else None

    @governed("Placement.employer", requires=["Employer"])
    async def employer(
        self, info: Info
    ) -> Annotated["Employer", strawberry.lazy("schema.types.employers")] | None:
        from schema.types.employers import Employer

        row = await info.context.loaders.by_id(models.Employer).load(self.db.employer_id)
        return Employer(db=row) if row is not None else None

    @governed("Placement.agreement", requires=["Agreement"])
    async def agreement(
        self, info: Info
    ) -> Annotated["Agreement", strawberry.lazy("schema.types.agreements")] | None:
        from schema.types.agreements import Agreement

        row = await info.context.loaders.by_id(models.Agreement).load(self.db.agreement_id)
        return Agreement(db=row) if row is not None else None

    @governed("Placement.job")
    def job(self) -> str:
        return self.db.job

    @governed("Placement.monthlyWageCny", "Monthly wage in yuan.")
    def monthly_wage_cny(self) -> Decimal:
        return self.db.monthly_wage_cny

    @governed("Placement.startDate", "Planned start, replaced by the actual start when confirmed.")
    def start_date(self) -> dt.date:
        return self.db.start_date

    @governed("Placement.endDate")
    def end_date(self) -> dt.date | None:
        return self.db.end_date

    @governed("Placement.status")
    def status(self) -> PlacementStatus:
        return self.db.status

    @governed("Placement.overrides", "Rules overridden to make this placement, with the reasons.")
    async def overrides(self, info: Info) -> list[ProcedureOverride]:
        order = (models.ProcedureOverride.id,)
        loader = info.context.loaders.children(models.ProcedureOverride, "placement_id", order)
        return [ProcedureOverride(db=r) for r in await loader.load(self.db.id)]

    @governed("Placement.workPermitNumber", "Chinese work permit number, set when the start is confirmed.")
    def work_permit_number(self) -> str | None:
        return self.db.work_permit_number

    # The worker's protection (issue 22), recorded with `recordPlacementProtection`.
    @governed("Placement.contractSignedOn")
    def contract_signed_on(self) -> dt.date | None:
        return self.db.contract_signed_on

    @governed("Placement.contractMonths")
    def contract_months(self) -> int | None:
        return self.db.contract_months

    @governed("Placement.contractWeeklyHours")
    def contract_weekly_hours(self) -> int | None:
        return self.db.contract_weekly_hours

    @governed("Placement.contractWage")
    def contract_wage(self) -> Decimal | None:
        return self.db.contract_wage

    @governed("Placement.contractCurrency")
    def contract_currency(self) -> str | None:
        return self.db.contract_currency

    @governed("Placement.injuryInsurer")
    def injury_insurer(self) -> str | None:
        return self.db.injury_insurer

    @governed("Placement.injuryPolicyNumber")
    def injury_policy_number(self) -> str | None:
        return self.db.injury_policy_number

    @governed("Placement.injuryInsuranceValidTo")
    def injury_insurance_valid_to(self) -> dt.date | None:
        return self.db.injury_insurance_valid_to

    @governed("Placement.healthInsurer")
    def health_insurer(self) -> str | None:
        return self.db.health_insurer

    @governed("Placement.healthPolicyNumber")
    def health_policy_number(self) -> str | None:
        return self.db.health_policy_number

    @governed("Placement.healthInsuranceValidTo")
    def health_insurance_valid_to(self) -> dt.date | None:
        return self.db.health_insurance_valid_to

    @governed("Placement.orientationOn")
    def orientation_on(self) -> dt.date | None:
        return self.db.orientation_on

    @governed("Placement.orientationProvider")
    def orientation_provider(self) -> str | None:
        return self.db.orientation_provider

    @governed("Placement.recruitmentFeeVnd")
    def recruitment_fee_vnd(self) -> int | None:
        return self.db.recruitment_fee_vnd

    @governed("Placement.recruitmentFeeItems")
    def recruitment_fee_items(self) -> list[str] | None:
        items = self.db.recruitment_fee_items
        return None if items is None else [item for item in items.split(",") if item]

    @governed("Placement.wageArrears", requires=["WageArrears"])
    async def wage_arrears(self, info: Info) -> list[WageArrears]:
        order = (models.WageArrears.period_from, models.WageArrears.id)
        loader = info.context.loaders.children(models.WageArrears, "placement_id", order)
        return [WageArrears(db=r) for r in await loader.load(self.db.id)]


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
