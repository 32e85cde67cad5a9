"""The server's PostgreSQL connections prepare their statements at their first run and keep them
(`models.database`).

A compiled read's statement costs PostgreSQL far more CPU to parse and plan than to run from a
prepared plan, so the server prepares a statement the first time a connection runs it, and
nothing on the request path may make the driver forget it:
psycopg drops every statement prepared on a connection when a transaction on it rolls back, so the
token look-up ends with a commit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from harness.databases import Database
from service.registry import Registry
from settings import Settings
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


@pytest.fixture(scope="module")
def registry(database: Database) -> Iterator[Registry]:
    registry = Registry(Settings.load(database_url=database.url, key_file=database.key_file))
    yield registry
    registry.engine.dispose()


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
