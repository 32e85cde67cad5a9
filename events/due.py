"""Due alerts: what falls due on a day, found by a scan, each told once as an event.

Four alerts (issue 20 item 1, issue 22 item 3), thresholds from `events/due.toml`:
  - NO_RETURN_AFTER_END: a placement ended and its worker has no entry crossing (not voided, on or
    after the end) `days_after_end` days later; about the placement;
  - CHECK_EXPIRES_BEFORE_START: a planned placement's police clearance or health check (the latest
    not voided, dated on or before the start) will be too old on the start date by the agreement's
    own requirements (`procedure.rules.prerequisites`, the very rule `createPlacement` applies);
    about the check, so the police or health department that renews it is told, and labour;
  - AGREEMENT_ENDING: an agreement not ended whose validity ends within the notice; about it;
  - ACTION_ITEM_DUE: an action item of the talks, neither done nor dropped, falling due; about it,
    shown as its talks minutes.

An alert is an event like any other (`event_outbox`, kind in `events/kinds.csv`), so who is told is
decided where every event's audience is: an office reads it only if its own read finds the row.
"Raised once" is the database's: each alert's key (kind, row, due day) is inserted into
`due_alerts`, whose unique key lets one scan insert it; a scan that finds it there tells nothing.
Scans run in `serve` (`dispatch.scheduler`, one leader) and on demand (`borderlabour events scan-due`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from events.due_rules import Threshold, thresholds_on
from events.outbox import CHANNEL, OUTBOX_LOCK
from models import (
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementRequirements,
    AgreementStatus,
    ClearanceResult,
    Crossing,
    Direction,
    DueAlert,
    EventRecord,
    HealthCheck,
    HealthResult,
    Placement,
    PlacementStatus,
    PoliceClearance,
)
from procedure.calendar import day_of
from procedure.rules import Check, prerequisites, requirements_in_force

ENDED = (PlacementStatus.COMPLETED, PlacementStatus.TERMINATED, PlacementStatus.ABSCONDED)
PENDING_ITEMS = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)
# The rule of `procedure.rules.prerequisites` whose breach is each check's alert, and the check's row.
AGE_RULES = {"clearance-age": "PoliceClearance", "health-age": "HealthCheck"}
CHUNK = 5000  # workers named in one statement


@dataclass(frozen=True, order=True)
class Due:
    """An alert found due: its kind, the row it is about, the day it is due for."""

    kind: str
    record_type: str
    record_id: int
    due_on: dt.date


Finder = Callable[[Session, dt.date, Threshold], Iterator[Due]]


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    """`ids` in slices a statement can bind (PostgreSQL takes 65,535 parameters, SQLite 32,766)."""
    ordered = sorted(ids)
    for at in range(0, len(ordered), CHUNK):
        yield ordered[at : at + CHUNK]


def _no_return(session: Session, day: dt.date, rule: Threshold) -> Iterator[Due]:
    after = dt.timedelta(days=rule.days_after_end)
    first, last = rule.due_between(day)
    ended = session.execute(
        select(Placement.id, Placement.worker_id, Placement.end_date).where(
            Placement.status.in_(ENDED),
            Placement.end_date >= first - after,
            Placement.end_date <= min(last, day) - after,  # a return is owed only once the days have passed
        )
    ).all()
    entries: dict[int, list[dt.date]] = defaultdict(list)
    for workers in _chunks({p.worker_id for p in ended}):
        for worker_id, at in session.execute(
            select(Crossing.worker_id, Crossing.crossed_at).where(
                Crossing.worker_id.in_(workers),
                Crossing.direction == Direction.ENTER_VIETNAM,
                Crossing.voided_at.is_(None),
            )
        ):
            entries[worker_id].append(day_of(at))
    for placement_id, worker_id, end in ended:
        if end is not None and not any(entered >= end for entered in entries[worker_id]):
            yield Due("NO_RETURN_AFTER_END", "Placement", placement_id, end + after)


Dated = tuple[dt.date, int, bool]  # a check's day, its id, whether it passed


def _checks_of(
    session: Session, model: Any, day: Any, passed: Any, workers: set[int]
) -> dict[int, list[Dated]]:
    """Each worker's checks not voided, oldest first: one statement per slice of workers."""
    found: dict[int, list[Dated]] = defaultdict(list)
    for chunk in _chunks(workers):
        stmt = select(model.worker_id, day, model.id, passed).where(
            model.worker_id.in_(chunk), model.voided_at.is_(None)
        )
        for worker_id, on, row_id, ok in session.execute(stmt.order_by(day, model.id)):
            found[worker_id].append((on, row_id, bool(ok)))
    return found


def _relied_on(dated: list[Dated], start: dt.date) -> Dated | None:
    """The check a placement starting on `start` relies on: the newest dated by then."""
    before = [d for d in dated if d[0] <= start]
    return before[-1] if before else None


def _checks_expiring(session: Session, day: dt.date, rule: Threshold) -> Iterator[Due]:
    first, last = rule.due_between(day)
    planned = session.execute(
        select(Placement.worker_id, Placement.agreement_id, Placement.start_date).where(
            Placement.status == PlacementStatus.PLANNED,
            Placement.start_date >= max(first, day),  # a start already passed is no longer ahead
            Placement.start_date <= last,
        )
    ).all()
    workers = {p.worker_id for p in planned}
    clear = PoliceClearance.result == ClearanceResult.CLEAR
    clearances = _checks_of(session, PoliceClearance, PoliceClearance.issued_on, clear, workers)
    fit = HealthCheck.result == HealthResult.FIT
    health_checks = _checks_of(session, HealthCheck, HealthCheck.checked_on, fit, workers)
    versions: dict[int, list[AgreementRequirements]] = defaultdict(list)
    for version in session.scalars(
        select(AgreementRequirements).where(
            AgreementRequirements.agreement_id.in_({p.agreement_id for p in planned})
        )
    ):
        versions[version.agreement_id].append(version)
    for worker_id, agreement_id, start in planned:
        clearance = _relied_on(clearances[worker_id], start)
        health = _relied_on(health_checks[worker_id], start)
        if clearance is None or health is None:
            continue  # a missing check is no check expiring (the placement's own rules said so)
        facts = (Check(clearance[0], clearance[2]), Check(health[0], health[2]))
        rows = {"PoliceClearance": clearance[1], "HealthCheck": health[1]}
        for broken in prerequisites(*facts, start, requirements_in_force(versions[agreement_id], start)):
            if broken.rule in AGE_RULES:
                record_type = AGE_RULES[broken.rule]
                yield Due("CHECK_EXPIRES_BEFORE_START", record_type, rows[record_type], start)


def _agreements_ending(session: Session, day: dt.date, rule: Threshold) -> Iterator[Due]:
    first, last = rule.due_between(day)
    for agreement_id, valid_to in session.execute(
        select(Agreement.id, Agreement.valid_to).where(
            Agreement.status != AgreementStatus.ENDED,
            Agreement.valid_to >= first,
            Agreement.valid_to <= last,
        )
    ):
        if valid_to is not None:  # none while open-ended: the query found none such
            yield Due("AGREEMENT_ENDING", "Agreement", agreement_id, valid_to)


def _items_due(session: Session, day: dt.date, rule: Threshold) -> Iterator[Due]:
    first, last = rule.due_between(day)
    for item_id, due_on in session.execute(
        select(ActionItem.id, ActionItem.due_on).where(
            ActionItem.status.in_(PENDING_ITEMS), ActionItem.due_on >= first, ActionItem.due_on <= last
        )
    ):
        yield Due("ACTION_ITEM_DUE", "ActionItem", item_id, due_on)


FINDERS: dict[str, Finder] = {
    "NO_RETURN_AFTER_END": _no_return,
    "CHECK_EXPIRES_BEFORE_START": _checks_expiring,
    "AGREEMENT_ENDING": _agreements_ending,
    "ACTION_ITEM_DUE": _items_due,
}


def find_due(session: Session, day: dt.date) -> list[Due]:
    """Every alert due on `day` under the thresholds in force that day, raised or not."""
    rules = thresholds_on(day)
    found = {
        due for kind, find in FINDERS.items() if kind in rules for due in find(session, day, rules[kind])
    }
    return sorted(found)


def _not_raised(session: Session, found: list[Due]) -> list[Due]:
    if not found:
        return []
    raised = {
        tuple(row)
        for row in session.execute(
            select(DueAlert.kind, DueAlert.record_type, DueAlert.record_id, DueAlert.due_on).where(
                DueAlert.record_id.in_({d.record_id for d in found}),
                DueAlert.due_on >= min(d.due_on for d in found),
                DueAlert.due_on <= max(d.due_on for d in found),
            )
        )
    }
    return [d for d in found if (d.kind, d.record_type, d.record_id, d.due_on) not in raised]


def raise_due(session: Session, day: dt.date) -> list[Due]:
    """Raises each alert due on `day` not raised before, in one write transaction of the session (the
    finding reads in its own, before); commits and returns those this call raised (none that another
    scan raised, before or at the same moment)."""
    found = find_due(session, day)
    session.rollback()  # the finding only read: writers are not held off while it reads
    if not found:
        return []
    session.connection(execution_options={"sqlite_immediate": True})  # SQLite: one writer from here
    fresh = _not_raised(session, found)
    if not fresh:
        session.rollback()
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:  # number the events in commit order, as every writer does (events.outbox)
        session.execute(select(func.pg_advisory_xact_lock(OUTBOX_LOCK)))
    insert = postgresql.insert if postgres else sqlite.insert
    raised: list[Due] = []
    for due in fresh:  # in key order: two scans at once never wait on each other's keys crosswise
        key = {
            "kind": due.kind,
            "record_type": due.record_type,
            "record_id": due.record_id,
            "due_on": due.due_on,
        }
        taken = session.execute(
            insert(DueAlert)
            .values(**key)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(DueAlert.id)
        ).scalar()
        if taken is None:
            continue  # raised by another scan meanwhile: told once, by it
        event = EventRecord(
            kind=due.kind, record_type=due.record_type, record_id=due.record_id, office_id=None
        )
        session.add(event)
        session.flush()
        session.execute(update(DueAlert).where(DueAlert.id == taken).values(seq=event.seq))
        raised.append(due)
    if postgres and raised:
        session.execute(select(func.pg_notify(CHANNEL, "")))
    session.commit()
    return raised
