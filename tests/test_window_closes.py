"""Each placement keeps the last day of a partner office's window (`placements.window_closes`), and
every write that moves it, by whichever path, moves the kept day with it (migration 0023).

The expectations are the rule's text (DOMAIN.md, "Row scopes"; `tests/partner_windows.py`): an
ended placement's window closes `partnerAccessDays` (from the requirement version in force on its
start) after the later of its end and the worker's first entry crossing, not voided, on or after
the end; a cancelled one 30 days after the cancellation's day (Vietnam's); an open one has none.
The writes here are plain SQL statements on the tables, past the API, as an import, a restore or an
operator's script would write.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

import models
from harness.databases import demo_copy
from migrations import version_module
from policies import windows
from settings import normalise_url
from tests.conftest import TEST_DB_ENV, Database, Template, run_cli
from tests.partner_windows import DEFAULT_DAYS, VIETNAM
from tests.waiting import a_lock_is_waited_for

P = models.Placement.__table__
CROSSINGS = models.Crossing.__table__
VERSIONS = models.AgreementRequirements.__table__
CANCELLED_DAYS = 30  # DOMAIN.md: a cancelled placement closes 30 days after the cancellation
START, END = dt.date(2030, 3, 1), dt.date(2030, 9, 30)  # after every crossing of the demo
VOIDED_AT = dt.datetime(2031, 1, 5, 3, 0, tzinfo=dt.UTC)


def _words(sql: str) -> str:
    return " ".join(sql.replace("(", " ( ").replace(")", " ) ").split())


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_the_migrations_triggers_run_the_definition_the_scopes_are_checked_against(dialect: Any) -> None:
    """The triggers hold a copy of `windows.keep_closes` compiled for each database (a migration
    must not change with the code): a change of the definition, or of `partnerAccessDays`'
    default, must come with a migration that recomputes the days."""
    compiled = windows.keep_closes().compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    assert _words(version_module("0023_window_closes.py").RECOMPUTE[dialect.name]) == _words(str(compiled))


@pytest.fixture(scope="module")
def copy(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database of this module's own: the placement written here is nobody else's business."""
    with demo_copy(template, tmp_path_factory.mktemp("windows")) as database:
        yield database


@pytest.fixture(scope="module")
def engine(copy: Database) -> Iterator[Engine]:
    made = create_engine(normalise_url(copy.url))
    yield made
    made.dispose()


def _version(conn: Connection, agreement: int, valid_from: dt.date, days: int) -> int:
    """A requirement version of the agreement from `valid_from`, with `days` for the windows."""
    made = insert(VERSIONS).values(
        agreement_id=agreement,
        valid_from=valid_from,
        clearance_valid_months=6,
        health_valid_months=6,
        minimum_age=18,
        minimum_monthly_wage_cny=1000,
        overridable="",
        partner_access_days=days,
    )
    return conn.execute(made.returning(VERSIONS.c.id)).scalar_one()


def _completed(conn: Connection, like: Any, start: dt.date, end: dt.date) -> int:
    """A completed placement of the worker, with the employer and agreement, of the row `like`."""
    return conn.execute(
        insert(P)
        .values(
            worker_id=like.worker_id,
            employer_id=like.employer_id,
            agreement_id=like.agreement_id,
            job="Thu hoạch chuối",
            monthly_wage_cny=3000,
            start_date=start,
            end_date=end,
            status=models.PlacementStatus.COMPLETED,
        )
        .returning(P.c.id)
    ).scalar_one()


def _ended(
    engine: Engine, nth: int, start: dt.date, end: dt.date, since: dt.date, days: int
) -> dict[str, Any]:
    """A completed placement from `start` to `end`, of the worker, employer and agreement of the
    demo's `nth` placement, under a requirement version of its agreement from `since` with `days`."""
    with engine.begin() as conn:
        like = conn.execute(
            select(P.c.worker_id, P.c.employer_id, P.c.agreement_id).order_by(P.c.id).offset(nth).limit(1)
        ).one()
        return {
            "version": _version(conn, like.agreement_id, since, days),
            "id": _completed(conn, like, start, end),
            "worker": like.worker_id,
            "agreement": like.agreement_id,
            "gate": conn.scalar(select(models.BorderGate.id).limit(1)),
            "office": conn.scalar(select(models.Office.id).limit(1)),
        }


@pytest.fixture(scope="module")
def placement(engine: Engine) -> dict[str, Any]:
    """A completed placement, started and ended after every crossing of the demo, of a worker with
    placements, under an agreement whose newest requirement version is made here."""
    return _ended(engine, 0, START, END, START - dt.timedelta(days=10), 45)


def _kept(engine: Engine, placement: dict[str, Any]) -> dt.date | None:
    with engine.connect() as conn:
        return conn.scalar(select(P.c.window_closes).where(P.c.id == placement["id"]))


def _in_transaction(engine: Engine, statement: Any) -> None:
    with engine.begin() as conn:
        conn.execute(statement)


def _enter(on: Engine | Connection, placement: dict[str, Any], day: dt.date, hour_in_vietnam: int = 9) -> int:
    """An entry crossing of the placement's worker; committed at once if `on` is an engine."""
    at = dt.datetime.combine(day, dt.time(hour_in_vietnam), tzinfo=VIETNAM).astimezone(dt.UTC)
    with on.begin() if isinstance(on, Engine) else nullcontext(on) as conn:
        return conn.execute(
            insert(CROSSINGS)
            .values(
                worker_id=placement["worker"],
                gate_id=placement["gate"],
                direction=models.Direction.ENTER_VIETNAM,
                crossed_at=at,
                document=models.TravelDocument.BORDER_PASS,
                recorded_by_office_id=placement["office"],
            )
            .returning(CROSSINGS.c.id)
        ).scalar_one()


def _no_drift(copy: Database) -> None:
    checked = run_cli(copy, "windows", "check", check=False)
    assert checked.returncode == 0 and "window days OK" in checked.stdout, checked.stderr


def test_each_write_that_moves_a_window_moves_its_kept_day(
    engine: Engine, copy: Database, placement: dict[str, Any]
) -> None:
    days = dt.timedelta(days=45)  # the version in force on the placement's start, made above
    assert _kept(engine, placement) == END + days, "made ended: its end plus the version's days"

    later = _enter(engine, placement, END + dt.timedelta(days=20))
    assert _kept(engine, placement) == END + dt.timedelta(days=20) + days, "the return moves it"
    # 23:30 in Vietnam is 16:30 UTC: the return's day is Vietnam's.
    first = _enter(engine, placement, END + dt.timedelta(days=5), hour_in_vietnam=23)
    assert _kept(engine, placement) == END + dt.timedelta(days=5) + days, "the first return counts"

    with engine.begin() as conn:
        conn.execute(
            update(CROSSINGS).where(CROSSINGS.c.id == first).values(voided_at=VOIDED_AT, void_reason="nhầm")
        )
    assert _kept(engine, placement) == END + dt.timedelta(days=20) + days, "a voided return does not"

    with engine.begin() as conn:
        conn.execute(
            update(VERSIONS).where(VERSIONS.c.id == placement["version"]).values(partner_access_days=7)
        )
    assert _kept(engine, placement) == END + dt.timedelta(days=27), "the version's days are read again"

    with engine.begin() as conn:
        conn.execute(delete(CROSSINGS).where(CROSSINGS.c.id == later))
    assert _kept(engine, placement) == END + dt.timedelta(days=7), "a deleted return no longer counts"

    with engine.begin() as conn:
        conn.execute(update(P).where(P.c.id == placement["id"]).values(end_date=None, status="active"))
    assert _kept(engine, placement) is None, "reopened: open-ended"

    cancelled_at = dt.datetime(2030, 10, 2, 20, 0, tzinfo=dt.UTC)  # 3 October in Vietnam
    with engine.begin() as conn:
        conn.execute(update(P).where(P.c.id == placement["id"]).values(status="cancelled"))
        conn.execute(
            insert(models.Correction.__table__).values(
                record_type="Placement",
                record_id=placement["id"],
                duty="cancelPlacement",
                fields="status",
                reason="Người lao động không đi nữa",
                office_id=placement["office"],
                at=cancelled_at,
            )
        )
    assert _kept(engine, placement) == dt.date(2030, 10, 3) + dt.timedelta(days=CANCELLED_DAYS)
    _no_drift(copy)


def test_closing_or_removing_the_version_in_force_falls_back_to_the_one_before(
    engine: Engine, copy: Database
) -> None:
    """Its own placement and version: the days of the version before are the agreement's data.
    The version's end of validity alone moves (as when a new version closes it), then it goes."""
    start = dt.date(2031, 5, 1)
    end = start + dt.timedelta(days=60)
    made = _ended(engine, 1, start, end, start, 3)
    version = made["version"]
    with engine.connect() as conn:
        before = conn.scalar(
            select(VERSIONS.c.partner_access_days)
            .where(
                VERSIONS.c.agreement_id == made["agreement"],
                VERSIONS.c.valid_from <= start,
                VERSIONS.c.id != version,
            )
            .order_by(VERSIONS.c.valid_from.desc())
            .limit(1)
        )
    fallback = end + dt.timedelta(days=before if before is not None else DEFAULT_DAYS)
    assert _kept(engine, made) == end + dt.timedelta(days=3)

    def valid_to(day: dt.date | None) -> None:
        with engine.begin() as conn:
            conn.execute(update(VERSIONS).where(VERSIONS.c.id == version).values(valid_to=day))

    valid_to(start - dt.timedelta(days=1))
    assert _kept(engine, made) == fallback, "closed before the start: the one before"
    valid_to(start)
    assert _kept(engine, made) == end + dt.timedelta(days=3), "in force on its last day"
    valid_to(None)
    assert _kept(engine, made) == end + dt.timedelta(days=3)
    with engine.begin() as conn:
        conn.execute(delete(VERSIONS).where(VERSIONS.c.id == version))
    assert _kept(engine, made) == fallback
    _no_drift(copy)


def test_check_names_a_day_written_past_the_triggers_and_rebuild_sets_it(
    engine: Engine, copy: Database, placement: dict[str, Any]
) -> None:
    with engine.begin() as conn:
        right = conn.scalar(select(P.c.window_closes).where(P.c.id == placement["id"]))
        conn.execute(update(P).where(P.c.id == placement["id"]).values(window_closes=dt.date(2001, 1, 1)))
    checked = run_cli(copy, "windows", "check", check=False)
    assert checked.returncode == 1
    assert f"DRIFT placement {placement['id']}: kept 2001-01-01" in checked.stderr
    rebuilt = run_cli(copy, "windows", "rebuild")
    assert "1 placement(s) changed" in rebuilt.stdout
    assert _kept(engine, placement) == right
    _no_drift(copy)


@pytest.mark.skipif(not os.environ.get(TEST_DB_ENV), reason="SQLite has one writer at a time")
def test_a_return_and_a_version_written_at_once_leave_the_day_both_make(engine: Engine) -> None:
    """A return recorded in one transaction while another changes the version in force: the version's
    trigger waits for the return's transaction, then sets the day from what both wrote (DOMAIN.md:
    `partnerAccessDays` of the version after the return), not from a snapshot without the return."""
    start, end = dt.date(2032, 3, 1), dt.date(2032, 6, 30)
    back = end + dt.timedelta(days=9)
    made = _ended(engine, 2, start, end, start - dt.timedelta(days=30), 45)
    version = made["version"]
    returning = engine.connect()
    held = returning.begin()
    _enter(returning, made, back)  # not committed: its trigger holds the placement
    days_changed = threading.Thread(
        target=lambda: _in_transaction(
            engine, update(VERSIONS).where(VERSIONS.c.id == version).values(partner_access_days=20)
        )
    )
    days_changed.start()
    waited = a_lock_is_waited_for(engine, 10)
    held.commit()
    returning.close()
    days_changed.join(timeout=30)
    assert waited, "the version's write never waited for the return's transaction: nothing was raced"
    assert _kept(engine, made) == back + dt.timedelta(days=20)


@pytest.mark.skipif(not os.environ.get(TEST_DB_ENV), reason="SQLite has one writer at a time")
def test_a_version_change_locks_its_agreements_placements_in_the_order_of_their_ids(engine: Engine) -> None:
    """Two writes that lock the same placements queue instead of deadlocking only if both take them
    in one order (migration 0024: their ids). Two placements of one agreement are stored with the
    higher id first, so a plan reading the table as stored meets that one first. While a transaction
    holds the lower, a change of the agreement's version must wait for it holding nothing above it:
    the higher one is still free for another write to lock."""
    made = _ended(engine, 4, dt.date(2033, 3, 1), dt.date(2033, 6, 30), dt.date(2033, 1, 1), 45)
    with engine.begin() as conn:
        like = conn.execute(select(P).where(P.c.id == made["id"])).one()
        lower, higher = (conn.scalar(text("SELECT nextval('placements_id_seq')")) for _ in range(2))
        for placement_id in (higher, lower):  # stored in this order
            row = {c: getattr(like, c) for c in ("worker_id", "employer_id", "agreement_id", "job")}
            conn.execute(
                insert(P).values(
                    id=placement_id,
                    **row,
                    monthly_wage_cny=3000,
                    start_date=dt.date(2033, 7, 1),
                    end_date=dt.date(2033, 8, 31),
                    status=models.PlacementStatus.COMPLETED,
                )
            )
    holding = engine.connect()
    held = holding.begin()
    holding.execute(select(P.c.id).where(P.c.id == lower).with_for_update())
    changing = threading.Thread(
        target=lambda: _in_transaction(
            engine, update(VERSIONS).where(VERSIONS.c.id == made["version"]).values(partner_access_days=50)
        )
    )
    changing.start()
    try:
        waited = a_lock_is_waited_for(engine, 10)
        assert waited, "the version's change never waited for the placement held: nothing was raced"
        with engine.begin() as conn:
            free = conn.execute(
                text("SELECT id FROM placements WHERE id = :id FOR UPDATE SKIP LOCKED"), {"id": higher}
            ).scalar()
        assert free == higher, "the version's change locked a placement of a higher id while it waited"
    finally:
        held.commit()
        holding.close()
        changing.join(timeout=30)
    assert _kept(engine, made) == dt.date(2033, 6, 30) + dt.timedelta(days=50)
