"""Chinese companies that employ Vietnamese workers under an agreement."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.units import AdminUnit


class Employer(Timestamped, Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(300))
    name_vi: Mapped[str] = mapped_column(String(300))
    social_credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    address: Mapped[str] = mapped_column(String(500))
    sector: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(300))
    approved_quota: Mapped[int] = mapped_column(Integer, default=0)

    county: Mapped[AdminUnit] = relationship()
