"""A statement run on the driver's cursor (`models.database.first_row`), as the compiled reads and the
ledger's batches run theirs: what SQLAlchemy's execution gave them still holds there.

The engine's statement events run (the statement counts, the time budget and the request's timings
hang on them), a driver's error comes out wrapped as SQLAlchemy wraps it, its values hidden (they
can be personal data), and a connection the database cut off is invalidated, so that the kept
connections (`models.kept`) are dropped and the next request opens a new one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, event, exc

from models.database import first_row
from service.registry import Registry

# A name like those the registry holds, as a statement's value: it must never reach an error.
PERSONAL = "Lù Thị Mỷ"


@pytest.fixture
def connection(registry: Registry) -> Iterator[Connection]:
    with registry.engine.connect() as connection:
        yield connection


def _sql(connection: Connection, postgresql: str, sqlite: str) -> str:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


def _value(connection: Connection, value: Any) -> Any:
    return {"v": value} if connection.dialect.name == "postgresql" else (value,)


def test_the_row_comes_back_with_its_fields_named_by_the_statements_labels(connection: Connection) -> None:
    sql = _sql(connection, "SELECT %(v)s AS rows, 3 AS total", "SELECT ? AS rows, 3 AS total")
    row = first_row(connection, sql, _value(connection, "[]"))
    assert (row.rows, row.total) == ("[]", 3)
    assert row[0] == "[]"


def test_a_statement_that_returns_no_row_gives_none(connection: Connection) -> None:
    sql = _sql(connection, "SELECT 1 WHERE %(v)s = 'no'", "SELECT 1 WHERE ? = 'no'")
    assert first_row(connection, sql, _value(connection, "yes")) is None


def test_the_engines_statement_events_run_before_and_after_it(
    registry: Registry, connection: Connection
) -> None:
    seen: list[tuple[str, str]] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(("before", statement))

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(("after", statement))

    sql = _sql(connection, "SELECT %(v)s AS first_row_events", "SELECT ? AS first_row_events")
    event.listen(registry.engine, "before_cursor_execute", before)
    event.listen(registry.engine, "after_cursor_execute", after)
    try:
        first_row(connection, sql, _value(connection, "x"))
    finally:
        event.remove(registry.engine, "before_cursor_execute", before)
        event.remove(registry.engine, "after_cursor_execute", after)
    # only this statement's: the registry's own threads may run statements of their own meanwhile
    assert [when for when, statement in seen if statement == sql] == ["before", "after"]


def test_a_drivers_error_comes_out_wrapped_with_its_values_hidden(connection: Connection) -> None:
    sql = _sql(
        connection,
        "SELECT full_name FROM no_such_table WHERE full_name = %(v)s",
        "SELECT full_name FROM no_such_table WHERE full_name = ?",
    )
    with pytest.raises(exc.DBAPIError) as raised:
        first_row(connection, sql, _value(connection, PERSONAL))
    assert "no_such_table" in str(raised.value)
    assert PERSONAL not in str(raised.value)
    assert PERSONAL not in repr(raised.value)


def test_a_connection_the_database_cut_off_is_invalidated(registry: Registry) -> None:
    if registry.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's: a SQLite file is never cut off from its process")
    with registry.engine.connect() as victim, registry.engine.connect() as other:
        pid = first_row(victim, "SELECT pg_backend_pid() AS pid", {}).pid
        victim.rollback()
        other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        other.commit()
        with pytest.raises(exc.DBAPIError) as raised:
            first_row(victim, "SELECT 1 AS one", {})
        assert raised.value.connection_invalidated
        assert victim.invalidated
