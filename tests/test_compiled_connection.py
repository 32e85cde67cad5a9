"""The connection a compiled read's statements run on (`planner.engine.compiled_connection`).

On PostgreSQL it is one kept out of the pool for compiled reads (`models.kept`), taken for the
answer beside the office's session, which is then never begun; elsewhere the session's own.
Either way the side-door guard watches it as it watches the session's connections
(`policies.side_door`): no statement on a scoped table passes that did not come through the
office's scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

import models
from models.database import KEPT_FOR_READS
from planner.engine import CompiledReads, compiled_connection
from policies.sessions import internal_session, scoped_session
from policies.side_door import SideDoorRefused
from policies.tokens import identity_of
from schema.context import RequestContext
from schema.criteria import searches_personal
from service.operations import run_operation
from service.registry import Registry

WORKERS = "{ workers(first: 3) { nodes { id fullName } } }"


@pytest.fixture
def hekou(registry: Registry) -> Iterator[tuple[Any, Any]]:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "cn-hekou")).one()
        grant = registry.access.grant_for(identity_of(office))
    session = scoped_session(registry.sessions, grant)
    try:
        yield grant, session
    finally:
        session.rollback()
        session.close()


def _answer(registry: Registry, grant: Any, session: Any, compiled: CompiledReads) -> Any:
    schema = registry.schemas.schema_for(grant)
    context = RequestContext(
        grant=grant,
        session=session,
        request_id="compiled-connection",
        purpose=None,
        ledger_key=registry.ledger_key,
        compiled=compiled,
    )
    prepared = schema.operations.prepare(WORKERS, None)
    result = run_operation(schema, prepared, context, WORKERS, {}, None)
    assert not result.errors
    assert context.planned  # answered by the compiled engine, not the reference one
    return result.data


def test_a_compiled_read_on_postgresql_begins_nothing_of_the_offices_session(registry, hekou) -> None:
    if registry.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's: on SQLite the statements share the session's transaction")
    grant, session = hekou
    compiled = CompiledReads(searches_personal)
    for _ in range(3):  # the first run of a plan goes through SQLAlchemy, later ones as text
        assert len(_answer(registry, grant, session, compiled)["workers"]["nodes"]) == 3
        assert not session.in_transaction()


def test_a_compiled_read_leaves_out_of_the_pool_only_the_connections_kept_for_reads(registry, hekou) -> None:
    """The connection a read took is given back for the next read, or to the pool: none is lost."""
    grant, session = hekou
    compiled = CompiledReads(searches_personal)
    pool = registry.engine.pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    _answer(registry, grant, session, compiled)
    held_by_the_session = 1 if session.in_transaction() else 0
    kept = compiled.kept(registry.engine).kept
    assert kept <= KEPT_FOR_READS
    assert pool.checkedout() == before + held_by_the_session + kept  # type: ignore[attr-defined]
    session.commit()
    session.close()
    assert pool.checkedout() == before + kept  # type: ignore[attr-defined]


def test_the_connection_of_a_compiled_read_refuses_a_statement_past_the_offices_scope(hekou) -> None:
    _grant, session = hekou
    kept = CompiledReads(searches_personal).kept
    with compiled_connection(session, kept) as connection, pytest.raises(SideDoorRefused):
        connection.execute(select(models.Worker.__table__.c.full_name))
