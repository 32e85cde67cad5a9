"""Pre-departure checks: health checks and police clearances."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import HEALTH_CHECK, POLICE_CLEARANCE
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed
from schema.types.enums import ClearanceResult, HealthResult
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.workers import Worker

WorkerRef = Annotated["Worker", strawberry.lazy("schema.types.workers")]


@strawberry.type(description="A medical examination before or during a placement.")
class HealthCheck(Node):
    db: strawberry.Private[models.HealthCheck]

    @governed("HealthCheck.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await related(info, self.db, HEALTH_CHECK["worker"])

    @governed("HealthCheck.checkedOn")
    def checked_on(self) -> dt.date:
        return value(self.db, HEALTH_CHECK["checkedOn"])

    @governed("HealthCheck.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return value(self.db, HEALTH_CHECK["voidedAt"])

    @governed("HealthCheck.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return value(self.db, HEALTH_CHECK["voidReason"])

    @governed("HealthCheck.result")
    def result(self) -> HealthResult:
        return value(self.db, HEALTH_CHECK["result"])

    @governed("HealthCheck.notes", "Clinical notes: health departments only.")
    def notes(self) -> str | None:
        return value(self.db, HEALTH_CHECK["notes"])


@strawberry.type(description="A police clearance (criminal record check) before departure.")
class PoliceClearance(Node):
    db: strawberry.Private[models.PoliceClearance]

    @governed("PoliceClearance.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await related(info, self.db, POLICE_CLEARANCE["worker"])

    @governed("PoliceClearance.issuedOn")
    def issued_on(self) -> dt.date:
        return value(self.db, POLICE_CLEARANCE["issuedOn"])

    @governed("PoliceClearance.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return value(self.db, POLICE_CLEARANCE["voidedAt"])

    @governed("PoliceClearance.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return value(self.db, POLICE_CLEARANCE["voidReason"])

    @governed("PoliceClearance.result")
    def result(self) -> ClearanceResult:
        return value(self.db, POLICE_CLEARANCE["result"])

    @governed("PoliceClearance.notes", "Police notes: police only.")
    def notes(self) -> str | None:
        return value(self.db, POLICE_CLEARANCE["notes"])
