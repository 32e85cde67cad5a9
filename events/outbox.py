"""Writing events with the change they tell of, in its transaction: an outbox.

The service calls `write_events` at the end of every write transaction, with what the transaction
wrote (the recorder's `(duty, record type, id)` list, the same list the ledger names) and the
worker status changes it made, whichever step made them. Nothing else writes events, so a write
that is rolled back tells nothing, and one that commits always tells. A correction's event keeps the
names of the fields it changed, read from the correction the write kept beside the row.

Commit order: on PostgreSQL the writer first takes a transaction-level advisory lock, held until
commit, and only then numbers its events; two writers therefore number and commit in the same
order, and a reader resuming after `seq` N never finds a smaller number committed later. SQLite
has one writer at a time already (`BEGIN IMMEDIATE`). On PostgreSQL the commit also wakes every
listening process (`NOTIFY`), delivered only if the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from events.kinds import STATUS_CHANGED, event_kinds
from models import Correction, EventRecord, StatusChange
from policies.sessions import GRANT_KEY

OUTBOX_LOCK = 0x0B0E_0017  # pg_advisory_xact_lock key: numbering events, until commit
CHANNEL = "borderlabour_events"
_CHANGES_KEY = "borderlabour.status_changes"


@event.listens_for(Session, "before_flush")
def _note_status_changes(session: Session, _context: object, _instances: object) -> None:
    """Status changes made by any step of an office's transaction (a crossing, an end, a manual
    change). Sessions of no office (the demo loader, `generate`) write no events: nothing is kept."""
    if GRANT_KEY not in session.info:
        return
    changes = [o for o in session.new if isinstance(o, StatusChange) and o.from_status is not None]
    if changes:
        session.info.setdefault(_CHANGES_KEY, []).extend(changes)


def _kept_status_changes(session: Session) -> list[int]:
    """Status changes made that stay made (a savepoint rolled back keeps none)."""
    noted: list[StatusChange] = session.info.pop(_CHANGES_KEY, [])
    return [c.id for c in noted if inspect(c).persistent]


def _fields_changed(
    session: Session, written: list[tuple[str, str, int]], record_type: str, row_id: int
) -> str | None:
    """The fields the transaction's corrections of the row changed, comma-separated: a correcting
    write lists the correction it kept beside the row (`WriteContext.correct`), which names them.
    None if it kept none: the event is then told as one that may have changed every field."""
    changed: set[str] = set()
    found = False
    for _duty, written_type, correction_id in written:
        if written_type != "Correction":
            continue
        correction = session.get(Correction, correction_id)
        if correction is not None and (correction.record_type, correction.record_id) == (record_type, row_id):
            found = True
            changed.update(name for name in correction.fields.split(",") if name)
    return ",".join(sorted(changed)) if found else None


def write_events(session: Session, written: Iterable[tuple[str, str, int]], office_id: int) -> int:
    """Adds the events `written` tells of to the session's transaction; returns how many."""
    kinds = event_kinds()
    items = list(written)
    told: list[tuple[str, str, int]] = []
    for duty, record_type, row_id in items:
        kind = kinds.of_write(duty, record_type)
        if kind is not None:
            told.append((kind, record_type, row_id))
    told.extend((STATUS_CHANGED, "StatusChange", change) for change in _kept_status_changes(session))
    told = list(dict.fromkeys(told))  # once per row and kind per transaction, in the order written
    if not told:
        return 0
    # A correction's event keeps the fields it changed: it reaches only the offices that read one.
    fields = {
        (kind, record_type, row_id): _fields_changed(session, items, record_type, row_id)
        for kind, record_type, row_id in told
        if kinds.changes_fields(kind, record_type)
    }
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Core, not text: a scoped session refuses text it cannot see is about no scoped table.
        session.execute(select(func.pg_advisory_xact_lock(OUTBOX_LOCK)))
    session.add_all(
        EventRecord(
            kind=kind,
            record_type=record_type,
            record_id=row_id,
            office_id=office_id,
            fields=fields.get((kind, record_type, row_id)),
        )
        for kind, record_type, row_id in told
    )
    session.flush()
    if postgres:
        session.execute(select(func.pg_notify(CHANNEL, "")))
    return len(told)
