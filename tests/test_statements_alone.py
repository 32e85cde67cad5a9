"""A compiled read's statements run each in its own transaction on PostgreSQL, and the connection is
transactional again afterwards (`models.database.statements_alone`).

PostgreSQL's `now()` is the start of the current transaction (PostgreSQL's manual, "Current
Date/Time"): two statements of one transaction read the same `now()`, two transactions two.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from models.database import make_engine, statements_alone
from tests.conftest import Database

pytestmark = pytest.mark.skipif(
    not os.environ.get("BORDERLABOUR_TEST_DATABASE_URL"), reason="PostgreSQL only (BEGIN and COMMIT)"
)

NOW = text("SELECT now()")


def _one_transaction(connection: Connection) -> bool:
    """Whether two statements run now on `connection` are in one transaction."""
    return bool(connection.execute(NOW).scalar_one() == connection.execute(NOW).scalar_one())


@pytest.fixture(scope="module")
def engine(database: Database) -> Iterator[Engine]:
    engine = make_engine(database.url, 30, serving=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS alone_probe (id integer PRIMARY KEY)"))
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alone_probe"))
    engine.dispose()


def test_each_statement_within_runs_as_its_own_transaction(engine: Engine) -> None:
    with engine.connect() as connection:
        with statements_alone(connection):
            assert not _one_transaction(connection)
        connection.commit()


def test_without_it_the_statements_share_one_transaction(engine: Engine) -> None:
    with engine.connect() as connection:
        assert _one_transaction(connection)
        connection.commit()


def test_after_it_the_same_connection_writes_all_or_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        with statements_alone(connection):
            connection.execute(NOW)
        connection.execute(text("INSERT INTO alone_probe VALUES (1)"))
        with pytest.raises(IntegrityError):
            connection.execute(text("INSERT INTO alone_probe VALUES (1)"))
        connection.rollback()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alone_probe")).scalar_one() == 0


def test_inside_an_open_transaction_it_changes_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))  # the transaction is open
        with statements_alone(connection):
            assert _one_transaction(connection)
        connection.rollback()


def test_a_connection_handed_back_from_it_is_transactional_for_the_next_user(engine: Engine) -> None:
    """The pool hands out the connection returned last (`serving`): the one the block used."""
    with engine.connect() as connection, statements_alone(connection):
        connection.execute(NOW)
    with engine.connect() as connection:
        assert _one_transaction(connection)
        connection.commit()
