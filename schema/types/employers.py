"""The Employer type: a Chinese company, its filters and orderings."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from models import AdminUnit
from resolvers.pages import nested_first
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.enums import SortDirection
from schema.types.node import AdministrativeUnit, Node, unit_or_none

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="A Chinese company employing Vietnamese workers under an agreement.")
class Employer(Node):
    db: strawberry.Private[models.Employer]

    @governed("Employer.nameZh", "Registered name in Chinese.")
    def name_zh(self) -> str:
        return self.db.name_zh

    @governed("Employer.nameVi", "Name in Vietnamese.")
    def name_vi(self) -> str:
        return self.db.name_vi

    @governed("Employer.socialCreditCode", "18-character unified social credit code.")
    def social_credit_code(self) -> str:
        return self.db.social_credit_code

    @governed("Employer.county")
    async def county(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.county_id))

    @governed("Employer.address")
    def address(self) -> str:
        return self.db.address

    @governed("Employer.sector")
    def sector(self) -> str:
        return self.db.sector

    @governed("Employer.contact")
    def contact(self) -> str:
        return self.db.contact

    @governed("Employer.approvedQuota")
    def approved_quota(self) -> int:
        return self.db.approved_quota

    @governed("Employer.placements", "Newest first; `first` of them.", requires=["Placement"])
    async def placements(
        self, info: Info, first: int = 50
    ) -> list[Annotated["Placement", strawberry.lazy("schema.types.placements")]]:
        from schema.types.placements import Placement

        order = (models.Placement.start_date.desc(), models.Placement.id.desc())
        loader = info.context.loaders.children(models.Placement, "employer_id", order, nested_first(first))
        return [Placement(db=r) for r in await loader.load(self.db.id)]


@strawberry.input
class EmployerFilter:
    name_contains: str | None = governed_input("Employer.nameVi", "In the Vietnamese or Chinese name.")
    county_code: str | None = governed_input("Employer.county", "Inside this unit.")
    sector: str | None = governed_input("Employer.sector")


@strawberry.input(description="Set exactly one field.")
class EmployerOrder:
    name_vi: SortDirection | None = governed_input("Employer.nameVi")
    approved_quota: SortDirection | None = governed_input("Employer.approvedQuota")
