"""What the agreed procedure keeps beside the records: each agreement's requirements, every status
change of a worker, every override of a rule, every correction, and the void mark on a record.

Corrections never overwrite silently: the record changes, and a `Correction` row says who, when,
why and which fields (names only; the values are in the record and the ledger).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, db_enum, utcnow
from models.workers import WorkerStatus


class AgreementRequirements(Base):
    """One version of an agreement's requirement set, in force from `valid_from` to `valid_to`.

    A change never overwrites: it closes the version in force and opens a new one, so a step is
    always judged by the rules in force on its date, and the history stays readable.
    """

    __tablename__ = "agreement_requirement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)  # the last day in force; none while current
    clearance_valid_months: Mapped[int] = mapped_column(Integer)
    health_valid_months: Mapped[int] = mapped_column(Integer)
    minimum_age: Mapped[int] = mapped_column(Integer)
    minimum_monthly_wage_cny: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    overridable: Mapped[str] = mapped_column(String(500))  # rule names, comma-separated
    # How long a partner office still sees a worker after the later of a placement's end and the
    # worker's return (`policies.scopes`); the version in force on the placement's start decides.
    partner_access_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # Parts of the worker's protection the placement must record before the worker's exit
    # (`procedure.PROTECTION_PARTS`), comma-separated; none by default (issue 22).
    protection_before_exit: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # How many days before its start a placement's start may be confirmed (`procedure.rules`).
    confirm_days_before_start: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StatusChange(Base):
    __tablename__ = "worker_status_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    from_status: Mapped[WorkerStatus | None] = mapped_column(db_enum(WorkerStatus, 16))
    to_status: Mapped[WorkerStatus] = mapped_column(db_enum(WorkerStatus, 16))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(String(64))  # the write that caused it (a duty name)


class ProcedureOverride(Base):
    __tablename__ = "procedure_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    rules: Mapped[str] = mapped_column(String(500))  # the rules overridden, comma-separated
    reason: Mapped[str] = mapped_column(Text)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Correction(Base):
    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_record", "record_type", "record_id"),)  # a cancellation's day

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    duty: Mapped[str] = mapped_column(String(64))
    # The fields changed as the policy names them (`fullName,phone`), never their values. Those kept
    # by updateWorker and updateEmployer before migration 0025 name columns (`border_pass,full_name`).
    fields: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Voidable:
    """A record that can be voided: kept and shown as void, never counted by the rules."""

    voided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
