"""Appending entries: what one request disclosed and wrote, chained to the entry before it.

The hash covers every column of the entry (as canonical JSON) and the previous entry's hash, and
the registry's Ed25519 key signs it. Editing, deleting or reordering any row breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from models import LedgerEntry, LedgerHead, LedgerWorker
from models.base import utcnow

GENESIS = "0" * 64


@dataclass
class Disclosure:
    """What one request sent and changed; filled while the request runs."""

    workers: dict[int, set[str]]
    written: list[tuple[str, str, int]]

    def __bool__(self) -> bool:
        return bool(self.workers or self.written)


def request_hash(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> str:
    body = json.dumps({"q": query, "v": variables, "o": operation_name}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_document(
    seq: int,
    at: dt.datetime,
    office_id: int,
    token_id: int | None,
    purpose: str | None,
    request: str,
    payload: str,
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "office": office_id,
        "token": token_id,
        "purpose": purpose,
        "request": request,
        "payload": payload,
        "prev": prev_hash,
    }


def hash_entry(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def payload_of(disclosure: Disclosure) -> str:
    return json.dumps(
        {
            "disclosed": {str(w): sorted(f) for w, f in sorted(disclosure.workers.items())},
            "written": [list(item) for item in disclosure.written],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def verify_signature(public: Ed25519PublicKey, entry_hash: str, signature: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature), bytes.fromhex(entry_hash))
    except Exception:
        return False
    return True


def append(
    session: Session,
    key: Ed25519PrivateKey,
    disclosure: Disclosure,
    *,
    office_id: int,
    token_id: int | None,
    purpose: str | None,
    request: str,
) -> tuple[int, str, str]:
    """Adds one entry in the session's transaction; returns (seq, hash, signature) for the head file."""
    connection = session.connection()
    head = connection.execute(
        select(LedgerHead.seq, LedgerHead.entry_hash).where(LedgerHead.id == 1).with_for_update()
    ).first()
    seq, prev = (head.seq + 1, head.entry_hash) if head else (1, GENESIS)
    at = utcnow()
    payload = payload_of(disclosure)
    entry_hash = hash_entry(entry_document(seq, at, office_id, token_id, purpose, request, payload, prev))
    signature = key.sign(bytes.fromhex(entry_hash)).hex()
    connection.execute(
        insert(LedgerEntry).values(
            id=seq,
            at=at,
            office_id=office_id,
            token_id=token_id,
            purpose=purpose,
            request_hash=request,
            payload=payload,
            prev_hash=prev,
            entry_hash=entry_hash,
            signature=signature,
        )
    )
    if disclosure.workers:
        connection.execute(
            insert(LedgerWorker),
            [
                {"entry_id": seq, "worker_id": w, "fields": ",".join(sorted(f))}
                for w, f in disclosure.workers.items()
            ],
        )
    if head is None:
        connection.execute(insert(LedgerHead).values(id=1, seq=seq, entry_hash=entry_hash))
    else:
        connection.execute(
            update(LedgerHead).where(LedgerHead.id == 1).values(seq=seq, entry_hash=entry_hash)
        )
    return seq, entry_hash, signature
