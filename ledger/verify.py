"""`borderlabour audit verify`: the whole chain, entry by entry, and the signed head outside the database."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.checkpoints import Checkpoint
from ledger.entries import GENESIS, digest_of, disclosed_of, entry_document, hash_entry, verify_signature
from models import LedgerEntry, LedgerFieldList, LedgerHead, LedgerWorker


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


def _field_lists(session: Session) -> tuple[dict[int, str], dict[str, str], Finding | None]:
    """id -> text and digest -> text of every stored field list, or the first list whose text was edited."""
    by_id: dict[int, str] = {}
    by_digest: dict[str, str] = {}
    for row in session.scalars(select(LedgerFieldList).order_by(LedgerFieldList.id)):
        if digest_of(row.fields) != row.digest:
            return by_id, by_digest, Finding(None, f"field list {row.id} does not match its digest (edited)")
        by_id[row.id], by_digest[row.digest] = row.fields, row.fields
    return by_id, by_digest, None


def _worker_rows(session: Session, lists: dict[int, str]) -> Iterator[tuple[int, dict[int, str]]]:
    """Per entry, worker -> field-list text of its per-worker rows, in entry order (one pass)."""
    stmt = (
        select(LedgerWorker.entry_id, LedgerWorker.worker_id, LedgerWorker.field_list_id)
        .order_by(LedgerWorker.entry_id, LedgerWorker.worker_id)
        .execution_options(yield_per=5000)
    )
    current, rows = None, {}
    for entry_id, worker_id, list_id in session.execute(stmt):
        if entry_id != current and current is not None:
            yield current, rows
            rows = {}
        current = entry_id
        rows[worker_id] = lists.get(list_id, f"?{list_id}")
    if current is not None:
        yield current, rows


def verify(
    session: Session,
    public: Ed25519PublicKey,
    head: Checkpoint | None,
    checkpoints: Sequence[tuple[str, Checkpoint]] = (),
) -> Verdict:
    """Checks every entry, then the signed head outside the database, then each checkpoint held
    elsewhere. `public` is the key every signature must verify under: pin it (`--public-key`)."""
    by_id, by_digest, broken_list = _field_lists(session)
    if broken_list is not None:
        return Verdict(0, broken_list)
    expected_seq, prev = 1, GENESIS
    workers = _worker_rows(session, by_id)
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
            officer=None if entry.officer_id is None else (entry.officer_id, entry.officer_name),
            case_ref=entry.case_ref,
        )
        if hash_entry(document) != entry.entry_hash:
            return Verdict(count, Finding(entry.id, "its content does not match its hash (edited)"))
        if not verify_signature(public, entry.entry_hash, entry.signature):
            return Verdict(count, Finding(entry.id, "its signature is not the registry's (forged or edited)"))
        disclosed = disclosed_of(json.loads(entry.payload), by_digest)
        rows: dict[int, str] = {}
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
    if stored_head is None and last > 0:
        return Verdict(count, Finding(None, "the database's head row is missing (deleted)"))
    finding = _outside(session, public, last, "the signed head file", head, required=last > 0)
    for name, checkpoint in checkpoints:
        finding = finding or _outside(session, public, last, f"checkpoint {name}", checkpoint, required=True)
    return Verdict(count, finding)


def _outside(
    session: Session,
    public: Ed25519PublicKey,
    last: int,
    what: str,
    checkpoint: Checkpoint | None,
    required: bool,
) -> Finding | None:
    """Whether the ledger still holds the entry a signed checkpoint kept outside the database names."""
    if checkpoint is None:
        if required:
            return Finding(None, f"{what} is missing, yet the ledger has {last} entries (deleted)")
        return None
    if not checkpoint.signed_by(public):
        return Finding(None, f"{what} is not signed by the pinned key (forged, rebuilt or re-signed)")
    if checkpoint.seq > last:
        return Finding(
            last + 1,
            f"missing: {what} names entry {checkpoint.seq}, the database ends at {last} (truncated, "
            f"or the database is older than {what}: restored from a backup taken before it)",
        )
    if checkpoint.seq == 0:
        return None
    at = session.scalar(select(LedgerEntry.entry_hash).where(LedgerEntry.id == checkpoint.seq))
    if at != checkpoint.entry_hash:
        return Finding(checkpoint.seq, f"differs from {what} (history rewritten)")
    return None
