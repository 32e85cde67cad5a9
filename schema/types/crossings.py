"""The Crossing type: a worker passing a border gate."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.agreements import BorderGate
from schema.types.enums import Direction, SortDirection, TravelDocument
from schema.types.node import Node, Office, office_of

if TYPE_CHECKING:
    from schema.types.workers import Worker


@strawberry.type(description="A worker passing a border gate, as recorded by the office at the gate.")
class Crossing(Node):
    db: strawberry.Private[models.Crossing]

    @governed("Crossing.worker", requires=["Worker"])
    async def worker(self, info: Info) -> Annotated["Worker", strawberry.lazy("schema.types.workers")] | None:
        from schema.types.workers import Worker

        row = await info.context.loaders.by_id(models.Worker).load(self.db.worker_id)
        return Worker(db=row) if row is not None else None

    @governed("Crossing.gate", requires=["BorderGate"])
    async def gate(self, info: Info) -> BorderGate | None:
        row = await info.context.loaders.by_id(models.BorderGate).load(self.db.gate_id)
        return BorderGate(db=row) if row is not None else None

    @governed("Crossing.direction")
    def direction(self) -> Direction:
        return self.db.direction

    @governed("Crossing.crossedAt")
    def crossed_at(self) -> dt.datetime:
        return self.db.crossed_at

    @governed("Crossing.document", "The travel document used.")
    def document(self) -> TravelDocument:
        return self.db.document

    @governed("Crossing.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return self.db.voided_at

    @governed("Crossing.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return self.db.void_reason

    @governed("Crossing.recordedBy")
    async def recorded_by(self, info: Info) -> Office | None:
        return office_of(await info.context.loaders.by_id(models.Office).load(self.db.recorded_by_office_id))


@strawberry.input
class CrossingFilter:
    direction: Direction | None = governed_input("Crossing.direction")
    gate_code: str | None = governed_input("Crossing.gate")
    worker_id: strawberry.ID | None = governed_input("Crossing.worker")
    crossed_after: dt.datetime | None = governed_input("Crossing.crossedAt", "At or after.")
    crossed_before: dt.datetime | None = governed_input("Crossing.crossedAt", "At or before.")


@strawberry.input(description="Set exactly one field.")
class CrossingOrder:
    crossed_at: SortDirection | None = governed_input("Crossing.crossedAt")
