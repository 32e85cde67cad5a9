"""Problems that arise during a placement, reported by either side."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, UtcDateTime, db_enum, utcnow


class IncidentKind(enum.StrEnum):
    WAGE_DISPUTE = "wage_dispute"
    INJURY = "injury"
    ABSCONDING = "absconding"
    VIOLATION = "violation"
    OTHER = "other"


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class Incident(Timestamped, Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    kind: Mapped[IncidentKind] = mapped_column(db_enum(IncidentKind, 16))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    handling: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    status: Mapped[IncidentStatus] = mapped_column(db_enum(IncidentStatus, 16), default=IncidentStatus.OPEN)
    # Set when the status becomes resolved: the yearly report gives the median days to resolve.
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    reported_by_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
