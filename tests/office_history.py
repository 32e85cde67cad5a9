"""Acting again as a closed office, for the tests about what it saw and did while it was in force.

An office outside its validity cannot authenticate (policies/validity.py), and the demo issues no
token for it. A test of a closed office's own rights (a district committee's row scope, a
predecessor's jurisdiction compared with its successor's) puts the office back in force for the
test, as data the test builds, gives the live server's clients a token for it, and restores the
office's dates afterwards, so every other test meets the offices as the demo made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import Office
from policies.tokens import issue_token
from settings import normalise_url
from tests.conftest import Database, Server


def _engine(database: Database):  # type: ignore[no-untyped-def]
    return create_engine(normalise_url(database.url))


def _set_dates(database: Database, code: str, dates: tuple[dt.date | None, dt.date | None]) -> None:
    engine = _engine(database)
    try:
        with Session(engine) as session, session.begin():
            office = session.scalars(select(Office).where(Office.code == code)).one()
            office.valid_from, office.valid_to = dates
    finally:
        engine.dispose()


@contextmanager
def back_in_force(database: Database, server: Server, *codes: str) -> Iterator[None]:
    """The offices act again for the length of the block (their dates lifted), each with a token
    in `server.tokens`; afterwards their dates are back and the tokens gone from the clients."""
    engine = _engine(database)
    try:
        with Session(engine) as session, session.begin():
            offices = list(session.scalars(select(Office).where(Office.code.in_(codes))))
            assert sorted(o.code for o in offices) == sorted(codes), codes
            dates = {o.code: (o.valid_from, o.valid_to) for o in offices}
            for office in offices:
                office.valid_from = office.valid_to = None
            session.flush()
            tokens = {code: issue_token(session, code, dt.timedelta(hours=1), "test")[1] for code in codes}
    finally:
        engine.dispose()
    server.tokens.update(tokens)
    try:
        yield
    finally:
        for code in codes:
            server.tokens.pop(code, None)
            _set_dates(database, code, dates[code])
