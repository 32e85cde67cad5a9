"""Pre-departure checks: health checks and police clearances. Their notes are sealed."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, db_enum
from models.procedure import Voidable


class HealthResult(enum.StrEnum):
    FIT = "fit"
    UNFIT = "unfit"
    NEEDS_FOLLOW_UP = "needs_follow_up"


class ClearanceResult(enum.StrEnum):
    CLEAR = "clear"
    NOT_CLEAR = "not_clear"


class HealthCheck(Voidable, Timestamped, Base):
    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[HealthResult] = mapped_column(db_enum(HealthResult, 16))
    notes_sealed: Mapped[str | None] = mapped_column(String(4000))
    recorded_by_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))


class PoliceClearance(Voidable, Timestamped, Base):
    __tablename__ = "police_clearances"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[ClearanceResult] = mapped_column(db_enum(ClearanceResult, 16))
    notes_sealed: Mapped[str | None] = mapped_column(String(4000))
    recorded_by_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
