"""The disclosure ledger: one append-only, hash-chained, signed entry per request that sent
personal data or wrote anything.

`LedgerWorker` repeats, per worker, which field list an entry disclosed, so that "who saw this
worker" is an indexed lookup; `borderlabour audit verify` checks that it agrees with the signed
payload. `LedgerFieldList` keeps each distinct list of `Type.field` names once: a page of 100
workers read with one selection refers to one list, not 100 copies of it. A list's digest (the
SHA-256 of its text) is what entries sign, so editing a list breaks every entry that uses it.
`LedgerHead` is a one-row table whose row lock serialises appends across processes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_officer", "officer_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    token_id: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(String(64))
    # The officer the token was issued to (none: a service token) and the request's case reference;
    # signed with the entry when present (migration 0016).
    officer_id: Mapped[str | None] = mapped_column(String(64))
    officer_name: Mapped[str | None] = mapped_column(String(200))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


class LedgerFieldList(Base):
    __tablename__ = "ledger_field_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    fields: Mapped[str] = mapped_column(Text)


class LedgerWorker(Base):
    __tablename__ = "ledger_workers"
    __table_args__ = (Index("ix_ledger_workers_worker_entry", "worker_id", "entry_id"),)

    # No foreign keys: these rows index the signed payloads, and `audit verify` checks them against
    # the payloads row by row, which proves more than the keys did on every append (migration 0012).
    entry_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_list_id: Mapped[int] = mapped_column(Integer)


class LedgerHead(Base):
    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    entry_hash: Mapped[str] = mapped_column(String(64))
