"""What the yearly evaluation keeps beside the figures: each office's signing key, the focal
offices' signatures of an agreement's yearly figures, and the action items the talks decide.

A signature is kept with the digest it signed, so the registry can say later whether the figures
still are what both sides accepted (`reports.signing`). Keys and signatures are public values:
nothing here is personal data.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, UtcDateTime, db_enum, utcnow
from models.offices import Office


class OfficeSigningKey(Base):
    """An office's Ed25519 public key, enrolled by the registry's administrator. A newer key of the
    same office replaces it for new signatures; signatures made with the older one still verify."""

    __tablename__ = "office_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # the raw 32 bytes, base64
    enrolled_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReportSignature(Base):
    """A focal office's signature over the digest of an agreement's figures for one year."""

    __tablename__ = "report_signatures"
    __table_args__ = (Index("ix_report_signatures_report", "agreement_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    year: Mapped[int] = mapped_column(Integer)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("office_signing_keys.id"))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical figures, hex
    signature: Mapped[str] = mapped_column(String(100))  # Ed25519 over the digest's 32 bytes, base64
    signed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)

    office: Mapped[Office] = relationship()


class ActionItemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class ActionItem(Timestamped, Base):
    """What a round of talks decided: the task in each language, the office that does it, by when,
    where it stands and what was done (follow-up notes)."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("talks_minutes.id"), index=True)
    text_vi: Mapped[str] = mapped_column(Text)
    text_zh: Mapped[str] = mapped_column(Text)
    owner_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ActionItemStatus] = mapped_column(
        db_enum(ActionItemStatus, 16), default=ActionItemStatus.OPEN
    )
    follow_up: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
