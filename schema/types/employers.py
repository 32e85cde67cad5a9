"""The Employer type: a Chinese company, its filters and orderings."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import EMPLOYER
from resolvers.bound import default_first, related, value
from schema.context import Info
from schema.fields import governed, governed_input
from schema.types.enums import SortDirection
from schema.types.node import AdministrativeUnit, Node

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="A Chinese company employing Vietnamese workers under an agreement.")
class Employer(Node):
    db: strawberry.Private[models.Employer]

    @governed("Employer.nameZh", "Registered name in Chinese.")
    def name_zh(self) -> str:
        return value(self.db, EMPLOYER["nameZh"])

    @governed("Employer.nameVi", "Name in Vietnamese.")
    def name_vi(self) -> str:
        return value(self.db, EMPLOYER["nameVi"])

    @governed("Employer.socialCreditCode", "18-character unified social credit code.")
    def social_credit_code(self) -> str:
        return value(self.db, EMPLOYER["socialCreditCode"])

    @governed("Employer.county")
    async def county(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, EMPLOYER["county"])

    @governed("Employer.address")
    def address(self) -> str:
        return value(self.db, EMPLOYER["address"])

    @governed("Employer.sector")
    def sector(self) -> str:
        return value(self.db, EMPLOYER["sector"])

    @governed("Employer.contact")
    def contact(self) -> str:
        return value(self.db, EMPLOYER["contact"])

    @governed("Employer.approvedQuota")
    def approved_quota(self) -> int:
        return value(self.db, EMPLOYER["approvedQuota"])

    @governed("Employer.placements", "Newest first; `first` of them.", requires=["Placement"])
    async def placements(
        self, info: Info, first: int = default_first(EMPLOYER["placements"])
    ) -> list[Annotated["Placement", strawberry.lazy("schema.types.placements")]]:
        return await related(info, self.db, EMPLOYER["placements"], first)


@strawberry.input
class EmployerFilter:
    name_contains: str | None = governed_input("Employer.nameVi", "In the Vietnamese or Chinese name.")
    county_code: str | None = governed_input("Employer.county", "Inside this unit.")
    sector: str | None = governed_input("Employer.sector")


@strawberry.input(description="Set exactly one field.")
class EmployerOrder:
    name_vi: SortDirection | None = governed_input("Employer.nameVi")
    approved_quota: SortDirection | None = governed_input("Employer.approvedQuota")
