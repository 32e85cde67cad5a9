"""Autocommit connections kept out of the pool between uses (`models.kept`), and the compiled reads
that run on them: taken again without the pool, at most the limit kept, each statement its own
transaction, and the pool's safeguards made for them (a connection that idled is pinged, the
database's loss drops every kept one, a failed use goes back to the pool, disposal closes them).

PostgreSQL only: on SQLite a compiled read runs on its session's own connection.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select, text

import models
from models import kept as kept_module
from models.database import KEPT_FOR_READS, POOL_SIZE, make_engine
from models.kept import KeptConnections
from planner.engine import CompiledReads
from policies.grants import Grant
from policies.sessions import internal_session, scoped_session
from policies.side_door import SideDoorRefused, serving
from policies.tokens import identity_of
from schema.context import RequestContext
from schema.criteria import searches_personal
from service.operations import run_operation
from service.registry import Registry
from tests.conftest import Database

pytestmark = pytest.mark.skipif(
    not os.environ.get("BORDERLABOUR_TEST_DATABASE_URL"), reason="PostgreSQL only (connections kept apart)"
)

NOW = text("SELECT now()")
READ = "{ workers(first: 3) { totalCount nodes { id fullName placements { job } } } }"


@pytest.fixture
def engine(database: Database) -> Iterator[Engine]:
    """An engine of the test's own, as the server makes it: no other test takes its connections."""
    made = make_engine(database.url, 30, serving=True)
    yield made
    made.dispose()


def _checkouts(engine: Engine) -> list[int]:
    """One entry for every connection the pool hands out from now on."""
    taken: list[int] = []
    event.listen(engine, "checkout", lambda *_args: taken.append(1))
    return taken


def _backend(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: Engine, pid: int) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()


def test_a_connection_given_back_is_taken_again_without_the_pool(engine: Engine) -> None:
    kept = KeptConnections(engine, 2)
    with kept.taken() as first:
        pid = _backend(first)
    taken = _checkouts(engine)
    with kept.taken() as again:
        assert again is first and _backend(again) == pid
    assert taken == [] and kept.kept == 1


def test_at_most_the_limit_are_kept_and_the_others_go_back_to_the_pool(engine: Engine) -> None:
    kept = KeptConnections(engine, 3)
    connections = [kept.take() for _ in range(5)]
    assert engine.pool.checkedout() == 5  # type: ignore[attr-defined]
    for connection in connections:
        kept.give_back(connection)
    assert kept.kept == 3
    assert engine.pool.checkedout() == 3  # type: ignore[attr-defined]


def test_after_a_burst_a_process_keeps_no_more_connections_open_than_before(engine: Engine) -> None:
    """More requests at once than a process keeps connections open: compiled reads beyond those kept,
    and other work through the pool. Afterwards the connections kept for reads and the pool's idle
    ones together are no more than the pool kept open when every connection went back to it
    (`models.database.POOL_SIZE`): a host's processes stay within PostgreSQL's `max_connections`
    while idle. (Kept to 24 at once: the test run's other processes hold connections too.)"""
    reads, others = KEPT_FOR_READS + 4, POOL_SIZE - KEPT_FOR_READS
    kept, start = KeptConnections(engine, KEPT_FOR_READS), threading.Barrier(reads + others)
    nap = text("SELECT pg_sleep(0.05)")

    def read() -> None:
        start.wait()
        with kept.taken() as connection:
            connection.execute(nap)

    def write() -> None:
        start.wait()
        with engine.connect() as connection:
            connection.execute(nap)
            connection.commit()

    work = [read] * reads + [write] * others
    threads = [threading.Thread(target=w) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    pool = engine.pool
    assert 0 < kept.kept <= KEPT_FOR_READS
    assert pool.checkedout() == kept.kept  # type: ignore[attr-defined]
    assert pool.checkedin() + pool.checkedout() <= POOL_SIZE  # type: ignore[attr-defined]


def test_each_statement_on_a_kept_connection_is_its_own_transaction(engine: Engine) -> None:
    """PostgreSQL's `now()` is the start of the transaction: two statements of one read the same."""
    kept = KeptConnections(engine, 1)
    with kept.taken() as connection:
        assert connection.execute(NOW).scalar_one() != connection.execute(NOW).scalar_one()


def test_a_kept_connection_the_database_dropped_while_idle_is_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_module, "IDLE_BEFORE_PING", 0.05)
    kept = KeptConnections(engine, 1)
    with kept.taken() as connection:
        pid = _backend(connection)
    _terminate(engine, pid)
    time.sleep(0.2)
    with kept.taken() as replaced:
        assert _backend(replaced) != pid


def test_when_the_pool_invalidates_a_connection_every_kept_one_is_dropped(engine: Engine) -> None:
    """A connection that met a database gone away is invalidated by the pool: the kept ones served
    the same database, and are not handed out again."""
    kept = KeptConnections(engine, 2)
    first, second = kept.take(), kept.take()
    kept.give_back(first)
    kept.give_back(second)
    with engine.connect() as other:
        other.invalidate()
    assert kept.kept == 0
    assert first.closed and second.closed
    with kept.taken() as fresh:
        assert fresh is not first and fresh is not second


def test_a_connection_whose_use_failed_goes_back_to_the_pool(engine: Engine) -> None:
    kept = KeptConnections(engine, 2)
    with pytest.raises(RuntimeError), kept.taken() as connection:
        connection.execute(text("SELECT 1"))
        raise RuntimeError("the work failed")
    assert kept.kept == 0 and engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_disposing_the_engine_closes_every_kept_connection(engine: Engine) -> None:
    kept = KeptConnections(engine, 2)
    with kept.taken() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert kept.kept == 0 and connection.closed


def _hekou(registry: Registry) -> Grant:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "cn-hekou")).one()
        return registry.access.grant_for(identity_of(office))


def _read(registry: Registry, grant: Grant, compiled: CompiledReads) -> tuple[dict[str, Any], bool]:
    """READ answered on `compiled` (no ledger: only the planner's connections), and whether the
    compiled engine answered it."""
    schema = registry.schemas.schema_for(grant)
    session = scoped_session(registry.sessions, grant)
    try:
        context = RequestContext(grant=grant, session=session, request_id="kept", compiled=compiled)
        result = run_operation(schema, schema.operations.prepare(READ, None), context, READ, {}, None)
        assert not result.errors, result.errors
        return dict(result.data or {}), context.planned
    finally:
        session.rollback()
        session.close()


def test_compiled_reads_one_after_another_take_no_connection_from_the_pool(registry: Registry) -> None:
    grant, compiled = _hekou(registry), CompiledReads(searches_personal)
    first = _read(registry, grant, compiled)
    assert first[1]  # answered by the compiled engine
    taken = _checkouts(registry.engine)
    assert _read(registry, grant, compiled) == first
    assert _read(registry, grant, compiled) == first
    assert taken == []
    assert compiled.kept(registry.engine).kept == 1


def test_a_compiled_read_whose_kept_connection_was_cut_is_still_answered(registry: Registry) -> None:
    """Cut before the pool's idle ping would notice: the statement meets the lost connection, the
    read is answered by the reference engine on a new one, and no kept connection is left to fail."""
    grant, compiled = _hekou(registry), CompiledReads(searches_personal)
    expected, _compiled = _read(registry, grant, compiled)
    kept = compiled.kept(registry.engine)
    connection = kept.take()
    pid = _backend(connection)
    kept.give_back(connection)
    _terminate(registry.engine, pid)
    assert _read(registry, grant, compiled) == (expected, False)
    assert dict(compiled.fallbacks) == {"planner error": 1}
    assert kept.kept == 0
    assert _read(registry, grant, compiled) == (expected, True)  # on a new connection


def test_a_kept_connection_serving_a_session_without_a_grant_is_not_held_to_the_last_ones(
    registry: Registry, engine: Engine
) -> None:
    """The side-door guard asks the grant of the session a connection serves now: a kept connection
    that served an office's read and then serves the registry's own work is not refused for it."""
    scoped = scoped_session(registry.sessions, _hekou(registry))
    kept = KeptConnections(engine, 1)
    everyone = select(models.Worker.id).limit(1)
    try:
        with kept.taken() as connection:
            serving(connection, scoped)
            with pytest.raises(SideDoorRefused):
                connection.execute(everyone)
        with internal_session(registry.sessions) as internal, kept.taken() as connection:
            serving(connection, internal)
            connection.execute(everyone)
    finally:
        scoped.close()
