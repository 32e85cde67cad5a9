"""The Worker type, its filters and its orderings."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from ledger.entries import SEARCHED_BY
from models import AdminUnit
from models.sealing import keyring
from resolvers.pages import nested_first
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.enums import Sex, SortDirection, WorkerStatus
from schema.types.node import AdministrativeUnit, Node, Office, office_of, unit_or_none
from schema.types.officers import Officer, officer_of
from schema.types.procedure import StatusChange

if TYPE_CHECKING:
    from schema.types.checks import HealthCheck, PoliceClearance
    from schema.types.crossings import Crossing
    from schema.types.incidents import Incident
    from schema.types.placements import Placement


@strawberry.type(description="A Vietnamese citizen registered for work across the border.")
class Worker(Node):
    db: strawberry.Private[models.Worker]

    @governed("Worker.fullName", "Full name in Vietnamese, with diacritics.")
    def full_name(self) -> str:
        return self.db.full_name

    @governed("Worker.dateOfBirth")
    def date_of_birth(self) -> dt.date:
        return self.db.date_of_birth

    @governed("Worker.sex")
    def sex(self) -> Sex:
        return self.db.sex

    @governed("Worker.status")
    def status(self) -> WorkerStatus:
        return self.db.status

    @governed("Worker.ethnicity", "Ethnic group (Hmong, Dao, Tày, Giáy, ...).")
    def ethnicity(self) -> str:
        return self.db.ethnicity

    @governed("Worker.nationalIdNumber", "12-digit citizen identity card number (CCCD).")
    def national_id_number(self) -> str:
        return keyring().open(self.db.national_id_sealed) or ""

    @governed("Worker.borderPassNumber", "Border pass (giấy thông hành) number.")
    def border_pass_number(self) -> str | None:
        return keyring().open(self.db.border_pass_sealed)

    @governed("Worker.passportNumber")
    def passport_number(self) -> str | None:
        return keyring().open(self.db.passport_sealed)

    @governed("Worker.phone")
    def phone(self) -> str | None:
        return keyring().open(self.db.phone_sealed)

    @governed("Worker.homeProvince")
    async def home_province(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.home_province_id))

    @governed("Worker.homeDistrict")
    async def home_district(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.home_district_id))

    @governed("Worker.homeCommune")
    async def home_commune(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.home_commune_id))

    @governed("Worker.placements", "Newest first.", requires=["Placement"])
    async def placements(
        self, info: Info
    ) -> list[Annotated["Placement", strawberry.lazy("schema.types.placements")]]:
        from schema.types.placements import Placement

        order = (models.Placement.start_date.desc(), models.Placement.id.desc())
        rows = await info.context.loaders.children(models.Placement, "worker_id", order).load(self.db.id)
        return [Placement(db=r) for r in rows]

    @governed("Worker.crossings", "Newest first; `first` of them (at most 100).", requires=["Crossing"])
    async def crossings(
        self, info: Info, first: int = 20
    ) -> list[Annotated["Crossing", strawberry.lazy("schema.types.crossings")]]:
        from schema.types.crossings import Crossing

        order = (models.Crossing.crossed_at.desc(), models.Crossing.id.desc())
        loader = info.context.loaders.children(models.Crossing, "worker_id", order, nested_first(first))
        return [Crossing(db=r) for r in await loader.load(self.db.id)]

    @governed("Worker.healthChecks", "Newest first.", requires=["HealthCheck"])
    async def health_checks(
        self, info: Info
    ) -> list[Annotated["HealthCheck", strawberry.lazy("schema.types.checks")]]:
        from schema.types.checks import HealthCheck

        order = (models.HealthCheck.checked_on.desc(), models.HealthCheck.id.desc())
        rows = await info.context.loaders.children(models.HealthCheck, "worker_id", order).load(self.db.id)
        return [HealthCheck(db=r) for r in rows]

    @governed("Worker.policeClearances", "Newest first.", requires=["PoliceClearance"])
    async def police_clearances(
        self, info: Info
    ) -> list[Annotated["PoliceClearance", strawberry.lazy("schema.types.checks")]]:
        from schema.types.checks import PoliceClearance

        order = (models.PoliceClearance.issued_on.desc(), models.PoliceClearance.id.desc())
        loader = info.context.loaders.children(models.PoliceClearance, "worker_id", order)
        return [PoliceClearance(db=r) for r in await loader.load(self.db.id)]

    @governed("Worker.incidents", "Newest first.", requires=["Incident"])
    async def incidents(
        self, info: Info
    ) -> list[Annotated["Incident", strawberry.lazy("schema.types.incidents")]]:
        from schema.types.incidents import Incident

        order = (models.Incident.occurred_on.desc(), models.Incident.id.desc())
        rows = await info.context.loaders.children(models.Incident, "worker_id", order).load(self.db.id)
        return [Incident(db=r) for r in rows]

    @governed("Worker.statusHistory", "Every change of status, oldest first, with its cause.")
    async def status_history(self, info: Info) -> list[StatusChange]:
        order = (models.StatusChange.at, models.StatusChange.id)
        rows = await info.context.loaders.children(models.StatusChange, "worker_id", order).load(self.db.id)
        return [StatusChange(db=r) for r in rows]

    @governed("Worker.disclosures", "Who received this worker's data, newest first (the ledger).")
    async def disclosures(self, info: Info, first: int = 50) -> list["Disclosure"]:
        loaders = info.context.loaders
        order = (models.LedgerWorker.entry_id.desc(),)
        rows = await loaders.children(models.LedgerWorker, "worker_id", order, nested_first(first)).load(
            self.db.id
        )
        entries = await loaders.by_id(models.LedgerEntry).load_many([r.entry_id for r in rows])
        offices = await loaders.by_id(models.Office).load_many([e.office_id for e in entries])
        lists = await loaders.by_id(models.LedgerFieldList).load_many([r.field_list_id for r in rows])
        return [
            Disclosure(
                at=e.at,
                office=office_of(o),
                purpose=e.purpose,
                fields=[f for f in fl.fields.split(",") if f and not f.startswith(SEARCHED_BY)],
                searched_by=[
                    f[len(SEARCHED_BY) :] for f in fl.fields.split(",") if f.startswith(SEARCHED_BY)
                ],
                officer=officer_of(e.officer_id, e.officer_name),
                case_ref=e.case_ref,
            )
            for r, e, o, fl in zip(rows, entries, offices, lists, strict=True)
        ]


@strawberry.type(description="One disclosure of a worker's data: who received which fields, when and why.")
class Disclosure:
    at: dt.datetime
    office: Office | None
    purpose: str | None
    fields: list[str] = strawberry.field(description="The fields sent, as Type.field (e.g. Worker.fullName).")
    searched_by: list[str] = strawberry.field(
        description="The fields of a search that matched this worker among a few (Type.field); empty if none."
    )
    officer: Officer | None = strawberry.field(description="The officer who asked; null for a service token.")
    case_ref: str | None = strawberry.field(description="The case the request was made for (X-Case-Ref).")


@strawberry.input(description="Filters combine with AND. Each exists only if you may read its field.")
class WorkerFilter:
    status: list[WorkerStatus] | None = governed_input("Worker.status", "Any of these statuses.")
    full_name_contains: str | None = governed_input("Worker.fullName", "Case-insensitive substring.")
    sex: Sex | None = governed_input("Worker.sex")
    born_after: dt.date | None = governed_input("Worker.dateOfBirth", "Born on or after this date.")
    born_before: dt.date | None = governed_input("Worker.dateOfBirth", "Born on or before this date.")
    ethnicity: str | None = governed_input("Worker.ethnicity")
    national_id_number: str | None = governed_input("Worker.nationalIdNumber", "Exact match.")
    border_pass_number: str | None = governed_input("Worker.borderPassNumber", "Exact match.")
    passport_number: str | None = governed_input("Worker.passportNumber", "Exact match.")
    home_province_code: str | None = governed_input("Worker.homeProvince")
    home_district_code: str | None = governed_input("Worker.homeDistrict")
    home_commune_code: str | None = governed_input("Worker.homeCommune")


@strawberry.input(description="Set exactly one field. Rows with equal keys keep a stable order.")
class WorkerOrder:
    full_name: SortDirection | None = governed_input("Worker.fullName")
    date_of_birth: SortDirection | None = governed_input("Worker.dateOfBirth")
