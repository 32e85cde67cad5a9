"""A worker's employment with an employer under an agreement."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, db_enum


class PlacementStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    ABSCONDED = "absconded"
    CANCELLED = "cancelled"


OPEN_STATUSES = "status IN ('planned', 'active')"  # as stored: the values of PlacementStatus


class Placement(Timestamped, Base):
    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_employer_worker", "employer_id", "worker_id"),
        # One open placement per worker (DOMAIN.md), held by the database even when requests race.
        Index(
            "uq_placements_open_worker",
            "worker_id",
            unique=True,
            sqlite_where=text(OPEN_STATUSES),
            postgresql_where=text(OPEN_STATUSES),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    job: Mapped[str] = mapped_column(String(200))
    monthly_wage_cny: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    work_permit_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[PlacementStatus] = mapped_column(
        db_enum(PlacementStatus, 16), default=PlacementStatus.PLANNED
    )
