"""The benchmark's peer (PostGraphile) reads as cn-hekou: the columns of the fields the office may
read, the rows of its scope. Expectations come from tests/expected_access.csv and the registry's
own answers over HTTP, never from the set-up code; the benchmark itself is not part of the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from bench.peer_access import SCOPE_SCHEMA, readable_columns, role_name, row_policies, scoped_tables
from bindings.kinds import Column, Sealed, Split
from bindings.types import TYPES
from harness.server import ROOT
from policies.grants import Grant, OfficeIdentity
from schema.builder import policy_catalogue
from tests import own_registry_fixtures as own
from tests.conftest import TEST_DB_ENV, cli_env
from tests.paging import all_nodes
from tests.policy_expectations import expected_visible, grant

OFFICE = "cn-hekou"
# A registry of its own (`tests.own_registry_fixtures`): the peer's set-up alters the database's tables
# (row-level security), which no other module's reads may meet or wait for.
registry, database, as_office = own.registry, own.database, own.as_office


def _expected_readable(code: str) -> set[str]:
    return {resource for resource in policy_catalogue() if expected_visible(code, resource)}


def test_peer_role_is_granted_the_columns_of_exactly_the_fields_cn_hekou_may_read() -> None:
    assert readable_columns(grant(OFFICE).readable) == readable_columns(_expected_readable(OFFICE))


def test_no_column_shown_by_a_field_hidden_from_cn_hekou_is_granted() -> None:
    granted = readable_columns(grant(OFFICE).readable)
    hidden = [
        (TYPES[t].model.__table__.name, rule.name)  # type: ignore[union-attr]
        for resource in policy_catalogue() - _expected_readable(OFFICE)
        for t, field in [resource.split(".", 1)]
        if t in TYPES and TYPES[t].model is not None
        for rule in [TYPES[t].fields[field]]
        if isinstance(rule, Column | Sealed | Split)
    ]
    assert ("workers", "national_id_sealed") in hidden  # the table hides the identity number
    assert not [(table, column) for table, column in hidden if column in granted.get(table, ())]


def test_peer_row_policies_cover_every_scoped_table_read_and_fence_each_exists() -> None:
    office = grant(OFFICE)
    placed = Grant(OfficeIdentity(1, OFFICE, OFFICE, "CN", 7), office.readable, frozenset(), office.row_scopes,
                   frozenset(), 1)  # fmt: skip
    columns = readable_columns(placed.readable)
    policies = row_policies(placed, columns)
    assert set(policies) == {table for table in scoped_tables() if table in columns}
    for sql in policies.values():
        assert sql.count("EXISTS") == sql.count("OFFSET 0")
        assert not re.search(rf"\bFROM (?!{SCOPE_SCHEMA}\.|\()", sql), sql


@pytest.mark.skipif(not os.environ.get(TEST_DB_ENV), reason="row-level security is PostgreSQL's")
def test_peer_role_sees_the_workers_cn_hekou_sees_and_no_hidden_column(database, as_office) -> None:
    def peer_access(**spec: object) -> None:
        subprocess.run(
            [sys.executable, "-m", "bench.peer_access"],
            cwd=ROOT,
            env=cli_env(database),
            input=json.dumps({"office": OFFICE, **spec}),
            capture_output=True,
            text=True,
            check=True,
        )

    shown = sorted(w["fullName"] for w in all_nodes(as_office(OFFICE), "workers", "fullName"))
    peer_access()
    engine = create_engine(database.url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SET ROLE {role_name(OFFICE)}"))
            assert sorted(conn.scalars(text("SELECT full_name FROM workers"))) == shown
            with pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text("SELECT national_id_sealed FROM workers LIMIT 1"))
    finally:
        engine.dispose()
        peer_access(drop=True)
    assert shown
