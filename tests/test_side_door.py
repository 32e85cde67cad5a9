"""No side door around the row scope (issue 19, item 2).

A scoped session refuses any statement on a scoped table that did not come through the office's
scope, ORM or Core, through `session.execute` or `session.connection().execute`, unless it goes
through the one named door, `policies.side_door.past_scope`, whose every use is reviewed below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

import models
from bindings.kinds import TypeRule
from bindings.types import TYPES
from models import Worker
from planner.sql import UnscopedRule, Writer
from policies.sessions import internal_session, scoped_session
from policies.side_door import SideDoorRefused, past_scope
from policies.tokens import identity_of
from service.registry import Registry
from tests.python_sources import parse

ROOT = Path(__file__).resolve().parent.parent

# Every use of the door, reviewed: (module, the reason it names). The reasons are read from the
# constants the call names; a new use, or a changed reason, fails until it is reviewed here.
REVIEWED_DOORS = {
    ("policies/sessions.py", "a citizen is registered once nationwide: is this identity number taken"),
    ("resolvers/writes/facts.py", "a limit is counted over the whole registry: a quota is everyone's"),
    ("resolvers/writes/facts.py", "hold the rows that own a limit until the write commits"),
    ("resolvers/writes/facts.py", "a work permit is issued once: is this permit number taken"),
    ("resolvers/writes/employers.py", "an employer is registered once: is this social credit code taken"),
    ("resolvers/writes/agreements.py", "an agreement's code is used once: is this code taken"),
}
# Where the read planner marks its statements as carrying the office's scope (`through_scope`).
REVIEWED_THROUGH_SCOPE = {"planner/sql.py": 5}
# Where SQL text goes to the driver (`exec_driver_sql`, `models.database.first_row`): the guard reads
# statement objects, so a text is past it. Reviewed: the read planner's texts, each compiled from a
# statement built through the office's scope; the ledger's batch, on the ledger's own tables; SQLite's
# BEGIN; the generator's VACUUM ANALYZE.
REVIEWED_DRIVER_TEXT = {
    ("planner/compiled.py", "first_row"): 1,
    ("ledger/storing.py", "first_row"): 1,
    ("models/database.py", "exec_driver_sql"): 1,
    ("cli/generate.py", "exec_driver_sql"): 1,
}


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("tests/", ".", "migrations/")) or "/." in relative:
            continue
        yield relative, parse(path.read_text(encoding="utf-8"), relative)


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
    ]


def test_every_door_past_the_scope_is_a_reviewed_one_with_its_reason() -> None:
    found: set[tuple[str, str]] = set()
    for module, tree in _sources():
        if module == "policies/side_door.py":
            continue
        constants = _constants(tree)
        for call in _calls(tree, "past_scope"):
            why = next((k.value for k in call.keywords if k.arg == "why"), None)
            assert why is not None, f"{module}:{call.lineno}: past_scope without why="
            reason = constants.get(why.id) if isinstance(why, ast.Name) else getattr(why, "value", None)
            assert isinstance(reason, str), f"{module}:{call.lineno}: the reason must be a named string"
            found.add((module, reason))
    assert found == REVIEWED_DOORS


def test_only_the_read_planner_marks_statements_as_scoped() -> None:
    marked = {module: len(_calls(tree, "through_scope")) for module, tree in _sources()}
    assert {m: n for m, n in marked.items() if n and m != "policies/side_door.py"} == REVIEWED_THROUGH_SCOPE


def test_only_reviewed_modules_send_sql_text_to_the_driver() -> None:
    sent = {
        (module, name): len(_calls(tree, name))
        for module, tree in _sources()
        for name in ("first_row", "exec_driver_sql")
    }
    assert {use: n for use, n in sent.items() if n} == REVIEWED_DRIVER_TEXT


@pytest.fixture
def hekou(registry: Registry) -> Iterator[Session]:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == "cn-hekou")).one()
        grant = registry.access.grant_for(identity_of(office))
    session = scoped_session(registry.sessions, grant)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def _everyone(registry) -> int:
    """How many workers the registry holds, counted outside any office's scope."""
    with internal_session(registry.sessions) as session:
        return session.scalar(select(func.count()).select_from(Worker)) or 0


def test_a_scoped_session_answers_orm_reads_within_its_scope(registry, hekou) -> None:
    seen = hekou.execute(select(Worker.full_name)).all()
    assert 0 < len(seen) < _everyone(registry)  # Hekou sees those placed in its county, not all


@pytest.mark.parametrize(
    "statement",
    [
        select(Worker.full_name),
        select(Worker.__table__.c.full_name),
        select(func.count()).select_from(models.Placement.__table__),
        text("SELECT full_name FROM workers"),
    ],
    ids=["orm-columns", "core-table", "core-count", "text"],
)
def test_a_statement_on_the_connection_is_refused_on_a_scoped_table(hekou, statement) -> None:
    with pytest.raises(SideDoorRefused):
        hekou.connection().execute(statement)


def test_a_core_statement_through_the_session_is_refused_too(hekou) -> None:
    with pytest.raises(SideDoorRefused):
        hekou.execute(select(Worker.__table__.c.full_name))
    with pytest.raises(SideDoorRefused):
        hekou.execute(update(Worker.__table__).values(phone=None))


def test_tables_no_scope_restricts_are_read_on_the_connection(hekou) -> None:
    assert hekou.connection().execute(select(models.BorderGate.__table__.c.code)).all()


def test_the_named_door_lets_a_look_up_past_the_scope(registry, hekou) -> None:
    everyone = _everyone(registry)
    with past_scope(hekou, why="a test of the door") as unscoped:
        assert (
            unscoped.connection().execute(select(func.count()).select_from(Worker.__table__)).scalar()
            == everyone
        )
    with pytest.raises(SideDoorRefused):  # and closes behind it
        hekou.connection().execute(select(func.count()).select_from(Worker.__table__))


def test_the_planner_refuses_a_rule_without_a_model_unless_declared_public() -> None:
    grant = None  # the scope of a rule without a model is never asked of a grant
    writer = Writer(grant, "sqlite")  # type: ignore[arg-type]
    private = TypeRule(None, {}, source=lambda: Worker.__table__.alias())
    with pytest.raises(UnscopedRule):
        writer.scope(private, Worker.__table__)
    assert all(rule.public for rule in TYPES.values() if rule.model is None)


def test_a_bound_parameter_named_like_a_table_is_no_side_door(hekou) -> None:
    """The ledger binds its worker rows as `:workers` in raw SQL on PostgreSQL: that names no table."""
    assert hekou.connection().execute(text("SELECT :workers"), {"workers": 1}).scalar() == 1
