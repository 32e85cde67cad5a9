"""Border crossings recorded at the gates."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, db_enum
from models.procedure import Voidable


class Direction(enum.StrEnum):
    EXIT_VIETNAM = "exit_vietnam"
    ENTER_VIETNAM = "enter_vietnam"


class TravelDocument(enum.StrEnum):
    BORDER_PASS = "border_pass"
    PASSPORT = "passport"


class Crossing(Voidable, Base):
    __tablename__ = "crossings"
    __table_args__ = (Index("ix_crossings_worker_time", "worker_id", "crossed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    gate_id: Mapped[int] = mapped_column(ForeignKey("border_gates.id"), index=True)
    direction: Mapped[Direction] = mapped_column(db_enum(Direction, 16))
    crossed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    document: Mapped[TravelDocument] = mapped_column(db_enum(TravelDocument, 16))
    recorded_by_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
