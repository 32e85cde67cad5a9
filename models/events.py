"""The event outbox: what happened, written in the same transaction as the change it tells of.

An event names only its kind, the row it is about (type and id), the office that made it and when.
It holds no field of the row: what an office is told is read from the row, through the office's
own schema, when the event is delivered (`events.feed`). `seq` is the commit order: writers take
the outbox lock (`events.outbox`) before they number their events, so a smaller number is always
committed before a larger one and a reader resuming after a number never misses one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
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
