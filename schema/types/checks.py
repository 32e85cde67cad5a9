"""Pre-departure checks: health checks and police clearances."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from models.sealing import keyring
from schema.context import Info
from schema.fields import governed
from schema.types.enums import ClearanceResult, HealthResult
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.workers import Worker

WorkerRef = Annotated["Worker", strawberry.lazy("schema.types.workers")]


async def _worker(info: Info, worker_id: int) -> "Worker | None":
    from schema.types.workers import Worker

    row = await info.context.loaders.by_id(models.Worker).load(worker_id)
    return Worker(db=row) if row is not None else None


@strawberry.type(description="A medical examination before or during a placement.")
class HealthCheck(Node):
    db: strawberry.Private[models.HealthCheck]

    @governed("HealthCheck.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await _worker(info, self.db.worker_id)

    @governed("HealthCheck.checkedOn")
    def checked_on(self) -> dt.date:
        return self.db.checked_on

    @governed("HealthCheck.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return self.db.voided_at

    @governed("HealthCheck.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return self.db.void_reason

    @governed("HealthCheck.result")
    def result(self) -> HealthResult:
        return self.db.result

    @governed("HealthCheck.notes", "Clinical notes: health departments only.")
    def notes(self) -> str | None:
        return keyring().open(self.db.notes_sealed)


@strawberry.type(description="A police clearance (criminal record check) before departure.")
class PoliceClearance(Node):
    db: strawberry.Private[models.PoliceClearance]

    @governed("PoliceClearance.worker", requires=["Worker"])
    async def worker(self, info: Info) -> WorkerRef | None:
        return await _worker(info, self.db.worker_id)

    @governed("PoliceClearance.issuedOn")
    def issued_on(self) -> dt.date:
        return self.db.issued_on

    @governed("PoliceClearance.voidedAt", "Set if voided as a mistake: a void record counts for nothing.")
    def voided_at(self) -> dt.datetime | None:
        return self.db.voided_at

    @governed("PoliceClearance.voidReason", "Why the record was voided.")
    def void_reason(self) -> str | None:
        return self.db.void_reason

    @governed("PoliceClearance.result")
    def result(self) -> ClearanceResult:
        return self.db.result

    @governed("PoliceClearance.notes", "Police notes: police only.")
    def notes(self) -> str | None:
        return keyring().open(self.db.notes_sealed)
