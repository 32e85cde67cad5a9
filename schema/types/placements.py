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
