"""What the yearly evaluation shows beside the figures: the focal offices' signatures of them.

No field here says anything about a worker: the types carry no policy marks of their own; the
report that leads to them is the one the policy decides (`Query.agreementReport`).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from models import Side
from reports.signing import SignatureMark
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
