"""Holds on a worker's personal data: recorded by `holdRecord`, they keep a worker from retention.

A hold is in force from the day it is recorded until `held_until` (inclusive), or for as long as it
stands when no day is given. `borderlabour retention` never de-identifies a worker with a hold in
force (see `retention.due`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped


class RetentionHold(Timestamped, Base):
    __tablename__ = "retention_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    held_until: Mapped[dt.date | None] = mapped_column(Date)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
