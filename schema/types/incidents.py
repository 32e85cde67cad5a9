"""The Incident type: a problem that arose, reported by either side, and its handling."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import INCIDENT
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.checks import WorkerRef
from schema.types.enums import IncidentKind, IncidentStatus, SortDirection
from schema.types.node import Node, Office

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="A problem that arose (wage dispute, injury, absconding, violation).")
class Incident(Node):
    db: strawberry.Private[models.Incident]

    @governed("Incident.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await related(info, self.db, INCIDENT["worker"])

    @governed("Incident.placement", requires=["Placement"])
    async def placement(
        self, info: Info
    ) -> Annotated["Placement", strawberry.lazy("schema.types.placements")] | None:
        return await related(info, self.db, INCIDENT["placement"])

    @governed("Incident.kind")
    def kind(self) -> IncidentKind:
        return value(self.db, INCIDENT["kind"])

    @governed("Incident.occurredOn")
    def occurred_on(self) -> dt.date:
        return value(self.db, INCIDENT["occurredOn"])

    @governed("Incident.resolvedOn", "The day the incident was marked resolved.")
    def resolved_on(self) -> dt.date | None:
        return value(self.db, INCIDENT["resolvedOn"])

    @governed("Incident.description")
    def description(self) -> str:
        return value(self.db, INCIDENT["description"])

    @governed("Incident.handling")
    def handling(self) -> str | None:
        return value(self.db, INCIDENT["handling"])

    @governed("Incident.resolution")
    def resolution(self) -> str | None:
        return value(self.db, INCIDENT["resolution"])

    @governed("Incident.status")
    def status(self) -> IncidentStatus:
        return value(self.db, INCIDENT["status"])

    @governed("Incident.reportedBy")
    async def reported_by(self, info: Info) -> Office | None:
        return await related(info, self.db, INCIDENT["reportedBy"])


@strawberry.input
class IncidentFilter:
    status: list[IncidentStatus] | None = governed_input("Incident.status", "Any of these statuses.")
    kind: IncidentKind | None = governed_input("Incident.kind")
    worker_id: strawberry.ID | None = governed_input("Incident.worker")


@strawberry.input(description="Set exactly one field.")
class IncidentOrder:
    occurred_on: SortDirection | None = governed_input("Incident.occurredOn")
