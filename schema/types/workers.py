"""The Worker type, its filters and its orderings."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import DISCLOSURE, WORKER
from resolvers.bound import default_first, related, value
from resolvers.pages import nested_first
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.enums import Sex, SortDirection, WorkerStatus
from schema.types.node import AdministrativeUnit, Node, Office, office_of
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
        return value(self.db, WORKER["fullName"])

    @governed("Worker.dateOfBirth")
    def date_of_birth(self) -> dt.date:
        return value(self.db, WORKER["dateOfBirth"])

    @governed("Worker.sex")
    def sex(self) -> Sex:
        return value(self.db, WORKER["sex"])

    @governed("Worker.status")
    def status(self) -> WorkerStatus:
        return value(self.db, WORKER["status"])

    @governed("Worker.ethnicity", "Ethnic group (Hmong, Dao, Tày, Giáy, ...).")
    def ethnicity(self) -> str:
        return value(self.db, WORKER["ethnicity"])

    @governed("Worker.nationalIdNumber", "12-digit citizen identity card number (CCCD).")
    def national_id_number(self) -> str:
        return value(self.db, WORKER["nationalIdNumber"])

    @governed("Worker.borderPassNumber", "Border pass (giấy thông hành) number.")
    def border_pass_number(self) -> str | None:
        return value(self.db, WORKER["borderPassNumber"])

    @governed("Worker.passportNumber")
    def passport_number(self) -> str | None:
        return value(self.db, WORKER["passportNumber"])

    @governed("Worker.phone")
    def phone(self) -> str | None:
        return value(self.db, WORKER["phone"])

    @governed("Worker.homeProvince")
    async def home_province(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, WORKER["homeProvince"])

    @governed("Worker.homeDistrict")
    async def home_district(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, WORKER["homeDistrict"])

    @governed("Worker.homeCommune")
    async def home_commune(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, WORKER["homeCommune"])

    @governed("Worker.placements", "Newest first.", requires=["Placement"])
    async def placements(
        self, info: Info
    ) -> list[Annotated["Placement", strawberry.lazy("schema.types.placements")]]:
        return await related(info, self.db, WORKER["placements"])

    @governed("Worker.crossings", "Newest first; `first` of them (at most 100).", requires=["Crossing"])
    async def crossings(
        self, info: Info, first: int = default_first(WORKER["crossings"])
    ) -> list[Annotated["Crossing", strawberry.lazy("schema.types.crossings")]]:
        return await related(info, self.db, WORKER["crossings"], first)

    @governed("Worker.healthChecks", "Newest first.", requires=["HealthCheck"])
    async def health_checks(
        self, info: Info
    ) -> list[Annotated["HealthCheck", strawberry.lazy("schema.types.checks")]]:
        return await related(info, self.db, WORKER["healthChecks"])

    @governed("Worker.policeClearances", "Newest first.", requires=["PoliceClearance"])
    async def police_clearances(
        self, info: Info
    ) -> list[Annotated["PoliceClearance", strawberry.lazy("schema.types.checks")]]:
        return await related(info, self.db, WORKER["policeClearances"])

    @governed("Worker.incidents", "Newest first.", requires=["Incident"])
    async def incidents(
        self, info: Info
    ) -> list[Annotated["Incident", strawberry.lazy("schema.types.incidents")]]:
        return await related(info, self.db, WORKER["incidents"])

    @governed("Worker.statusHistory", "Every change of status, oldest first, with its cause.")
    async def status_history(self, info: Info) -> list[StatusChange]:
        return await related(info, self.db, WORKER["statusHistory"])

    @governed("Worker.disclosures", "Who received this worker's data, newest first (the ledger).")
    async def disclosures(
        self, info: Info, first: int = default_first(WORKER["disclosures"])
    ) -> list["Disclosure"]:
        """Not read by `related`: the binding's rows are the ledger's per-worker rows joined to their
        entry and field list by a statement of their own (`bindings.types._ledger_rows`), which the
        loaders have no table for. So the same rows, newest entry first, come through three loaders,
        and each field of a disclosure is read from the one that holds it by its binding."""
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
                at=value(e, DISCLOSURE["at"]),
                office=office_of(o),
                purpose=value(e, DISCLOSURE["purpose"]),
                fields=value(fl, DISCLOSURE["fields"]),
                searched_by=value(fl, DISCLOSURE["searchedBy"]),
                officer=officer_of(e.officer_id, e.officer_name),
                case_ref=value(e, DISCLOSURE["caseRef"]),
            )
            for e, o, fl in zip(entries, offices, lists, strict=True)
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
