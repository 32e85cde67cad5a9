"""What the yearly evaluation shows beside the figures: the focal offices' signatures of them, and
the action items each round of talks decides (owner office, due date, status, follow-up).

No field here says anything about a worker: the types carry no policy marks of their own; the
report that leads to them is the one the policy decides (`Query.agreementReport`).
"""

from __future__ import annotations

import datetime as dt

import strawberry

import models
from bindings.types import ACTION_ITEM
from models import ActionItemStatus, Side
from models.opaque import encode_id
from reports.signing import SignatureMark
from resolvers.bound import related, value
from schema.context import Info
from schema.types.node import Office


@strawberry.type(description="A focal office's signature of the report's figures.")
class ReportSignature:
    office: Office
    signed_at: dt.datetime = strawberry.field(description="When the signature was stored.")
    valid: bool = strawberry.field(
        description="Whether it verifies, with the office's enrolled key, over the digest of the figures "
        "as they are now (false once a figure changed since the signing)."
    )

    @classmethod
    def of(cls, mark: SignatureMark) -> ReportSignature:
        return cls(
            office=Office(code=mark.office, name=mark.office_name, side=Side(mark.side)),
            signed_at=dt.datetime.fromisoformat(mark.signed_at),
            valid=mark.valid,
        )


@strawberry.type(description="A task the talks decided: who does it, by when, and where it stands.")
class ActionItem:
    db: strawberry.Private[models.ActionItem]

    @strawberry.field(description="Its ID, for updateActionItem.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("ActionItem", self.db.id))

    @strawberry.field(description="The task in Vietnamese.")
    def text_vi(self) -> str:
        return value(self.db, ACTION_ITEM["textVi"])

    @strawberry.field(description="The task in Chinese.")
    def text_zh(self) -> str:
        return value(self.db, ACTION_ITEM["textZh"])

    @strawberry.field(description="The office that does it.")
    async def owner_office(self, info: Info) -> Office | None:
        return await related(info, self.db, ACTION_ITEM["ownerOffice"])

    @strawberry.field(description="The day it is due.")
    def due_on(self) -> dt.date:
        return value(self.db, ACTION_ITEM["dueOn"])

    @strawberry.field
    def status(self) -> ActionItemStatus:
        return value(self.db, ACTION_ITEM["status"])

    @strawberry.field(description="What was done about it so far (follow-up notes).")
    def follow_up(self) -> str | None:
        return value(self.db, ACTION_ITEM["followUp"])


@strawberry.type(description="An action item of the previous year's talks, as the yearly report lists it.")
class ReportActionItem:
    held_on: dt.date = strawberry.field(description="The day of the talks that decided it.")
    text_vi: str
    text_zh: str
    owner_office: str = strawberry.field(description="The code of the office that does it.")
    due_on: dt.date
    status: ActionItemStatus
    follow_up: str | None
    overdue: bool = strawberry.field(description="Due before today and neither done nor dropped.")
