"""The server's PostgreSQL connections prepare their statements at their first run and keep them
(`models.database`), with the numbers and days a plan depends on written into the text
(`planner.compiled`), and compile nothing to machine code.

A compiled read's statement costs PostgreSQL far more CPU to parse and plan than to run from a
prepared plan, so the server prepares a statement the first time a connection runs it, and
nothing on the request path may make the driver forget it:
psycopg drops every statement prepared on a connection when a transaction on it rolls back, so the
token look-up ends with a commit.
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import Integer, bindparam, func, select, text

from models import Office, Placement, PlacementStatus, Worker, WorkerStatus
from planner.compiled import PAGE_LIMIT, Compiled
from policies.windows import TODAY
from service.registry import Registry
from tests.conftest import TEST_DB_ENV

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DB_ENV), reason="prepared statements are PostgreSQL's"
)

STATEMENT = "SELECT count(*) FROM offices WHERE id > :floor"
# The pattern is a parameter, so that this statement, prepared in its turn, does not match itself.
PREPARED = text(
    "SELECT count(*), coalesce(sum(generic_plans + custom_plans), 0) "
    "FROM pg_prepared_statements WHERE statement LIKE :pattern"
)


def _prepared_on_the_connection(registry: Registry) -> tuple[int, tuple[int, ...]]:
    """The backend of the connection the pool hands out, and of STATEMENT prepared there: how many,
    and how many times it ran from its preparation."""
    with registry.engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        found = connection.execute(PREPARED, {"pattern": "%FROM offices WHERE id >%"}).one()
        connection.commit()
    return backend, tuple(found)


def test_a_statement_is_prepared_at_its_first_run_and_kept_through_a_token_look_up(
    registry: Registry, demo_tokens: dict[str, str]
) -> None:
    with registry.engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        connection.execute(text(STATEMENT), {"floor": 0})
        connection.commit()
    assert _prepared_on_the_connection(registry) == (backend, (1, 1))

    with registry.engine.connect() as connection:
        for floor in (1, 2, 3, 4, 5, 6):
            connection.execute(text(STATEMENT), {"floor": floor})
        connection.commit()
    registry.tokens.clear()  # the next request's token is looked up in the database
    assert registry.authenticate(demo_tokens["cn-hekou"]) is not None

    assert _prepared_on_the_connection(registry) == (backend, (1, 7))


def test_the_servers_connections_compile_no_statement_to_machine_code(registry: Registry) -> None:
    """A small read with the row scopes is estimated dear enough for PostgreSQL's JIT, whose
    compilation took longer than the read (BENCHMARKS.md)."""
    with registry.engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar_one() == "off"
        connection.commit()


def test_a_kept_statement_writes_its_page_size_and_day_into_its_text_and_binds_its_words(
    registry: Registry,
) -> None:
    """One statement of a kept plan run with three page sizes: each answers for its own size, and
    the text PostgreSQL prepared holds the size, the day and the number as written values, while
    the word stays a parameter."""
    listed = (
        select(Office.id)
        .where(Office.id >= 1, Office.code != "no-such-office", func.date("2000-01-01") <= TODAY)
        .order_by(Office.id)
        .limit(bindparam(PAGE_LIMIT, type_=Integer()))
    )
    statement = Compiled(select(func.count()).select_from(listed.subquery()))
    with registry.engine.connect() as connection:
        offices = connection.execute(select(func.count()).select_from(Office)).scalar_one()
        assert offices > 5
        # The first run goes through SQLAlchemy; the text is made at the second.
        counts = [statement.run(connection, {PAGE_LIMIT: n})[0] for n in (2, 3, 5, 3)]  # type: ignore[index]
        prepared = (
            connection.execute(
                text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE :p"),
                {"p": "%offices.code != %"},
            )
            .scalars()
            .all()
        )
        connection.commit()
    assert counts == [2, 3, 5, 3]
    written = [s for s in prepared if "LIMIT 3" in s or "LIMIT 5" in s]
    assert len(written) == 2, prepared  # one text per page size, the size 3 prepared once
    for statement_text in written:
        assert re.search(r"CAST\('\d{4}-\d{2}-\d{2}' AS DATE\)", statement_text), statement_text
        assert re.search(r"offices\.id >= 1\b", statement_text), statement_text
        assert re.search(r"offices\.code != \$1", statement_text), statement_text


def test_a_kept_statement_writes_the_members_of_an_enumeration_into_its_text(registry: Registry) -> None:
    """A status is one of a fixed set of words, not a request's text: a filter on one is written
    in, so that PostgreSQL plans for that status's share of the rows and keeps one plan. Bound, it
    made a partner office's page a plan for its values on every run (BENCHMARKS.md, issue 23)."""
    listed = [WorkerStatus.DEPLOYED, WorkerStatus.RETURNED]
    by_list = select(func.count()).select_from(Worker).where(Worker.status.in_(listed))
    by_one = select(func.count()).select_from(Placement).where(Placement.status == PlacementStatus.CANCELLED)
    with registry.engine.connect() as connection:
        expected = [connection.execute(s).scalar_one() for s in (by_list, by_one)]
        kept = [Compiled(by_list), Compiled(by_one)]
        # The first run goes through SQLAlchemy; the text is made at the second.
        counts = [[c.run(connection, {})[0] for _ in range(2)] for c in kept]  # type: ignore[index]
        prepared = (
            connection.execute(
                text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE :p"),
                {"p": "%.status %"},
            )
            .scalars()
            .all()
        )
        connection.commit()
    assert counts == [[expected[0]] * 2, [expected[1]] * 2]
    assert expected[0] > 0
    assert any("workers.status IN ('deployed', 'returned')" in s for s in prepared), prepared
    assert any("placements.status = 'cancelled'" in s for s in prepared), prepared
