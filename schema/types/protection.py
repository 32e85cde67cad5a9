"""Wage arrears: wages owed to a worker for a period of a placement, reported and settled by either side.

Each case is a record of its own (not a field of the placement), so the yearly evaluation counts
cases, amounts and the days each took to settle.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from schema.context import Info
from schema.fields import governed
from schema.types.node import Node, Office, office_of

if TYPE_CHECKING:
    from schema.types.placements import Placement


@strawberry.type(description="Wages owed to a worker for a period of a placement, and what was paid of them.")
class WageArrears(Node):
    db: strawberry.Private[models.WageArrears]

    @governed("WageArrears.placement", requires=["Placement"])
    async def placement(
        self, info: Info
    ) -> Annotated["Placement", strawberry.lazy("schema.types.placements")] | None:
        from schema.types.placements import Placement

        row = await info.context.loaders.by_id(models.Placement).load(self.db.placement_id)
        return Placement(db=row) if row is not None else None

    @governed("WageArrears.periodFrom")
    def period_from(self) -> dt.date:
        return self.db.period_from

    @governed("WageArrears.periodTo")
    def period_to(self) -> dt.date:
        return self.db.period_to

    @governed("WageArrears.amountCny")
    def amount_cny(self) -> Decimal:
        return self.db.amount_cny

    @governed("WageArrears.reportedOn")
    def reported_on(self) -> dt.date:
        return self.db.reported_on

    @governed("WageArrears.reportedBy")
    async def reported_by(self, info: Info) -> Office | None:
        return office_of(await info.context.loaders.by_id(models.Office).load(self.db.reported_by_office_id))

    @governed("WageArrears.settledOn")
    def settled_on(self) -> dt.date | None:
        return self.db.settled_on

    @governed("WageArrears.amountSettledCny")
    def amount_settled_cny(self) -> Decimal | None:
        return self.db.amount_settled_cny
