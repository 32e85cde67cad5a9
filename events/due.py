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
Scans run in `serve` (`events.scheduler`, one leader) and on demand (`borderlabour events scan-due`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from events.due_rules import Threshold, thresholds_on
from events.outbox import CHANNEL, OUTBOX_LOCK
from models import (
    ActionItem,
    ActionItemStatus,
    Agreement,
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
from procedure.rules import Check, prerequisites
from resolvers.writes.facts import requirements_for

ENDED = (PlacementStatus.COMPLETED, PlacementStatus.TERMINATED, PlacementStatus.ABSCONDED)
PENDING_ITEMS = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)
# The rule of `procedure.rules.prerequisites` whose breach is each check's alert, and the check's row.
AGE_RULES = {"clearance-age": "PoliceClearance", "health-age": "HealthCheck"}


@dataclass(frozen=True, order=True)
class Due:
    """An alert found due: its kind, the row it is about, the day it is due for."""

    kind: str
    record_type: str
    record_id: int
    due_on: dt.date


Finder = Callable[[Session, dt.date, Threshold], Iterator[Due]]


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
    entries: dict[int, list[dt.date]] = {}
    for worker_id, at in session.execute(
        select(Crossing.worker_id, Crossing.crossed_at).where(
            Crossing.worker_id.in_({p.worker_id for p in ended}),
            Crossing.direction == Direction.ENTER_VIETNAM,
            Crossing.voided_at.is_(None),
        )
    ):
        entries.setdefault(worker_id, []).append(day_of(at))
    for placement_id, worker_id, end in ended:
        if end is not None and not any(entered >= end for entered in entries.get(worker_id, [])):
            yield Due("NO_RETURN_AFTER_END", "Placement", placement_id, end + after)


def _latest_clearance(session: Session, worker_id: int, on: dt.date) -> PoliceClearance | None:
    """The clearance a placement starting `on` relies on: the newest not voided, dated by then."""
    return session.scalar(
        select(PoliceClearance)
        .where(
            PoliceClearance.worker_id == worker_id,
            PoliceClearance.voided_at.is_(None),
            PoliceClearance.issued_on <= on,
        )
        .order_by(PoliceClearance.issued_on.desc(), PoliceClearance.id.desc())
        .limit(1)
    )


def _latest_health_check(session: Session, worker_id: int, on: dt.date) -> HealthCheck | None:
    return session.scalar(
        select(HealthCheck)
        .where(
            HealthCheck.worker_id == worker_id, HealthCheck.voided_at.is_(None), HealthCheck.checked_on <= on
        )
        .order_by(HealthCheck.checked_on.desc(), HealthCheck.id.desc())
        .limit(1)
    )


def _checks_expiring(session: Session, day: dt.date, rule: Threshold) -> Iterator[Due]:
    first, last = rule.due_between(day)
    planned = session.execute(
        select(Placement.worker_id, Placement.agreement_id, Placement.start_date).where(
            Placement.status == PlacementStatus.PLANNED,
            Placement.start_date >= max(first, day),  # a start already passed is no longer ahead
            Placement.start_date <= last,
        )
    ).all()
    for worker_id, agreement_id, start in planned:
        clearance = _latest_clearance(session, worker_id, start)
        health = _latest_health_check(session, worker_id, start)
        if clearance is None or health is None:
            continue  # a missing check is no check expiring (the placement's own rules said so)
        facts = (
            Check(clearance.issued_on, clearance.result == ClearanceResult.CLEAR),
            Check(health.checked_on, health.result == HealthResult.FIT),
        )
        rows = {"PoliceClearance": clearance.id, "HealthCheck": health.id}
        for broken in prerequisites(*facts, start, requirements_for(session, agreement_id, start)):
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
    """Raises, in the session's transaction, each alert due on `day` not raised before; commits and
    returns those this call raised (none that another scan, before or at once, raised)."""
    session.connection(execution_options={"sqlite_immediate": True})  # SQLite: one writer from here
    fresh = _not_raised(session, find_due(session, day))
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
