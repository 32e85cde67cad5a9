"""The event outbox: what happened, written in the same transaction as the change it tells of.

An event names only its kind, the row it is about (type and id), the office that made it and when,
and of a correction the names of the fields it changed (an office is told of it only if it may read
one of them, `events.kinds`). It holds no value of the row: what an office is told is read from the
row, through the office's own schema, when the event is delivered (`events.feed`). `seq` is the
commit order: writers take the outbox lock (`events.outbox`) before they number their events, so a
smaller number is always committed before a larger one and a reader resuming after a number never
misses one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class EventRecord(Base):
    __tablename__ = "event_outbox"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # A correction's changed fields, comma-separated (`fullName,phone`); none for other kinds
    fields: Mapped[str | None] = mapped_column(String(500), nullable=True)


class Webhook(Base):
    """Where an office is told of its events by HTTP POST, and how far it has been told.

    `position` is the last outbox number delivered (or passed as none of the office's): deliveries
    go on after it, in commit order. The secret signs each delivery, so it is kept sealed, never hashed.
    """

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    url: Mapped[str] = mapped_column(String(500))
    secret_sealed: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(64))
    kinds: Mapped[str | None] = mapped_column(String(400), nullable=True)  # comma-separated; none: all
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    parked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Lease(Base):
    """Who leads a job run by every `serve` process (webhook delivery): one holder at a time, on any
    host, until `expires_at`; the holder renews it, another process takes it once it has lapsed."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class DueAlert(Base):
    """A due alert raised (`events.due`): its kind, the row it is about and the day it is due for.

    The unique key is what "raised once" rests on: two scans at once, on two hosts or after a
    restart, may both find the alert due, but only the first to insert its key tells it (`seq`,
    the event written with it); the other inserts nothing and tells nothing.
    """

    __tablename__ = "due_alerts"
    __table_args__ = (UniqueConstraint("kind", "record_type", "record_id", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # the event that told it
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
