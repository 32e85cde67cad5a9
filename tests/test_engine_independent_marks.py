"""The modules marked engine independent, which `.ci/run` leaves out of its PostgreSQL run (README,
"Set-up"), are marked whole, each with its reason, and none of them needs the PostgreSQL server:
a test that did would run in neither of CI's runs (it skips on SQLite)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.python_sources import parse

pytestmark = pytest.mark.engine_independent("reads the test modules' source; no database")

TESTS = Path(__file__).resolve().parent
MARK = "engine_independent"
# How a module learns the PostgreSQL server's URL (harness/databases.py); this module only names them.
SERVER_URL = ("TEST_DB_ENV", "BORDERLABOUR_TEST_DATABASE_URL")


def _marks(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == MARK
    ]


def _module_mark(tree: ast.Module) -> ast.Call | None:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["pytestmark"]
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "attr", None) == MARK
        ):
            return node.value
    return None


def test_a_marked_module_is_marked_whole_with_its_reason_and_never_asks_for_postgresql() -> None:
    marked, wrong = [], []
    for path in sorted(TESTS.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        tree = parse(source, path.name)
        module_mark = _module_mark(tree)
        if _marks(tree) != ([module_mark] if module_mark else []):
            wrong.append(f"{path.name}: the marker on a test rather than the module")
        if module_mark is None:
            continue
        marked.append(path.name)
        reason = module_mark.args[0] if module_mark.args else None
        if not (isinstance(reason, ast.Constant) and isinstance(reason.value, str) and reason.value.strip()):
            wrong.append(f"{path.name}: no reason")
        if path != Path(__file__).resolve() and any(name in source for name in SERVER_URL):
            wrong.append(f"{path.name}: needs the PostgreSQL server, so it would run in neither CI run")
    assert marked and not wrong, wrong
