"""A personal search's match count, remembered between requests, is exact after every kind of write.

The ledger records how many rows a search by personal fields matched (issue 7); the compiled
engine counts them once and then only when the data version shows that a table the count reads
has been written (`planner.memo`, `models.data_version`). These tests change the data the way an
operator might, in SQL beside the registry, and read what the ledger recorded.
"""

from __future__ import annotations

import importlib
import itertools
import json
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, event, select, text

import models
from models.data_version import TRACKED_TABLES
from planner.engine import CompiledReads
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from schema.context import RequestContext
from schema.criteria import searches_personal
from service.operations import run_operation
from service.registry import Registry
from settings import normalise_url
from tests import procedure_steps as steps
from tests.conftest import Database

SEARCH = "query($f: WorkerFilter) { workers(first: 5, filter: $f) { nodes { id fullName } } }"
_serials = itertools.count(1)


@pytest.fixture(scope="module")
def engine(database: Database):
    engine = create_engine(normalise_url(database.url))
    yield engine
    engine.dispose()


def _version(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one())


def _matched_of_last_entry(engine) -> int:
    with engine.connect() as conn:
        payload = conn.execute(
            text("SELECT payload FROM ledger_entries ORDER BY id DESC LIMIT 1")
        ).scalar_one()
    (criteria,) = json.loads(payload)["criteria"]
    return int(criteria["matched"])


def _set_status(engine, name: str, status: str) -> None:
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE workers SET status = :s WHERE full_name = :n"), {"s": status, "n": name}
        ).rowcount
    assert changed == 1


def _registered(as_office) -> tuple[str, dict]:
    name = f"Vàng Thị Mỷ {next(_serials)}-{id(as_office)}"
    steps.register(as_office, "VN-LC", fullName=name)
    return name, {"fullNameContains": name, "status": ["REGISTERED"]}


def test_the_migrations_move_the_version_on_exactly_the_tables_the_code_calls_tracked() -> None:
    migrations = ("0011_data_version", "0022_data_version_windows")
    tables = [t for m in migrations for t in importlib.import_module(f"migrations.versions.{m}").TABLES]
    assert len(tables) == len(set(tables)) and frozenset(tables) == TRACKED_TABLES


# Tracked tables the demo leaves empty: a row to update. A correction of no record type the window reads.
EMPTY_IN_THE_DEMO = {
    "corrections": "INSERT INTO corrections (record_type, record_id, duty, fields, reason, office_id, at) "
    "SELECT 'NoRecord', 0, 'test', '', 'test', min(id), CURRENT_TIMESTAMP FROM offices",
}


@pytest.mark.parametrize("table", sorted(TRACKED_TABLES))
def test_a_committed_write_to_a_tracked_table_moves_the_version_and_a_rolled_back_one_does_not(
    engine, as_office, table: str
) -> None:
    as_office("lc-home-affairs")  # the demo data is loaded
    key = models.Base.metadata.tables[table].primary_key.columns.values()[0].name
    touch = text(f"UPDATE {table} SET {key} = {key} WHERE {key} = (SELECT min({key}) FROM {table})")
    if table in EMPTY_IN_THE_DEMO:  # a row of no record's history, written for the test and removed
        with engine.begin() as conn:
            conn.execute(text(EMPTY_IN_THE_DEMO[table]))
    before = _version(engine)
    with engine.connect() as conn:
        assert conn.execute(touch).rowcount >= 1
        conn.rollback()
    assert _version(engine) == before
    with engine.begin() as conn:
        conn.execute(touch)
    assert _version(engine) > before
    if table in EMPTY_IN_THE_DEMO:
        with engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table} WHERE record_type = 'NoRecord'"))


def test_the_ledger_counts_the_matches_again_after_a_status_changed_in_sql_beside_the_registry(
    engine, as_office
) -> None:
    name, criteria = _registered(as_office)
    labour = as_office(steps.LABOUR["VN-LC"])
    for _ in range(2):  # the second answer's count is the remembered one
        assert [w["fullName"] for w in labour.data(SEARCH, {"f": criteria})["workers"]["nodes"]] == [name]
        assert _matched_of_last_entry(engine) == 1
    _set_status(engine, name, "cleared")
    try:
        assert labour.data(SEARCH, {"f": criteria})["workers"]["nodes"] == []
        # No worker was disclosed, so nothing is ledgered unless the criteria are: they are, with 0.
        assert _matched_of_last_entry(engine) == 0
    finally:
        _set_status(engine, name, "registered")
    assert len(labour.data(SEARCH, {"f": criteria})["workers"]["nodes"]) == 1
    assert _matched_of_last_entry(engine) == 1


def _counts_rows(registry: Registry, office_code: str, criteria: dict) -> Callable[[], bool]:
    """Runs the search as `office_code` (compiled engine) and tells whether it counted the rows its
    filter matches: after a write, the statement that finds the version moved is followed by one
    that counts."""
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == office_code)).one()
        grant = registry.access.grant_for(identity_of(office))
    schema, compiled = registry.schemas.schema_for(grant), CompiledReads(searches_personal)
    prepared = schema.operations.prepare(SEARCH, None)
    statements: list[str] = []
    event.listen(registry.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))

    def counted_rows() -> bool:
        statements.clear()
        session = scoped_session(registry.sessions, grant)
        try:
            context = RequestContext(
                grant=grant,
                session=session,
                request_id="memo",
                purpose="placement-verification",
                ledger_key=registry.ledger_key,
                compiled=compiled,
            )
            result = run_operation(schema, prepared, context, SEARCH, {"f": criteria}, None)
            assert result.errors is None and result.data["workers"]["nodes"]
            assert context.recorder.matched["workers"]() >= 1
        finally:
            session.rollback()
            session.close()
        return any("count(*)" in statement for statement in statements)

    return counted_rows


def test_a_repeated_search_counts_its_matches_once_until_a_table_it_reads_is_written(
    registry: Registry, engine, as_office
) -> None:
    _, criteria = _registered(as_office)
    counted_rows = _counts_rows(registry, steps.LABOUR["VN-LC"], criteria)
    assert counted_rows()
    assert not counted_rows() and not counted_rows()
    with engine.begin() as conn:  # a write to a table the count reads, even one that changes no match
        conn.execute(text("UPDATE employers SET id = id WHERE id = (SELECT min(id) FROM employers)"))
    assert counted_rows()
    assert not counted_rows()


def test_a_partner_office_s_search_counts_its_matches_once_until_a_return_crossing_could_close_a_window(
    registry: Registry, engine, as_office
) -> None:
    """A partner office sees a placement's worker only within the placement's window, which a
    return crossing closes (DOMAIN.md): its count reads crossings, and is remembered like any other."""
    as_office("cn-hekou")  # the demo data is loaded
    counted_rows = _counts_rows(registry, "cn-hekou", {"status": ["DEPLOYED"]})
    assert counted_rows()
    assert not counted_rows() and not counted_rows()
    with engine.begin() as conn:
        conn.execute(text("UPDATE crossings SET id = id WHERE id = (SELECT min(id) FROM crossings)"))
    assert counted_rows()
    assert not counted_rows()
