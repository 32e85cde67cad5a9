"""The benchmark peer's access: one office's grant and row scope as a PostgreSQL role.

The peer (PostGraphile, see `bench/postgraphile.py`) reads the same database as the registry,
so the comparison is fair only if it sees exactly what the office sees. Nothing here is written by
hand: the columns come from the office's grant (`policies/`) through the fields' read bindings
(`bindings/types.py`, which say which columns each `Type.field` is read from), and the row-level
security policies are the very scope expressions `policies/scopes.py` gives the registry,
compiled for PostgreSQL.

Three details make the compiled scopes work as policies:

- A policy's sub-queries run with the querying role's rights and under the row-level security of
  the tables they read, so a policy on `workers` that reads `placements` would also apply the
  policy of `placements`, and the role would need rights on tables the office may not read
  (`unit_closure`). The scopes therefore read views in a schema of their own (`SCOPE_SCHEMA`),
  owned by the superuser that sets them up: a view reads its tables with its owner's rights, so
  no policy applies twice. The peer serves only `public`, so it never shows those views.
- Inside an `EXISTS`, `OFFSET 0` keeps PostgreSQL from turning the sub-query into a semi-join,
  which would hash every placement in the scope for each statement instead of looking up those of
  the rows at hand (the registry's own statements do not need it: they check one page of rows).
- The policy's expression refers to its table by name (`workers.id`), so the scope is compiled on
  an alias named like the table and the WHERE clause is cut out of a one-table SELECT.

`python -m bench.peer_access < spec.json` applies (or, with `"drop": true`, removes) the set-up in
the dataset's database and prints what it granted, as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Connection,
    Table,
    exists,
    inspect,
    literal_column,
    select,
    text,
)
from sqlalchemy import Column as SqlColumn
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import Exists, Join, Select

from bindings.kinds import Column, Sealed, Split, Through, ToMany, ToOne, TypeRule
from bindings.types import TYPES
from policies.grants import Grant
from policies.scopes import SCOPED_MODELS, scope_clause

SCOPE_SCHEMA = "borderlabour_peer_scope"
POLICY_NAME = "borderlabour_peer_read"
SCOPE_VIEW = re.compile(rf"\b{SCOPE_SCHEMA}\.(\w+)")


def role_name(office_code: str) -> str:
    return "borderlabour_peer_" + "".join(c if c.isalnum() else "_" for c in office_code.lower())


# -- the columns -----------------------------------------------------------------------------


def _base(rule: TypeRule, name: str) -> set[tuple[str, str]]:
    """The (table, column) pairs a column of the type's rows is read from."""
    return {(c.table.name, c.name) for c in rule.alias().c[name].base_columns if isinstance(c.table, Table)}


def _source_columns(rule: TypeRule) -> set[tuple[str, str]]:
    """The key of a type whose rows are not one table's (a join), and the columns its joins match on."""
    source = rule.alias()
    statement = getattr(source, "element", None)
    conditions = []
    if isinstance(statement, Select):
        conditions = [
            element.onclause
            for from_ in statement.get_final_froms()
            for element in visitors.iterate(from_)
            if isinstance(element, Join)
        ]
        if statement.whereclause is not None:
            conditions.append(statement.whereclause)
    return _base(rule, "id") | {
        (base.table.name, base.name)
        for condition in conditions
        for element in visitors.iterate(condition)
        if isinstance(element, SqlColumn)
        for base in element.base_columns
        if isinstance(base.table, Table)
    }


def readable_fields(readable: Iterable[str]) -> frozenset[str]:
    """The grant's fields, plus every field of the types the policy does not name (units, offices,
    status changes...) that a readable relation leads to: those types are as readable as the
    relation that shows them."""
    named = {resource.split(".", 1)[0] for resource in readable}
    fields = {r for r in readable if r.split(".", 1)[0] in TYPES}
    pending = list(fields)
    while pending:
        type_name, field = pending.pop().split(".", 1)
        rule = TYPES[type_name].fields[field]
        target = getattr(rule, "target", None)
        if target is None or target in named:
            continue
        named.add(target)
        more = {f"{target}.{name}" for name in TYPES[target].fields}
        fields |= more
        pending.extend(more)
    return frozenset(fields)


def readable_columns(readable: Iterable[str]) -> dict[str, frozenset[str]]:
    """table -> the columns the readable fields are read from, with the key of every type read.

    A relation needs its joining columns (a placement's `employer_id`, a crossing's `worker_id`
    for `Worker.crossings`); a type's rows need their `id`, which is also what its global IDs show.
    """
    columns: dict[str, set[str]] = defaultdict(set)
    fields = readable_fields(readable)
    for resource in fields:
        type_name, field = resource.split(".", 1)
        rule, read = TYPES[type_name], TYPES[type_name].fields[field]
        pairs: set[tuple[str, str]]
        if isinstance(read, Column | Sealed | Split):
            pairs = _base(rule, read.name)
        elif isinstance(read, ToOne):
            pairs = _base(rule, read.column)
        elif isinstance(read, ToMany):
            pairs = _base(TYPES[read.target], read.fk)
        elif isinstance(read, Through):
            pairs = {(read.table.name, read.left), (read.table.name, read.right)}
        for table, column in pairs:
            columns[table].add(column)
    for type_name in {resource.split(".", 1)[0] for resource in fields}:
        rule = TYPES[type_name]
        pairs = _base(rule, "id") if rule.source is None else _source_columns(rule)
        for table, column in pairs:
            columns[table].add(column)
    return {table: frozenset(names) for table, names in sorted(columns.items())}


# -- the row scopes --------------------------------------------------------------------------


def _table(model: type) -> Table:
    return cast(Table, inspect(model).local_table)


def _fenced(clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """The clause with `OFFSET 0` in every EXISTS (see the module's docstring)."""

    def replace(element: Any, **_: Any) -> ClauseElement | None:
        if isinstance(element, Exists):
            return exists(element.element.element.offset(0))
        return None

    return visitors.replacement_traverse(clause, {}, replace)


def row_policies(grant: Grant, tables: Iterable[str]) -> dict[str, str]:
    """table -> the SQL of the grant's row scope on it, for every scoped table among `tables`."""
    wanted = set(tables)
    out: dict[str, str] = {}
    for model in SCOPED_MODELS:
        table = _table(model)
        if table.name not in wanted:
            continue
        row = table.alias(table.name)
        clause = scope_clause(grant, model, row)
        assert clause is not None
        statement: Select = select(literal_column("1")).select_from(row).where(_fenced(clause))
        sql = str(
            statement.compile(
                dialect=postgresql.dialect(),
                compile_kwargs={"literal_binds": True},
                schema_translate_map={None: SCOPE_SCHEMA},
                render_schema_translate=True,
            )
        )
        out[table.name] = sql.split("\nWHERE ", 1)[1]
    return out


def scope_tables(policies: Mapping[str, str]) -> frozenset[str]:
    """The tables the row policies read: the views to make in `SCOPE_SCHEMA`."""
    return frozenset(name for sql in policies.values() for name in SCOPE_VIEW.findall(sql))


# -- the statements --------------------------------------------------------------------------


def _quote(name: str) -> str:
    return postgresql.dialect().identifier_preparer.quote(name)


def drop_statements(role: str, scoped: Iterable[str]) -> list[str]:
    """Undo `setup_statements` in this database: it is left as `borderlabour generate` made it."""
    return [
        *(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {_quote(t)}" for t in scoped),
        *(f"ALTER TABLE {_quote(t)} DISABLE ROW LEVEL SECURITY" for t in scoped),
        f"DROP SCHEMA IF EXISTS {SCOPE_SCHEMA} CASCADE",
        # Every privilege the role holds here (and nothing else: it owns nothing).
        f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "
        f"EXECUTE 'DROP OWNED BY {_quote(role)}'; END IF; END $$",
    ]


def drop_role(role: str) -> str:
    """The role is the server's, not one database's: it stays while another database grants it rights."""
    return (
        f"DO $$ BEGIN DROP ROLE IF EXISTS {_quote(role)}; "
        "EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $$"
    )


def setup_statements(
    role: str, columns: Mapping[str, frozenset[str]], policies: Mapping[str, str], scope: Iterable[str]
) -> list[str]:
    """A login role that reads exactly `columns`, under `policies`, with the scope's views."""
    r = _quote(role)
    statements = [
        *drop_statements(role, policies),
        f"DO $$ BEGIN CREATE ROLE {r} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"CREATE SCHEMA {SCOPE_SCHEMA}",
        f"GRANT USAGE ON SCHEMA {SCOPE_SCHEMA} TO {r}",
    ]
    for table in sorted(scope):
        view = f"{SCOPE_SCHEMA}.{_quote(table)}"
        statements += [
            f"CREATE VIEW {view} AS SELECT * FROM public.{_quote(table)}",
            f"GRANT SELECT ON {view} TO {r}",
        ]
    for table, names in columns.items():
        listed = ", ".join(_quote(n) for n in sorted(names))
        statements.append(f"GRANT SELECT ({listed}) ON {_quote(table)} TO {r}")
    for table, using in policies.items():
        statements += [
            f"ALTER TABLE {_quote(table)} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY {POLICY_NAME} ON {_quote(table)} FOR SELECT TO {r} USING ({using})",
        ]
    return statements


def scoped_tables() -> list[str]:
    return sorted(_table(model).name for model in SCOPED_MODELS)


# -- applying --------------------------------------------------------------------------------


def _apply(connection: Connection, statements: list[str]) -> None:
    for statement in statements:
        connection.execute(text(statement))


def main() -> int:
    from sqlalchemy.orm import Session

    from models import Office
    from models.database import make_engine
    from policies.access import AccessControl
    from policies.tokens import identity_of
    from schema.builder import policy_catalogue, write_duties
    from settings import Settings

    spec = json.load(sys.stdin)
    role = role_name(spec["office"])
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    if spec.get("drop"):
        with engine.begin() as connection:
            _apply(connection, drop_statements(role, scoped_tables()))
            connection.execute(text(drop_role(role)))
        json.dump({"role": role, "dropped": True}, sys.stdout)
        return 0
    with Session(engine) as session:
        office = session.scalar(select(Office).where(Office.code == spec["office"]))
        assert office is not None, spec["office"]
        identity = identity_of(office)
    access = AccessControl(policy_catalogue(), write_duties(), settings.policy_dir)
    grant = access.grant_for(identity)
    columns = readable_columns(grant.readable)
    policies = row_policies(grant, columns)
    with engine.begin() as connection:
        _apply(connection, setup_statements(role, columns, policies, scope_tables(policies)))
    json.dump(
        {"role": role, "columns": {t: sorted(c) for t, c in columns.items()}, "policies": sorted(policies)},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
