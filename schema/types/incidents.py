"""The Incident type: a problem that arose, reported by either side, and its handling."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.checks import WorkerRef, _worker
from schema.types.enums import IncidentKind, IncidentStatus, SortDirection
from schema.types.node import Node, Office, office_of

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="A problem that arose (wage dispute, injury, absconding, violation).")
class Incident(Node):
    db: strawberry.Private[models.Incident]

    @governed("Incident.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await _worker(info, self.db.worker_id)

    @governed("Incident.placement", requires=["Placement"])
    async def placement(
        self, info: Info
    ) -> Annotated["Placement", strawberry.lazy("schema.types.placements")] | None:
        from schema.types.placements import Placement

        if self.db.placement_id is None:
            return None
        row = await info.context.loaders.by_id(models.Placement).load(self.db.placement_id)
        return Placement(db=row) if row is not None else None

    @governed("Incident.kind")
    def kind(self) -> IncidentKind:
        return self.db.kind

    @governed("Incident.occurredOn")
    def occurred_on(self) -> dt.date:
        return self.db.occurred_on

    @governed("Incident.resolvedOn", "The day the incident was marked resolved.")
    def resolved_on(self) -> dt.date | None:
        return self.db.resolved_on

    @governed("Incident.description")
    def description(self) -> str:
        return self.db.description

    @governed("Incident.handling")
    def handling(self) -> str | None:
        return self.db.handling

    @governed("Incident.resolution")
    def resolution(self) -> str | None:
        return self.db.resolution

    @governed("Incident.status")
    def status(self) -> IncidentStatus:
        return self.db.status

    @governed("Incident.reportedBy")
    async def reported_by(self, info: Info) -> Office | None:
        return office_of(await info.context.loaders.by_id(models.Office).load(self.db.reported_by_office_id))


@strawberry.input
class IncidentFilter:
    status: list[IncidentStatus] | None = governed_input("Incident.status", "Any of these statuses.")
    kind: IncidentKind | None = governed_input("Incident.kind")
    worker_id: strawberry.ID | None = governed_input("Incident.worker")


@strawberry.input(description="Set exactly one field.")
class IncidentOrder:
    occurred_on: SortDirection | None = governed_input("Incident.occurredOn")
