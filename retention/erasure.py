"""Planning and applying de-identification: what the rules let go, erased batch by batch.

De-identified means the personal values are gone from the rows: names, ethnicity, identity card,
border pass, passport and phone (sealed values and blind indexes), work permit numbers, the sealed
notes of health checks and clearances, incident texts, and the reasons written about the worker's
records. What the yearly reports count stays: dates, statuses, units, sex, agreement, employer,
wages, gates. The date of birth keeps its year only (1 January of it): no report reads the age,
and the year alone identifies no one. Columns that may not be empty get an empty text; the
national identity card's unique blind index gets `erased:<worker id>`, which no HMAC can equal.

Each batch is one transaction: the erasure of every due kind of its workers, and one ledger entry
naming them (record types and ids, never a value). A run killed half-way leaves each worker
either untouched or erased with everything that was due; the next run finds the rest by the same
SQL, since erased rows no longer hold anything to erase.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ledger.entries import Appended, Asked, Disclosure, append_all
from models import (
    Base,
    Correction,
    Crossing,
    HealthCheck,
    Incident,
    Placement,
    PoliceClearance,
    ProcedureOverride,
    StatusChange,
    Worker,
)
from retention.due import ERASED, RECORDS, DueOn, left_to_erase
from retention.rules import KINDS, RetentionRules

DUTY = "deidentify"  # how the ledger names the write (an entry's `written` items)
PURPOSE = "retention"
ERASED_INDEX = "erased:"

Progress = Callable[[int, int], None]


@dataclass
class Plan:
    day: dt.date
    # kind -> province code -> rows with personal values the rules let go
    counts: dict[str, dict[str, int]]
    workers: int  # workers with anything due

    def as_json(self) -> dict[str, object]:
        return {
            "asOf": self.day.isoformat(),
            "workers": self.workers,
            "kinds": {kind: dict(sorted(self.counts[kind].items())) for kind in KINDS},
            "totals": {kind: sum(self.counts[kind].values()) for kind in KINDS},
        }


def plan(session: Session, rules: RetentionRules, day: dt.date) -> Plan:
    due = DueOn(day, rules)
    counts: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        rows = due.due_rows(kind).subquery()
        province = rows.c[2]
        counts[kind] = dict(session.execute(select(province, func.count()).group_by(province)).all())
    workers = session.execute(select(func.count()).select_from(due.due_workers().subquery())).scalar_one()
    return Plan(day, counts, workers)


@dataclass
class Applied:
    batches: int = 0
    workers: int = 0
    deidentified: int = 0
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    entries: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Ledger:
    """Where each batch's entry goes: the signing key, who the entry names as acting, and the
    head file to move once the batch is committed."""

    key: Ed25519PrivateKey
    asked: Asked
    committed: Callable[[Appended], None]


def apply(
    sessions: sessionmaker[Session],
    rules: RetentionRules,
    day: dt.date,
    ledger: Ledger,
    *,
    batch: int,
    progress: Progress = lambda _done, _total: None,
    stall_in_batch: int | None = None,
) -> Applied:
    """De-identifies every worker due on `day`, `batch` workers per transaction.

    `stall_in_batch` is for the tests of an interrupted run: that batch stops after its erasure,
    before its commit, until the process is killed.
    """
    due = DueOn(day, rules)
    applied = Applied()
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(due.due_workers().subquery())).scalar_one()
    progress(0, total)
    while True:
        with sessions() as session:
            # SQLite: the writer lock up front, as the server's writes take it (no upgrade deadlock).
            session.connection(execution_options={"sqlite_immediate": True})
            ids = list(session.scalars(due.due_workers().limit(batch).with_for_update()))
            if not ids:
                break
            written = _erase_batch(session, due, ids, applied)
            if stall_in_batch == applied.batches + 1:
                print(f"retention: batch {stall_in_batch} erased, not committed", file=sys.stderr, flush=True)
                while True:
                    time.sleep(60)
            disclosure = Disclosure(workers={}, written=written)
            appended = append_all(session, ledger.key, [(disclosure, ledger.asked)])[-1]
            session.commit()
        ledger.committed(appended)
        applied.batches += 1
        applied.workers += len(ids)
        applied.entries.append(appended.seq)
        progress(min(applied.workers, max(total, applied.workers)), max(total, applied.workers))
    return applied


def _erase_batch(
    session: Session, due: DueOn, ids: list[int], applied: Applied
) -> list[tuple[str, str, int]]:
    """Erases what is due of each worker in `ids`; returns what the ledger entry names."""
    written: list[tuple[str, str, int]] = []
    whole = set(
        session.scalars(
            select(Worker.id).where(Worker.id.in_(ids), left_to_erase("workers"), due.worker_due("workers"))
        )
    )
    for kind in (k for k in KINDS if k != "workers"):
        model = RECORDS[kind]
        workers = whole | set(
            session.scalars(select(Worker.id).where(Worker.id.in_(ids), due.worker_due(kind)))
        )
        if not workers:
            continue
        erased = _erase_records(session, kind, sorted(workers))
        applied.records[kind] += len(erased)
        written.extend((DUTY, model.__name__, record) for record in erased)
    if whole:
        _erase_workers(session, sorted(whole), due.day)
        applied.records["workers"] += len(whole)
        applied.deidentified += len(whole)
        written.extend((DUTY, "Worker", worker) for worker in sorted(whole))
    return written


def _erase_records(session: Session, kind: str, workers: list[int]) -> list[int]:
    model = RECORDS[kind]
    ids = list(
        session.scalars(
            select(model.id).where(model.worker_id.in_(workers), left_to_erase(kind)).order_by(model.id)
        )
    )
    if not ids:
        return ids
    for chunk in _chunks(ids):
        session.execute(update(model).where(model.id.in_(chunk)).values(ERASED[kind]))
    return ids


def _erase_workers(session: Session, workers: list[int], day: dt.date) -> None:
    births: dict[int, dt.date] = dict(
        session.execute(select(Worker.id, Worker.date_of_birth).where(Worker.id.in_(workers))).all()
    )
    workers_table = Base.metadata.tables[Worker.__tablename__]
    session.execute(
        update(workers_table)
        .where(workers_table.c.id == bindparam("worker"))
        .values(
            full_name="",
            date_of_birth=bindparam("born"),
            ethnicity="",
            national_id_sealed="",
            national_id_index=bindparam("index"),
            border_pass_sealed=None,
            border_pass_index=None,
            passport_sealed=None,
            passport_index=None,
            phone_sealed=None,
            deidentified_on=day,
        ),
        [
            {"worker": w, "born": dt.date(births[w].year, 1, 1), "index": f"{ERASED_INDEX}{w}"}
            for w in workers
        ],
    )
    # The reasons written about the worker and the worker's records: free texts that may name people.
    for chunk in _chunks(workers):
        session.execute(update(StatusChange).where(StatusChange.worker_id.in_(chunk)).values(reason=None))
        placements = select(Placement.id).where(Placement.worker_id.in_(chunk))
        session.execute(
            update(ProcedureOverride).where(ProcedureOverride.placement_id.in_(placements)).values(reason="")
        )
        for model in (Crossing, HealthCheck, PoliceClearance):
            session.execute(
                update(model)
                .where(model.worker_id.in_(chunk), model.void_reason.is_not(None))
                .values(void_reason="")
            )
        records = {
            "Worker": select(Worker.id).where(Worker.id.in_(chunk)),
            "Placement": placements,
            "Crossing": select(Crossing.id).where(Crossing.worker_id.in_(chunk)),
            "HealthCheck": select(HealthCheck.id).where(HealthCheck.worker_id.in_(chunk)),
            "PoliceClearance": select(PoliceClearance.id).where(PoliceClearance.worker_id.in_(chunk)),
            "Incident": select(Incident.id).where(Incident.worker_id.in_(chunk)),
        }
        for type_name, ids in records.items():
            session.execute(
                update(Correction)
                .where(Correction.record_type == type_name, Correction.record_id.in_(ids))
                .values(reason="")
            )


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
