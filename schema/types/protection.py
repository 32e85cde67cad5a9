"""Wage arrears: wages owed to a worker for a period of a placement, reported and settled by either side.

Each case is a record of its own (not a field of the placement), so the yearly evaluation counts
cases, amounts and the days each took to settle.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from bindings.types import WAGE_ARREARS
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed
from schema.types.node import Node, Office

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="Wages owed to a worker for a period of a placement, and what was paid of them.")
class WageArrears(Node):
    db: strawberry.Private[models.WageArrears]

    @governed("WageArrears.placement", requires=["Placement"])
    async def placement(
        self, info: Info
    ) -> Annotated["Placement", strawberry.lazy("schema.types.placements")] | None:
        return await related(info, self.db, WAGE_ARREARS["placement"])

    @governed("WageArrears.periodFrom")
    def period_from(self) -> dt.date:
        return value(self.db, WAGE_ARREARS["periodFrom"])

    @governed("WageArrears.periodTo")
    def period_to(self) -> dt.date:
        return value(self.db, WAGE_ARREARS["periodTo"])

    @governed("WageArrears.amountCny")
    def amount_cny(self) -> Decimal:
        return value(self.db, WAGE_ARREARS["amountCny"])

    @governed("WageArrears.reportedOn")
    def reported_on(self) -> dt.date:
        return value(self.db, WAGE_ARREARS["reportedOn"])

    @governed("WageArrears.reportedBy")
    async def reported_by(self, info: Info) -> Office | None:
        return await related(info, self.db, WAGE_ARREARS["reportedBy"])

    @governed("WageArrears.settledOn")
    def settled_on(self) -> dt.date | None:
        return value(self.db, WAGE_ARREARS["settledOn"])

    @governed("WageArrears.amountSettledCny")
    def amount_settled_cny(self) -> Decimal | None:
        return value(self.db, WAGE_ARREARS["amountSettledCny"])
