"""Data-key rotation: a new active key, every sealed value re-sealed under it, unused keys retired.

The steps, each safe to interrupt:

1. A new data key is added to the key file and made active, in one atomic replace of the file.
   From then on every process seals new values with it (`Keyring.seal` notices the replaced file)
   and opens values under it (`Keyring.open` re-reads the file on an unknown key id).
2. Every sealed value under another key is opened and sealed again, in small batches of rows,
   each batch its own short transaction, so a running server keeps reading and writing.
3. After a grace period for writes that sealed under the old key before step 1 and committed
   after the first pass, a second pass catches them.
4. An old key leaves the file only when no sealed column in the database holds a value under it.
   Otherwise it stays, and running the rotation again retires it.

The blind-index key and the global-ID key are not rotated: a new index key would change every
index value at once (search would miss until all rows were rewritten), and a new ID key would
break every global ID and cursor that clients hold.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Column, ColumnElement, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Base, HealthCheck, LedgerEntry, PoliceClearance, Worker
from models.sealing import Keyring, SealError, set_keyring

# What the rotation re-seals. Key retirement looks further: at every `*_sealed` column.
RESEALED: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (
        Base.metadata.tables[Worker.__tablename__],
        ("national_id_sealed", "border_pass_sealed", "passport_sealed", "phone_sealed"),
    ),
    (Base.metadata.tables[HealthCheck.__tablename__], ("notes_sealed",)),
    (Base.metadata.tables[PoliceClearance.__tablename__], ("notes_sealed",)),
)
BATCH_SIZE = 200
GRACE_SECONDS = 2.0

Progress = Callable[[str], None]


class RotationBusy(RuntimeError):
    """Another rotation holds the key file's lock."""


@dataclass
class Rotation:
    new_key: str
    key_file: Path
    rows: dict[str, int] = field(default_factory=dict)
    values: int = 0
    unreadable: int = 0
    retired: list[str] = field(default_factory=list)
    still_used: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def next_key_id(existing: dict[str, bytes]) -> str:
    numbers = [int(m[1]) for kid in existing if (m := re.fullmatch(r"k(\d+)", kid))]
    return f"k{max(numbers, default=0) + 1}"


@contextmanager
def rotation_lock(key_file: Path) -> Iterator[None]:
    lock_path = key_file.with_name(key_file.name + ".lock")
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RotationBusy(f"another key rotation is running ({lock_path} is locked)") from exc
        yield
    finally:
        os.close(fd)  # closing releases the lock


def add_active_key(key_file: Path) -> Keyring:
    """Step 1: one atomic replace of the key file, then the keyring as every process will read it."""
    ring = Keyring.load(key_file)
    kid = next_key_id(ring.data_keys)
    ring.data_keys = {**ring.data_keys, kid: secrets.token_bytes(32)}
    ring.active = kid
    ring.save(key_file)
    return Keyring.load(key_file)


def _under_other_key(column: Column, kid: str) -> ColumnElement[bool]:
    prefix = f"{kid}:"
    # An empty value is one erased by retention (a column that may not be null): nothing to re-seal.
    return and_(column.is_not(None), column != "", func.substr(column, 1, len(prefix)) != prefix)


def _under_key(column: Column, kid: str) -> ColumnElement[bool]:
    prefix = f"{kid}:"
    return func.substr(column, 1, len(prefix)) == prefix


def _reseal_table(
    sessions: sessionmaker[Session],
    ring: Keyring,
    table: Table,
    names: tuple[str, ...],
    batch_size: int,
    rotation: Rotation,
    progress: Progress,
) -> None:
    columns = [table.c[name] for name in names]
    stale = or_(*(_under_other_key(c, ring.active) for c in columns))
    with sessions() as session:
        pending = session.execute(select(func.count()).select_from(table).where(stale)).scalar_one()
    if not pending:
        return
    progress(f"{table.name}: {pending} rows to re-seal")
    # Columns with an `onupdate` (updated_at) keep their value: a new ciphertext is not a new record.
    kept = {c.name: c for c in table.columns if c.onupdate is not None}
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({**{name: bindparam(f"new_{name}") for name in names}, **kept})
    )
    done, last_id = 0, None
    while True:
        with sessions() as session, session.begin():
            # On SQLite the writer lock is taken up front, as the server's writes do: no upgrade deadlock.
            session.connection(execution_options={"sqlite_immediate": True})
            query = select(table.c.id, *columns).where(stale).order_by(table.c.id).limit(batch_size)
            if last_id is not None:
                query = query.where(table.c.id > last_id)
            rows = session.execute(query.with_for_update()).all()
            if not rows:
                break
            params = [
                {"row_id": row.id, **{f"new_{n}": _resealed(ring, row._mapping[n], rotation) for n in names}}
                for row in rows
            ]
            session.execute(statement, params)
        last_id = rows[-1].id
        done += len(rows)
        rotation.rows[table.name] = rotation.rows.get(table.name, 0) + len(rows)
        progress(f"{table.name}: {done}/{pending} rows re-sealed")


def _resealed(ring: Keyring, sealed: str | None, rotation: Rotation) -> str | None:
    if sealed is None or ring.key_id_of(sealed) == ring.active:
        return sealed
    try:
        resealed = ring.seal(ring.open(sealed))
    except SealError:
        rotation.unreadable += 1  # an unknown key or a tampered value: left as it is, never echoed
        return sealed
    rotation.values += 1
    return resealed


def reseal_all(
    sessions: sessionmaker[Session], ring: Keyring, batch_size: int, rotation: Rotation, progress: Progress
) -> None:
    for table, names in RESEALED:
        _reseal_table(sessions, ring, table, names, batch_size, rotation, progress)


def sealed_columns() -> list[Column]:
    return [c for table in Base.metadata.sorted_tables for c in table.columns if c.name.endswith("_sealed")]


def values_under(sessions: sessionmaker[Session], kid: str) -> int:
    """How many values in any sealed column of the database, or in the ledger's sealed search
    criteria, are sealed under `kid`. Ledger entries are signed and never re-sealed, so a key that
    sealed criteria stays in the key file as long as the ledger holds them."""
    criteria = LedgerEntry.payload.contains(f'"sealed":"{kid}:', autoescape=True)
    with sessions() as session:
        return session.execute(select(func.count()).where(criteria)).scalar_one() + sum(
            session.execute(select(func.count()).where(_under_key(c, kid))).scalar_one()
            for c in sealed_columns()
        )


def retire_unused(sessions: sessionmaker[Session], ring: Keyring, rotation: Rotation) -> None:
    """Step 4: removes from the key file each old key that no stored value uses any more."""
    old = [kid for kid in ring.data_keys if kid != ring.active]
    usage = {kid: values_under(sessions, kid) for kid in old}
    rotation.still_used = {kid: n for kid, n in usage.items() if n}
    unused = [kid for kid, n in usage.items() if not n]
    current = Keyring.load(rotation.key_file)
    if not unused or current.active != ring.active:
        return
    current.data_keys = {kid: key for kid, key in current.data_keys.items() if kid not in unused}
    current.save(rotation.key_file)
    rotation.retired = unused


def rotate(
    sessions: sessionmaker[Session],
    key_file: Path,
    batch_size: int = BATCH_SIZE,
    grace: float = GRACE_SECONDS,
    progress: Progress = print,
) -> Rotation:
    started = time.monotonic()
    with rotation_lock(key_file):
        ring = add_active_key(key_file)
        set_keyring(ring)
        rotation = Rotation(ring.active, key_file)
        progress(f"data key {ring.active} is now active in {key_file}")
        reseal_all(sessions, ring, batch_size, rotation, progress)
        if grace > 0:
            progress(f"waiting {grace:g} s for writes that began under the old key")
            time.sleep(grace)
        rotation.unreadable = 0  # the second pass meets every unreadable value again: count them once
        reseal_all(sessions, ring, batch_size, rotation, progress)
        retire_unused(sessions, ring, rotation)
    rotation.seconds = time.monotonic() - started
    return rotation
