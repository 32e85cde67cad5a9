"""The Crossing type: a worker passing a border gate."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import CROSSING
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.agreements import BorderGate
from schema.types.enums import Direction, SortDirection, TravelDocument
from schema.types.node import Node, Office

if TYPE_CHECKING:
    from schema.types.workers import Worker


@strawberry.type(description="A worker passing a border gate, as recorded by the office at the gate.")
class Crossing(Node):
    db: strawberry.Private[models.Crossing]

    @governed("Crossing.worker", requires=["Worker"])
    async def worker(self, info: Info) -> Annotated["Worker", strawberry.lazy("schema.types.workers")] | None:
        return await related(info, self.db, CROSSING["worker"])

    @governed("Crossing.gate", requires=["BorderGate"])
    async def gate(self, info: Info) -> BorderGate | None:
        return await related(info, self.db, CROSSING["gate"])

    @governed("Crossing.direction")
    def direction(self) -> Direction:
        return value(self.db, CROSSING["direction"])

    @governed("Crossing.crossedAt")
    def crossed_at(self) -> dt.datetime:
        return value(self.db, CROSSING["crossedAt"])

    @governed("Crossing.document", "The travel document used.")
    def document(self) -> TravelDocument:
        return value(self.db, CROSSING["document"])

    @governed("Crossing.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return value(self.db, CROSSING["voidedAt"])

    @governed("Crossing.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return value(self.db, CROSSING["voidReason"])

    @governed("Crossing.recordedBy")
    async def recorded_by(self, info: Info) -> Office | None:
        return await related(info, self.db, CROSSING["recordedBy"])


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
