"""A worker's reference day for retention is the registry's day, Vietnam's (README, "Retention": the
day of the last crossing, or of the registration): a crossing at 05:00 in Vietnam on the cutoff day is
on that day, not on the day before as UTC has it, so the worker is not erased a day early.

The rows are written in a transaction of the test's own, rolled back: no other test sees them."""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, insert, select

from models import AdminUnit, BorderGate, Crossing, Direction, Office, Sex, TravelDocument, Worker
from models.database import make_engine
from models.units import UnitLevel
from retention.due import DueOn
from retention.rules import parse_rules

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # DOMAIN.md: the registry is kept in Vietnam
DAYS = 1825
RULES = parse_rules(tomllib.loads(f"[[workers]]\ndays = {DAYS}\nvalid_from = 2015-01-01\n"))
ON = dt.date(2026, 12, 8)
CUTOFF = ON - dt.timedelta(days=DAYS)  # a reference day before it is due; on it, kept


@pytest.fixture
def rolled_back(database) -> Iterator[Connection]:
    engine = make_engine(database.url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield connection
            finally:
                transaction.rollback()
    finally:
        engine.dispose()


def _worker(connection: Connection, registered: dt.datetime) -> int:
    province = connection.scalar(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.PROVINCE).limit(1))
    commune = connection.scalar(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.COMMUNE).limit(1))
    values = {
        "full_name": "Thào Thị Mai",
        "date_of_birth": dt.date(1990, 3, 4),
        "sex": Sex.FEMALE,
        "ethnicity": "Hmông",
        "national_id_sealed": "sealed",
        "national_id_index": f"retention-day-{uuid.uuid4().hex}",
        "home_province_id": province,
        "home_commune_id": commune,
        "created_at": registered,
    }
    return int(connection.execute(insert(Worker).values(values).returning(Worker.id)).scalar_one())


def _crossed(connection: Connection, worker: int, at: dt.datetime) -> None:
    gate = connection.scalar(select(BorderGate.id).limit(1))
    office = connection.scalar(select(Office.id).limit(1))
    connection.execute(
        insert(Crossing).values(
            worker_id=worker,
            gate_id=gate,
            direction=Direction.EXIT_VIETNAM,
            crossed_at=at,
            document=TravelDocument.BORDER_PASS,
            recorded_by_office_id=office,
        )
    )


def _due(connection: Connection, workers: list[int]) -> set[int]:
    due = DueOn(ON, RULES).due_workers()
    return set(connection.scalars(select(Worker.id).where(Worker.id.in_(workers), Worker.id.in_(due))))


def test_a_worker_whose_last_crossing_is_early_on_the_cutoff_day_in_vietnam_is_kept(rolled_back) -> None:
    long_ago = dt.datetime(2015, 3, 1, 9, tzinfo=VIETNAM)
    early = _worker(rolled_back, long_ago)
    _crossed(
        rolled_back, early, dt.datetime.combine(CUTOFF, dt.time(5), tzinfo=VIETNAM)
    )  # 22:00 UTC the day before
    later = _worker(rolled_back, long_ago)
    _crossed(rolled_back, later, dt.datetime.combine(CUTOFF, dt.time(8), tzinfo=VIETNAM))
    before = _worker(rolled_back, long_ago)
    _crossed(
        rolled_back,
        before,
        dt.datetime.combine(CUTOFF, dt.time(23, 30), tzinfo=VIETNAM) - dt.timedelta(days=1),
    )
    assert _due(rolled_back, [early, later, before]) == {before}


def test_a_worker_registered_early_on_the_cutoff_day_in_vietnam_and_never_crossing_is_kept(
    rolled_back,
) -> None:
    early = _worker(rolled_back, dt.datetime.combine(CUTOFF, dt.time(3), tzinfo=VIETNAM))
    before = _worker(
        rolled_back, dt.datetime.combine(CUTOFF, dt.time(23), tzinfo=VIETNAM) - dt.timedelta(days=1)
    )
    assert _due(rolled_back, [early, before]) == {before}
