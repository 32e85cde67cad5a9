"""A partner office's window on a placement, as SQL: when it opens, when it closes, what lies in it.

A Chinese office sees a worker only while one of the worker's placements in its jurisdiction is
open to it (DOMAIN.md, "Row scopes"):

  - it opens when the placement is made (or on its start, for a placement recorded after the fact);
  - a placement not ended yet is open;
  - an ended one closes `partnerAccessDays` after the later of its end date and the worker's entry
    crossing that followed it (the first one not voided, on or after the end date), the days taken
    from the agreement's requirement version in force on the placement's start;
  - a cancelled one closes 30 days after its cancellation.

Placements cannot be voided; a voided one, if they ever can, must never open a window.

Every expression here is written on a placement table (an alias) given by the caller. `closes`
is the definition of the last day; each placement keeps it in `window_closes` (triggers of
migration 0023 run `keep_closes` on every write that moves it), and the row scopes
(`policies.scopes`) and `policy explain-row` read the kept day, the same way on both databases.

"Today" is a bound value read from the registry's clock each time a statement runs, never a value
kept in a cached statement: a window that closes because a day has passed is closed in the next
statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Date,
    FromClause,
    Integer,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from models import (
    AgreementRequirements,
    ClearanceResult,
    Correction,
    Crossing,
    Direction,
    HealthCheck,
    HealthResult,
    Placement,
    PlacementStatus,
    PoliceClearance,
)
from procedure import calendar as clock
from procedure import default_requirements

CANCELLED_WINDOW_DAYS = 30

PLACEMENTS = cast(Table, Placement.__table__)  # a table: `update` takes no FromClause
RV = AgreementRequirements.__table__.alias("window_versions")
RETURNS = Crossing.__table__.alias("window_returns")
CANCELLATIONS = Correction.__table__.alias("window_cancellations")
LATER_CLEARANCES = PoliceClearance.__table__.alias("window_clearances")
LATER_CHECKS = HealthCheck.__table__.alias("window_health_checks")


def _today() -> dt.date:
    return clock.today()  # looked up on each call: a test may move the registry's day


# The registry's date, read when a statement runs (not when it is built or cached).
TODAY = bindparam("registry_today", type_=Date(), callable_=_today)


# -- calendar arithmetic in each database's own words ------------------------------------------
class _DayFunction(ColumnElement[dt.date]):
    inherit_cache = True
    type = Date()
    _traverse_internals = [
        ("day", InternalTraversal.dp_clauseelement),
        ("count", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, day: Any, count: Any = 0) -> None:
        self.day = coercions.expect(roles.ExpressionElementRole, day)
        self.count = coercions.expect(roles.ExpressionElementRole, count, type_=Integer())


class DayOf(_DayFunction):
    """The registry's day (Vietnam's, UTC+7, as `procedure.calendar.today`) of a stored moment."""

    inherit_cache = True


class DaysAfter(_DayFunction):
    """The day `count` days after `day`."""

    inherit_cache = True


class MonthsBefore(_DayFunction):
    """The same day `count` months earlier, or that month's last day
    (`procedure.calendar.months_before`)."""

    inherit_cache = True


@compiles(DayOf)
def _day_of(element: DayOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.day, **kw)}, '+7 hours')"


@compiles(DayOf, "postgresql")
def _day_of_postgresql(element: DayOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.day, **kw)} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"


@compiles(DaysAfter)
def _days_after(element: DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    day, count = compiler.process(element.day, **kw), compiler.process(element.count, **kw)
    return f"date({day}, '+' || ({count}) || ' days')"


@compiles(DaysAfter, "postgresql")
def _days_after_postgresql(element: DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    day, count = compiler.process(element.day, **kw), compiler.process(element.count, **kw)
    return f"(CAST({day} AS DATE) + ({count}))"


@compiles(MonthsBefore)
def _months_before(element: MonthsBefore, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's '-N months' rolls 31 August back to "31 February", i.e. 3 March: go to the first of
    # the month instead, add the day back, and keep to the month's last day.
    day, count = compiler.process(element.day, **kw), compiler.process(element.count, **kw)
    first = f"date({day}, 'start of month', '-' || ({count}) || ' months')"
    same_day = f"date({first}, '+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')"
    last_day = f"date({first}, '+1 month', '-1 day')"
    return f"min({same_day}, {last_day})"


@compiles(MonthsBefore, "postgresql")
def _months_before_postgresql(element: MonthsBefore, compiler: SQLCompiler, **kw: Any) -> str:
    day, count = compiler.process(element.day, **kw), compiler.process(element.count, **kw)
    return f"CAST(CAST({day} AS DATE) - make_interval(months => {count}) AS DATE)"


class Earlier(_DayFunction):
    """The earlier of two days."""

    inherit_cache = True


@compiles(Earlier)
def _earlier(element: Earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({compiler.process(element.day, **kw)}, {compiler.process(element.count, **kw)})"


@compiles(Earlier, "postgresql")
def _earlier_postgresql(element: Earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.day, **kw)}, {compiler.process(element.count, **kw)})"


# -- a placement's window -----------------------------------------------------------------------
def _requirement(placement: FromClause, column: str, default: int) -> ColumnElement[int]:
    """A rule of the requirement version in force on the placement's start (the defaults before any)."""
    start = placement.c.start_date
    version = (
        select(RV.c[column])
        .where(
            RV.c.agreement_id == placement.c.agreement_id,
            RV.c.valid_from <= start,
            or_(RV.c.valid_to.is_(None), RV.c.valid_to >= start),
        )
        .order_by(RV.c.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(version, default)


def opens(placement: FromClause) -> ColumnElement[dt.date]:
    """The window's first day: the placement's creation, or its start if it was recorded after it
    (`procedure.rules.window_opens`, by which an exit is judged, says the same in Python)."""
    return Earlier(DayOf(placement.c.created_at), placement.c.start_date)


def returned_on(placement: FromClause) -> ColumnElement[dt.date]:
    """The day of the worker's first entry crossing (not voided) on or after the placement's end."""
    first = (
        select(func.min(RETURNS.c.crossed_at))
        .where(
            RETURNS.c.worker_id == placement.c.worker_id,
            RETURNS.c.direction == Direction.ENTER_VIETNAM,
            RETURNS.c.voided_at.is_(None),
            DayOf(RETURNS.c.crossed_at) >= placement.c.end_date,
        )
        .scalar_subquery()
    )
    return DayOf(first)


def cancelled_on(placement: FromClause) -> ColumnElement[dt.date]:
    """The day the placement was cancelled (its creation, if no cancellation was recorded)."""
    recorded = (
        select(func.max(CANCELLATIONS.c.at))
        .where(
            CANCELLATIONS.c.record_type == "Placement",
            CANCELLATIONS.c.record_id == placement.c.id,
            CANCELLATIONS.c.duty == "cancelPlacement",
        )
        .scalar_subquery()
    )
    return DayOf(func.coalesce(recorded, placement.c.created_at))


def closes(placement: FromClause) -> ColumnElement[dt.date]:
    """The window's last day; NULL while the placement has not ended (open).

    The definition: the triggers of migration 0023 keep it in `placements.window_closes` on every
    write that moves it (`keep_closes`, compared with the migration's copy by a test), and
    `drifted` finds a placement whose kept day differs from it."""
    days = _requirement(placement, "partner_access_days", default_requirements().partner_access_days)
    return case(
        (
            placement.c.status == PlacementStatus.CANCELLED,
            DaysAfter(cancelled_on(placement), CANCELLED_WINDOW_DAYS),
        ),
        (placement.c.end_date.is_(None), None),
        else_=DaysAfter(func.coalesce(returned_on(placement), placement.c.end_date), days),
    )


def lasts_until(placement: FromClause, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether the placement's window is still open on `day`: its last day is NULL or `day` or later.

    Reads the kept last day (`placements.window_closes`), not `closes`: working the day out
    searches the requirement versions, the corrections and the worker's crossings for every
    placement a partner office's page tests, and was most of the difference between a partner
    office's page and the same page unrestricted (BENCHMARKS.md, issue 23)."""
    kept = placement.c.window_closes
    return or_(kept.is_(None), kept >= day)


def keep_closes() -> Update:
    """The statement that sets each placement's kept last day to `closes`: the triggers of migration
    0023 run it (with a WHERE of their own) and `rebuild` runs it on the placements that drifted."""
    return update(PLACEMENTS).values(window_closes=closes(PLACEMENTS))


def drifted(session: Session) -> list[tuple[int, dt.date | None, dt.date | None]]:
    """Each placement whose kept last day differs from `closes`: (id, kept, computed). Empty when
    the triggers kept every write, by whichever path."""
    computed = closes(PLACEMENTS)
    rows = session.execute(
        select(PLACEMENTS.c.id, PLACEMENTS.c.window_closes, computed)
        .where(PLACEMENTS.c.window_closes.is_distinct_from(computed))
        .order_by(PLACEMENTS.c.id)
    )
    return [(id_, kept, day) for id_, kept, day in rows]


def rebuild(session: Session) -> int:
    """Set the kept last day of every placement that drifted (rows changed with the triggers off:
    a restore of one table, say); how many were set."""
    statement = keep_closes().where(PLACEMENTS.c.window_closes.is_distinct_from(closes(PLACEMENTS)))
    return cast(CursorResult[Any], session.execute(statement)).rowcount  # an UPDATE's: a cursor's


def is_open(placement: FromClause) -> ColumnElement[bool]:
    """Whether the placement's window is open today."""
    return lasts_until(placement, TODAY)


def holds(placement: FromClause, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether `day` (a day, see `DayOf` for a moment's) lies within the placement's window."""
    return and_(day >= opens(placement), lasts_until(placement, day))


def relied_on_clearance(placement: FromClause, clearance: Any) -> ColumnElement[bool]:
    """`clearance` (a row of police clearances) is the one the placement relied on: the latest not
    voided on or before its start, CLEAR, and recent enough under its requirement version."""
    return _relied_on(
        placement,
        clearance,
        LATER_CLEARANCES,
        "issued_on",
        clearance.result == ClearanceResult.CLEAR,
        _requirement(placement, "clearance_valid_months", default_requirements().clearance_valid_months),
    )


def relied_on_health_check(placement: FromClause, check: Any) -> ColumnElement[bool]:
    """`check` (a row of health checks) is the one the placement relied on, as for a clearance."""
    return _relied_on(
        placement,
        check,
        LATER_CHECKS,
        "checked_on",
        check.result == HealthResult.FIT,
        _requirement(placement, "health_valid_months", default_requirements().health_valid_months),
    )


def _relied_on(
    placement: FromClause,
    record: Any,
    others: FromClause,
    dated: str,
    passed: ColumnElement[bool],
    months: ColumnElement[int],
) -> ColumnElement[bool]:
    start = placement.c.start_date
    latest = (
        select(others.c.id)
        .where(
            others.c.worker_id == placement.c.worker_id,
            others.c.voided_at.is_(None),
            others.c[dated] <= start,
        )
        .order_by(others.c[dated].desc(), others.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    day = getattr(record, dated)
    return and_(record.id == latest, passed, day >= MonthsBefore(start, months))
