"""Appending entries: what one request disclosed and wrote, chained to the entry before it.

The hash covers every column of the entry (as canonical JSON) and the previous entry's hash, and
the registry's Ed25519 key signs it. Editing, deleting or reordering any row breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ledger.keys import SignedHead
from ledger.storing import Batch, lock_head, store, store_if_head
from models.base import utcnow

GENESIS = "0" * 64
# A pseudo-field of a worker's field list: a search by this `Type.field` matched the worker (a search
# that matched at most `SEARCH_NAMES_WORKERS` rows names them; above, only criteria and count).
SEARCHED_BY = "searched-by:"
SEARCH_NAMES_WORKERS = 20
# A pseudo-field of a worker's field list: the worker was counted in the aggregate this root field
# gives (the agreement's yearly figures). The ledger names whom the figures were counted from, but
# they send nothing about any one worker.
COUNTED_IN = "Query.agreementReport"
log = logging.getLogger("borderlabour.ledger")


def sent_fields(names: Iterable[str]) -> list[str]:
    """The `Type.field`s of a worker's field list that sent data about the worker: not the marks of a
    search that matched them nor of figures they were counted in. The one rule of what is not a
    disclosure of data (the worker's statement, the transfer register)."""
    return [n for n in names if n and n != COUNTED_IN and not n.startswith(SEARCHED_BY)]


class LedgerBehind(RuntimeError):
    """The database's head is behind the last head this host signed: entries were cut off its end."""

    def __init__(self, head: int, signed: int) -> None:
        super().__init__(
            f"the database's ledger ends at entry {head}, but this host signed a head at entry {signed}: "
            f"entries {head + 1} to {signed} are missing (truncated or restored from an old backup); "
            "nothing is appended until the ledger is restored (run `borderlabour audit verify`)"
        )
        self.head, self.signed = head, signed


@dataclass(frozen=True)
class Criteria:
    """The personal fields one list was searched or ordered by: what the EES access log calls the data
    used for a search. `names` are `Type.field`s in the clear; `sealed` holds the values, sealed with
    the data key (see `models.sealing.Keyring.seal_fixed`); `matched` is how many rows they matched."""

    at: str  # the response key of the list (its alias, or its name)
    root: str
    names: tuple[str, ...]
    sealed: str
    matched: int

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "root": self.root,
            "names": list(self.names),
            "sealed": self.sealed,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class Lookup:
    """A look past the row scope (a registration refused as DUPLICATE): the blind index, never the number."""

    criterion: str
    index: str
    outcome: str
    why: str | None = None  # the reason named at `policies.side_door.past_scope`

    def as_json(self) -> dict[str, Any]:
        named = {"criterion": self.criterion, "index": self.index, "outcome": self.outcome}
        return named if self.why is None else {**named, "why": self.why}


@dataclass
class Disclosure:
    """What one request sent, searched by and changed; filled while the request runs."""

    workers: dict[int, set[str]]
    written: list[tuple[str, str, int]]
    criteria: list[Criteria] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.workers or self.written or self.criteria or self.lookups)


@dataclass(frozen=True)
class Appended:
    seq: int
    entry_hash: str
    at: dt.datetime


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
    *,
    officer: tuple[str, str | None] | None = None,
    case_ref: str | None = None,
) -> dict[str, Any]:
    """What an entry's hash covers. The officer and the case reference are covered when present
    and absent otherwise, so that entries made before there were officers hash as they did."""
    document = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "office": office_id,
        "token": token_id,
        "purpose": purpose,
        "request": request,
        "payload": payload,
        "prev": prev_hash,
    }
    if officer is not None:
        document["officer"] = list(officer)
    if case_ref is not None:
        document["case"] = case_ref
    return document


def hash_entry(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def field_list_text(fields: set[str] | frozenset[str] | list[str]) -> str:
    return ",".join(sorted(fields))


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def by_field_list(workers: dict[int, set[str]]) -> dict[str, list[int]]:
    """field-list text -> the workers disclosed with exactly those fields."""
    grouped: dict[str, list[int]] = {}
    for worker, fields in workers.items():
        grouped.setdefault(field_list_text(fields), []).append(worker)
    return grouped


def payload_of(disclosure: Disclosure, grouped: dict[str, list[int]]) -> str:
    """The signed content of an entry (format 2): workers grouped by the digest of their field list
    (`grouped`, from `by_field_list`), which `ledger_field_lists` holds once. Empty members are left out."""
    document: dict[str, Any] = {"v": 2}
    if grouped:
        document["disclosed"] = sorted([digest_of(text), sorted(ws)] for text, ws in grouped.items())
    if disclosure.criteria:
        document["criteria"] = [c.as_json() for c in disclosure.criteria]
    if disclosure.lookups:
        document["lookups"] = [item.as_json() for item in disclosure.lookups]
    if disclosure.written:
        document["written"] = [list(item) for item in disclosure.written]
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def disclosed_of(payload: dict[str, Any], lists: dict[str, str]) -> dict[int, str]:
    """worker -> field-list text, from a payload of either format (format 1 listed the fields)."""
    if payload.get("v") == 2:
        return {w: lists.get(digest, "?" + digest) for digest, ws in payload.get("disclosed", []) for w in ws}
    return {int(w): field_list_text(fs) for w, fs in payload.get("disclosed", {}).items()}


def verify_signature(public: Ed25519PublicKey, entry_hash: str, signature: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature), bytes.fromhex(entry_hash))
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class Asked:
    """Who asked, stating which purpose, by which request: the columns of an entry besides its content."""

    office_id: int
    token_id: int | None
    purpose: str | None
    request: str
    officer: Officer | None = None  # none: a service token, or the registry's own work
    case_ref: str | None = None

    @property
    def signed_officer(self) -> tuple[str, str | None] | None:
        return None if self.officer is None else (self.officer.id, self.officer.name)


@dataclass(frozen=True)
class Officer:
    """The person a token was issued to: an identifier of the office's choosing and a name."""

    id: str
    name: str | None


def append(
    session: Session,
    key: Ed25519PrivateKey,
    disclosure: Disclosure,
    *,
    office_id: int,
    token_id: int | None,
    purpose: str | None,
    request: str,
    signed: SignedHead | None = None,
    officer: Officer | None = None,
    case_ref: str | None = None,
) -> Appended:
    """Adds one entry in the session's transaction; returns what the head file's checkpoint names."""
    asked = Asked(office_id, token_id, purpose, request, officer, case_ref)
    return append_all(session, key, [(disclosure, asked)], signed=signed)[-1]


def append_all(
    session: Session,
    key: Ed25519PrivateKey,
    items: Sequence[tuple[Disclosure, Asked]],
    signed: SignedHead | None = None,
) -> list[Appended]:
    """Adds one entry per item, in order, in the session's transaction, under one lock on the head.

    Each entry is hashed, chained to the one before it and signed on its own, exactly as if it had
    been appended alone: a batch is invisible to `audit verify`. What a batch saves is the lock,
    the transaction and the round trips, paid once for all its entries.

    With `signed` (the head file this host keeps), a database head behind it raises `LedgerBehind`
    and appends nothing: whoever cut entries off the end must not see new ones chained onto the cut.
    """
    connection = session.connection()
    head = lock_head(connection)
    seq, prev = head if head is not None else (0, GENESIS)
    if signed is not None:
        # Read under the lock: every head file was written after its entries were committed, so a
        # database head read here can be behind it only if committed entries were taken away.
        floor = signed.seq()
        if seq < floor:
            signed.refused()
            behind = LedgerBehind(seq, floor)
            log.error("ledger append refused: %s", behind)
            raise behind
    appended, batch = chain(key, items, (seq, prev))
    store(connection, batch, first=head is None)
    return appended


def append_if_head(
    connection: Connection,
    key: Ed25519PrivateKey,
    items: Sequence[tuple[Disclosure, Asked]],
    head: tuple[int, str],
) -> list[Appended] | None:
    """Adds the entries chained onto `head` if the database's head is still `head`, without the
    lock, in one statement on an autocommit connection (PostgreSQL: `ledger.storing.store_if_head`);
    None, with nothing added, if the head has moved. For the appender, which knows the head it
    wrote last and checks it against the head file before asking."""
    appended, batch = chain(key, items, head)
    return appended if store_if_head(connection, batch, head) else None


def chain(
    key: Ed25519PrivateKey, items: Sequence[tuple[Disclosure, Asked]], head: tuple[int, str]
) -> tuple[list[Appended], Batch]:
    """The entries of `items` hashed, chained after `head` (seq, hash) and signed, as rows to store."""
    seq, prev = head
    rows: list[dict[str, Any]] = []
    grouped_of: list[dict[str, list[int]]] = []
    appended: list[Appended] = []
    for disclosure, asked in items:
        seq += 1
        at = utcnow()
        grouped = by_field_list(disclosure.workers)
        payload = payload_of(disclosure, grouped)
        document = entry_document(
            seq,
            at,
            asked.office_id,
            asked.token_id,
            asked.purpose,
            asked.request,
            payload,
            prev,
            officer=asked.signed_officer,
            case_ref=asked.case_ref,
        )
        entry_hash = hash_entry(document)
        rows.append(
            {
                "id": seq,
                "at": at,
                "office_id": asked.office_id,
                "token_id": asked.token_id,
                "purpose": asked.purpose,
                "officer_id": None if asked.officer is None else asked.officer.id,
                "officer_name": None if asked.officer is None else asked.officer.name,
                "case_ref": asked.case_ref,
                "request_hash": asked.request,
                "payload": payload,
                "prev_hash": prev,
                "entry_hash": entry_hash,
                "signature": key.sign(bytes.fromhex(entry_hash)).hex(),
            }
        )
        grouped_of.append(grouped)
        appended.append(Appended(seq, entry_hash, at))
        prev = entry_hash
    digests = {text: digest_of(text) for grouped in grouped_of for text in grouped}
    workers = [
        (done.seq, w, digests[text])
        for done, grouped in zip(appended, grouped_of, strict=True)
        for text, ws in grouped.items()
        for w in ws
    ]
    lists = {digest: text for text, digest in digests.items()}
    return appended, Batch(rows, lists, workers, seq, prev)
