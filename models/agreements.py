"""Bilateral agreements, their talks minutes, and the border gates they open."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, db_enum
from models.units import AdminUnit


class AgreementStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


agreement_gates = Table(
    "agreement_gates",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreements.id"), primary_key=True),
    Column("gate_id", ForeignKey("border_gates.id"), primary_key=True),
)


class BorderGate(Base):
    __tablename__ = "border_gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    vn_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    cn_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))

    vn_unit: Mapped[AdminUnit] = relationship(foreign_keys=[vn_unit_id])
    cn_unit: Mapped[AdminUnit] = relationship(foreign_keys=[cn_unit_id])


class Agreement(Timestamped, Base):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    vn_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    cn_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[AgreementStatus] = mapped_column(
        db_enum(AgreementStatus, 16), default=AgreementStatus.ACTIVE
    )
    yearly_quota: Mapped[int | None] = mapped_column(Integer)

    vn_unit: Mapped[AdminUnit] = relationship(foreign_keys=[vn_unit_id])
    cn_unit: Mapped[AdminUnit] = relationship(foreign_keys=[cn_unit_id])
    gates: Mapped[list[BorderGate]] = relationship(secondary=agreement_gates)


class TalksMinutes(Timestamped, Base):
    __tablename__ = "talks_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    vn_delegation: Mapped[str] = mapped_column(Text)
    cn_delegation: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
