"""Agreements between a Vietnamese province and a Chinese region, their minutes and gates."""

import datetime as dt

import strawberry

import models
from models import AdminUnit, agreement_gates
from schema.context import Info
from schema.fields import governed
from schema.types.enums import AgreementStatus
from schema.types.evaluation import ActionItem
from schema.types.node import AdministrativeUnit, Node, unit_or_none
from schema.types.procedure import RequirementSet


@strawberry.type(description="A border gate through which workers cross.")
class BorderGate(Node):
    db: strawberry.Private[models.BorderGate]

    @governed("BorderGate.code")
    def code(self) -> str:
        return self.db.code

    @governed("BorderGate.nameVi")
    def name_vi(self) -> str:
        return self.db.name_vi

    @governed("BorderGate.nameZh")
    def name_zh(self) -> str | None:
        return self.db.name_zh

    @governed("BorderGate.vietnameseUnit")
    async def vietnamese_unit(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.vn_unit_id))

    @governed("BorderGate.chineseUnit")
    async def chinese_unit(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.cn_unit_id))


@strawberry.type(description="Minutes of a round of talks under an agreement.")
class TalksMinutes(Node):
    db: strawberry.Private[models.TalksMinutes]

    @governed("TalksMinutes.heldOn")
    def held_on(self) -> dt.date:
        return self.db.held_on

    @governed("TalksMinutes.vietnameseDelegation")
    def vietnamese_delegation(self) -> str:
        return self.db.vn_delegation

    @governed("TalksMinutes.chineseDelegation")
    def chinese_delegation(self) -> str:
        return self.db.cn_delegation

    @governed("TalksMinutes.summary")
    def summary(self) -> str:
        return self.db.summary

    @governed("TalksMinutes.actionItems", "What the talks decided to do, oldest due first.")
    async def action_items(self, info: Info) -> list[ActionItem]:
        order = (models.ActionItem.due_on, models.ActionItem.id)
        rows = await info.context.loaders.children(models.ActionItem, "minutes_id", order).load(self.db.id)
        return [ActionItem(db=r) for r in rows]

    @governed("TalksMinutes.agreement", requires=["Agreement"])
    async def agreement(self, info: Info) -> "Agreement | None":
        row = await info.context.loaders.by_id(models.Agreement).load(self.db.agreement_id)
        return Agreement(db=row) if row is not None else None


@strawberry.type(description="A cross-border labour agreement between a Vietnamese and a Chinese party.")
class Agreement(Node):
    db: strawberry.Private[models.Agreement]

    @governed("Agreement.code")
    def code(self) -> str:
        return self.db.code

    @governed("Agreement.title")
    def title(self) -> str:
        return self.db.title

    @governed("Agreement.vietnameseParty")
    async def vietnamese_party(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.vn_unit_id))

    @governed("Agreement.chineseParty")
    async def chinese_party(self, info: Info) -> AdministrativeUnit | None:
        return unit_or_none(await info.context.loaders.by_id(AdminUnit).load(self.db.cn_unit_id))

    @governed("Agreement.signedOn")
    def signed_on(self) -> dt.date:
        return self.db.signed_on

    @governed("Agreement.validFrom")
    def valid_from(self) -> dt.date:
        return self.db.valid_from

    @governed("Agreement.validTo")
    def valid_to(self) -> dt.date | None:
        return self.db.valid_to

    @governed("Agreement.status")
    def status(self) -> AgreementStatus:
        return self.db.status

    @governed("Agreement.yearlyQuota")
    def yearly_quota(self) -> int | None:
        return self.db.yearly_quota

    @governed("Agreement.borderGates", requires=["BorderGate"])
    async def border_gates(self, info: Info) -> list[BorderGate]:
        loader = info.context.loaders.through(models.BorderGate, agreement_gates, "agreement_id", "gate_id")
        return [BorderGate(db=g) for g in await loader.load(self.db.id)]

    @governed(
        "Agreement.requirements",
        "The rules a placement under this agreement must meet: the set in force today (a step is judged "
        "by the set in force on its date).",
    )
    async def requirements(self, info: Info) -> RequirementSet | None:
        order = (models.AgreementRequirements.valid_from,)
        loader = info.context.loaders.children(models.AgreementRequirements, "agreement_id", order)
        rows = [r for r in await loader.load(self.db.id) if r.valid_to is None]
        return RequirementSet(db=rows[0]) if rows else None

    @governed("Agreement.talksMinutes", "Oldest first.", requires=["TalksMinutes"])
    async def talks_minutes(self, info: Info) -> list[TalksMinutes]:
        order = (models.TalksMinutes.held_on, models.TalksMinutes.id)
        rows = await info.context.loaders.children(models.TalksMinutes, "agreement_id", order).load(
            self.db.id
        )
        return [TalksMinutes(db=r) for r in rows]
