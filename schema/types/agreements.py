"""Agreements between a Vietnamese province and a Chinese region, their minutes and gates."""

import datetime as dt

import strawberry

import models
from bindings.types import AGREEMENT, BORDER_GATE, TALKS_MINUTES
from resolvers.bound import related, value
from schema.context import Info
from schema.fields import governed
from schema.types.enums import AgreementStatus
from schema.types.evaluation import ActionItem
from schema.types.node import AdministrativeUnit, Node
from schema.types.procedure import RequirementSet


@strawberry.type(description="A border gate through which workers cross.")
class BorderGate(Node):
    db: strawberry.Private[models.BorderGate]

    @governed("BorderGate.code")
    def code(self) -> str:
        return value(self.db, BORDER_GATE["code"])

    @governed("BorderGate.nameVi")
    def name_vi(self) -> str:
        return value(self.db, BORDER_GATE["nameVi"])

    @governed("BorderGate.nameZh")
    def name_zh(self) -> str | None:
        return value(self.db, BORDER_GATE["nameZh"])

    @governed("BorderGate.vietnameseUnit")
    async def vietnamese_unit(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, BORDER_GATE["vietnameseUnit"])

    @governed("BorderGate.chineseUnit")
    async def chinese_unit(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, BORDER_GATE["chineseUnit"])


@strawberry.type(description="Minutes of a round of talks under an agreement.")
class TalksMinutes(Node):
    db: strawberry.Private[models.TalksMinutes]

    @governed("TalksMinutes.heldOn")
    def held_on(self) -> dt.date:
        return value(self.db, TALKS_MINUTES["heldOn"])

    @governed("TalksMinutes.vietnameseDelegation")
    def vietnamese_delegation(self) -> str:
        return value(self.db, TALKS_MINUTES["vietnameseDelegation"])

    @governed("TalksMinutes.chineseDelegation")
    def chinese_delegation(self) -> str:
        return value(self.db, TALKS_MINUTES["chineseDelegation"])

    @governed("TalksMinutes.summary")
    def summary(self) -> str:
        return value(self.db, TALKS_MINUTES["summary"])

    @governed("TalksMinutes.actionItems", "What the talks decided to do, oldest due first.")
    async def action_items(self, info: Info) -> list[ActionItem]:
        return await related(info, self.db, TALKS_MINUTES["actionItems"])

    @governed("TalksMinutes.agreement", requires=["Agreement"])
    async def agreement(self, info: Info) -> "Agreement | None":
        return await related(info, self.db, TALKS_MINUTES["agreement"])


@strawberry.type(description="A cross-border labour agreement between a Vietnamese and a Chinese party.")
class Agreement(Node):
    db: strawberry.Private[models.Agreement]

    @governed("Agreement.code")
    def code(self) -> str:
        return value(self.db, AGREEMENT["code"])

    @governed("Agreement.title")
    def title(self) -> str:
        return value(self.db, AGREEMENT["title"])

    @governed("Agreement.vietnameseParty")
    async def vietnamese_party(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, AGREEMENT["vietnameseParty"])

    @governed("Agreement.chineseParty")
    async def chinese_party(self, info: Info) -> AdministrativeUnit | None:
        return await related(info, self.db, AGREEMENT["chineseParty"])

    @governed("Agreement.signedOn")
    def signed_on(self) -> dt.date:
        return value(self.db, AGREEMENT["signedOn"])

    @governed("Agreement.validFrom")
    def valid_from(self) -> dt.date:
        return value(self.db, AGREEMENT["validFrom"])

    @governed("Agreement.validTo")
    def valid_to(self) -> dt.date | None:
        return value(self.db, AGREEMENT["validTo"])

    @governed("Agreement.status")
    def status(self) -> AgreementStatus:
        return value(self.db, AGREEMENT["status"])

    @governed("Agreement.yearlyQuota")
    def yearly_quota(self) -> int | None:
        return value(self.db, AGREEMENT["yearlyQuota"])

    @governed("Agreement.borderGates", requires=["BorderGate"])
    async def border_gates(self, info: Info) -> list[BorderGate]:
        return await related(info, self.db, AGREEMENT["borderGates"])

    @governed(
        "Agreement.requirements",
        "The rules a placement under this agreement must meet: the set in force today (a step is judged "
        "by the set in force on its date).",
    )
    async def requirements(self, info: Info) -> RequirementSet | None:
        """Not read by `related`: the binding's rows are each agreement's open requirement version,
        built by a statement of its own (`bindings.types._requirement_rows`) that the loaders have no
        table for; the same row, the version not yet closed, is found among the agreement's versions."""
        order = (models.AgreementRequirements.valid_from,)
        loader = info.context.loaders.children(models.AgreementRequirements, "agreement_id", order)
        rows = [r for r in await loader.load(self.db.id) if r.valid_to is None]
        return RequirementSet(db=rows[0]) if rows else None

    @governed("Agreement.talksMinutes", "Oldest first.", requires=["TalksMinutes"])
    async def talks_minutes(self, info: Info) -> list[TalksMinutes]:
        return await related(info, self.db, AGREEMENT["talksMinutes"])
