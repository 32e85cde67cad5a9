"""Date rules on any day of the year: the registry's "today" is passed to a write, never mocked."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.recorder import DisclosureRecorder
from models import AdminUnit, Office, UnitLevel
from models.database import make_engine, session_factory
from models.sealing import Keyring, set_keyring
from policies.grants import OfficeIdentity
from policies.sessions import scoped_session
from procedure.calendar import age_on, day_of, years_before
from resolvers.writes.common import WriteContext
from resolvers.writes.workers import register_worker
from tests.policy_expectations import access

LEAP_DAY = dt.date(2028, 2, 29)


@pytest.fixture
def labour_session(database, demo_tokens) -> Iterator[tuple[Session, str]]:
    set_keyring(Keyring.load(database.key_file))
    engine = make_engine(database.url)
    factory = session_factory(engine)
    with factory() as plain:
        plain.info["borderlabour.internal"] = True
        office = plain.scalar(select(Office).where(Office.code == "tq-home-affairs"))
        identity = OfficeIdentity(office.id, office.code, office.name, office.side.value, office.unit_id)
        commune = plain.scalar(  # a commune in force on the leap day (since the 2025 reorganisation)
            select(AdminUnit).where(
                AdminUnit.code.like("VN-TQ-2025-%"),
                AdminUnit.level == UnitLevel.COMMUNE,
                AdminUnit.valid_to.is_(None),
            )
        )
        commune_code = commune.code
    session = scoped_session(factory, access().grant_for(identity))
    # A write begins as the service begins one (`service.transaction`): holding SQLite's write lock
    # from its first read. Begun deferred, its read snapshot could predate a commit of the live
    # server sharing this database (its due scan), and SQLite refuses such a snapshot's write at once
    # ("database is locked"), however long the busy timeout.
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield session, commune_code
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def test_a_worker_can_be_registered_on_29_february(labour_session) -> None:
    session, commune = labour_session
    grant = session.info["borderlabour.grant"]
    data = types.SimpleNamespace(
        full_name="Sùng Thị Mai",
        date_of_birth=dt.date(2000, 3, 1),
        sex=types.SimpleNamespace(value="female"),
        ethnicity="Hmong",
        national_id_number="002300009191",
        home_commune_code=commune,
        border_pass_number=None,
        passport_number=None,
        phone=None,
    )
    worker = register_worker(WriteContext(session, grant, LEAP_DAY, DisclosureRecorder()), data)
    assert worker.id is not None and worker.date_of_birth == dt.date(2000, 3, 1)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (LEAP_DAY, 18, dt.date(2010, 2, 28)),
        (LEAP_DAY, 4, dt.date(2024, 2, 29)),
        (dt.date(2027, 3, 1), 18, dt.date(2009, 3, 1)),
    ],
)
def test_the_same_day_years_before_exists_on_every_day(day: dt.date, years: int, expected: dt.date) -> None:
    assert years_before(day, years) == expected


def test_someone_born_on_29_february_comes_of_age_on_1_march_of_a_common_year() -> None:
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18


def test_a_moment_falls_on_vietnams_date() -> None:
    """The registry is kept in Vietnam (UTC+7): 20:00 UTC is already the next day there."""
    assert day_of(dt.datetime(2026, 3, 15, 16, 59, tzinfo=dt.UTC)) == dt.date(2026, 3, 15)
    assert day_of(dt.datetime(2026, 3, 15, 17, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 16)
