"""A worker's employment with an employer under an agreement."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, text
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
    # The last day a partner office's window on this placement is open (`policies.windows.closes`);
    # NULL while it is open-ended. Kept by triggers (migration 0023) on every write that moves it,
    # whichever path writes, so the row scopes read one column instead of working the day out for
    # each placement on every page. Written only by those triggers and `borderlabour windows
    # rebuild`; no GraphQL field reads or writes it.
    window_closes: Mapped[dt.date | None] = mapped_column(Date)
    # The worker's protection (issue 22; ICLS 2018, SDG 10.7.1): recorded by labour and by the
    # Chinese office of the employer with `recordPlacementProtection`, each part optional until an
    # agreement's requirements ask for it before the exit.
    contract_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    contract_months: Mapped[int | None] = mapped_column(Integer)
    contract_weekly_hours: Mapped[int | None] = mapped_column(Integer)
    contract_wage: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    contract_currency: Mapped[str | None] = mapped_column(String(3))
    injury_insurer: Mapped[str | None] = mapped_column(String(200))
    injury_policy_number: Mapped[str | None] = mapped_column(String(64))
    injury_insurance_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    health_insurer: Mapped[str | None] = mapped_column(String(200))
    health_policy_number: Mapped[str | None] = mapped_column(String(64))
    health_insurance_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    orientation_on: Mapped[dt.date | None] = mapped_column(Date)
    orientation_provider: Mapped[str | None] = mapped_column(String(200))
    recruitment_fee_vnd: Mapped[int | None] = mapped_column(Integer)
    recruitment_fee_items: Mapped[str | None] = mapped_column(Text)  # comma-separated, as listed


class WageArrears(Timestamped, Base):
    """Wages owed to a worker for a period of a placement, and what was paid of them: a record of
    its own, so each case is reported, settled and counted apart (the yearly evaluation's arrears)."""

    __tablename__ = "wage_arrears"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    amount_cny: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reported_on: Mapped[dt.date] = mapped_column(Date)
    reported_by_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    amount_settled_cny: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
