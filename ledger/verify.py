"""`borderlabour audit verify`: the whole chain, entry by entry, and the signed head outside the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.entries import GENESIS, entry_document, hash_entry, verify_signature
from ledger.keys import SignedHead
from models import LedgerEntry, LedgerHead, LedgerWorker


@dataclass(frozen=True)
class Finding:
    seq: int | None
    problem: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.problem}" if self.seq is not None else self.problem


@dataclass(frozen=True)
class Verdict:
    entries: int
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def _worker_rows(session: Session) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Per entry, the per-worker rows, in entry order (one pass, however long the ledger)."""
    stmt = (
        select(LedgerWorker)
        .order_by(LedgerWorker.entry_id, LedgerWorker.worker_id)
        .execution_options(yield_per=5000)
    )
    current, rows = None, {}
    for row in session.scalars(stmt):
        if row.entry_id != current and current is not None:
            yield current, rows
            rows = {}
        current = row.entry_id
        rows[str(row.worker_id)] = row.fields.split(",") if row.fields else []
    if current is not None:
        yield current, rows


def verify(session: Session, public: Ed25519PublicKey, head: SignedHead | None) -> Verdict:
    expected_seq, prev = 1, GENESIS
    workers = _worker_rows(session)
    pending = next(workers, None)
    stmt = select(LedgerEntry).order_by(LedgerEntry.id).execution_options(yield_per=2000)
    count = 0
    for entry in session.scalars(stmt):
        count += 1
        if entry.id != expected_seq:
            return Verdict(
                count, Finding(expected_seq, f"missing: the next entry is {entry.id} (deleted or reordered)")
            )
        if entry.prev_hash != prev:
            return Verdict(
                count, Finding(entry.id, "does not follow the entry before it (edited or reordered)")
            )
        document = entry_document(
            entry.id,
            entry.at,
            entry.office_id,
            entry.token_id,
            entry.purpose,
            entry.request_hash,
            entry.payload,
            entry.prev_hash,
        )
        if hash_entry(document) != entry.entry_hash:
            return Verdict(count, Finding(entry.id, "its content does not match its hash (edited)"))
        if not verify_signature(public, entry.entry_hash, entry.signature):
            return Verdict(count, Finding(entry.id, "its signature is not the registry's (forged or edited)"))
        disclosed = json.loads(entry.payload).get("disclosed", {})
        rows: dict[str, list[str]] = {}
        if pending is not None and pending[0] == entry.id:
            rows = pending[1]
            pending = next(workers, None)
        if rows != disclosed:
            return Verdict(count, Finding(entry.id, "its per-worker index disagrees with the signed payload"))
        prev, expected_seq = entry.entry_hash, entry.id + 1
    if pending is not None:
        return Verdict(count, Finding(pending[0], "per-worker rows without a ledger entry"))
    last = expected_seq - 1
    stored_head = session.execute(
        select(LedgerHead.seq, LedgerHead.entry_hash).where(LedgerHead.id == 1)
    ).first()
    if stored_head is not None and (stored_head.seq, stored_head.entry_hash) != (last, prev):
        return Verdict(
            count,
            Finding(None, f"the database's head says entry {stored_head.seq}; the chain ends at {last}"),
        )
    if head is not None:
        if head.seq > last:
            return Verdict(
                count,
                Finding(
                    last + 1,
                    f"missing: the signed head outside the database is at entry "
                    f"{head.seq}, the database ends at {last} (truncated)",
                ),
            )
        if not verify_signature(public, head.entry_hash, head.signature):
            return Verdict(count, Finding(None, "the signed head file's signature is invalid"))
        at_head = (
            session.scalar(select(LedgerEntry.entry_hash).where(LedgerEntry.id == head.seq))
            if head.seq
            else GENESIS
        )
        if head.seq and at_head != head.entry_hash:
            return Verdict(count, Finding(head.seq, "differs from the signed head outside the database"))
    return Verdict(count, None)
