"""The offices that use the registry, and the bearer tokens that speak for them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, UtcDateTime, db_enum
from models.units import AdminUnit


class Side(enum.StrEnum):
    VN = "VN"
    CN = "CN"
    REGISTRY = "REGISTRY"


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    side: Mapped[Side] = mapped_column(db_enum(Side, 16))
    # The unit whose subtree is the office's jurisdiction; none for the registry admin.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    # The office that took over this one's duties (e.g. labour passed to home affairs in 2025).
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))

    unit: Mapped[AdminUnit | None] = relationship()
    successor: Mapped[Office | None] = relationship(remote_side=[id])


class Token(Timestamped, Base):
    """A bearer token; only its SHA-256 is stored, so a database leak leaks no credential."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    # The officer the token was issued to; neither: a service token (migration 0016).
    officer_id: Mapped[str | None] = mapped_column(String(64))
    officer_name: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    office: Mapped[Office] = relationship()
