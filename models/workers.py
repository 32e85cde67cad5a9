"""Vietnamese citizens working across the border, and their lifecycle.

Identity numbers and the phone are stored sealed (see `models.sealing`): the `*_sealed`
columns hold ciphertext with a key id, and the `*_index` columns hold a keyed blind index
that allows exact-match search without storing the number.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, UtcDateTime, db_enum, utcnow
from models.units import AdminUnit


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class WorkerStatus(enum.StrEnum):
    REGISTERED = "registered"
    CLEARED = "cleared"
    DEPLOYED = "deployed"
    RETURNED = "returned"
    SUSPENDED = "suspended"
    ABSCONDED = "absconded"


class Worker(Timestamped, Base):
    __tablename__ = "workers"
    __table_args__ = (
        Index("ix_workers_scope_order", "home_province_id", "full_name", "id"),
        Index("ix_workers_status_name", "status", "full_name", "id"),  # a page of one status, by name
        Index("ix_workers_commune_status", "home_commune_id", "status"),  # counts by status, index only
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(db_enum(Sex, 8))
    ethnicity: Mapped[str] = mapped_column(String(64))
    national_id_sealed: Mapped[str] = mapped_column(String(200))
    national_id_index: Mapped[str] = mapped_column(String(64), unique=True)
    border_pass_sealed: Mapped[str | None] = mapped_column(String(200))
    # Unique in the database, not only in code: two registrations sending the same number at once
    # cannot both pass the check (the blind index is deterministic, so equal numbers collide).
    border_pass_index: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    passport_sealed: Mapped[str | None] = mapped_column(String(200))
    passport_index: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    phone_sealed: Mapped[str | None] = mapped_column(String(200))
    home_province_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    home_district_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    home_commune_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    # Who registered the worker: re-uploading an import answers ALREADY_REGISTERED to that office only.
    registered_by_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    status: Mapped[WorkerStatus] = mapped_column(
        db_enum(WorkerStatus, 16), default=WorkerStatus.REGISTERED, index=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Set by `borderlabour retention apply` with the erasure of the personal values (see `retention`):
    # the row scopes leave the worker out of every list from then on.
    deidentified_on: Mapped[dt.date | None] = mapped_column(Date)

    home_province: Mapped[AdminUnit] = relationship(foreign_keys=[home_province_id])
    home_district: Mapped[AdminUnit | None] = relationship(foreign_keys=[home_district_id])
    home_commune: Mapped[AdminUnit] = relationship(foreign_keys=[home_commune_id])
