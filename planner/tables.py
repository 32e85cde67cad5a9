"""The aliases a plan's statements read, and the office's row scope on each, made once and shared.

Re-pointing an office's row scope at a fresh alias walks and copies the scope's whole clause tree:
planning one worker by id with its placements, employers, checks and crossings did it six times,
about four fifths of the CPU of a request planned afresh (a new worker's ID, a new cursor; 45 ms
against 7 ms for a plan kept, BENCHMARKS.md, issue 23). The statements of one shape use the same
tables in the same order, so the n-th alias of a table that a writer asks for is one object shared
by every writer, and the scope re-pointed at it is made once per office's criteria and kept.

An alias is handed out once per writer (`Aliases`), so no statement meets the same alias twice;
statements are never changed once built, so sharing one alias between statements changes nothing
in their SQL (an anonymous alias is named when a statement is compiled) or in their cache keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import ColumnElement, FromClause

from policies.grants import Grant
from policies.scopes import row_criteria, scope_clause, scope_under_worker

# Bounds on what is kept: far above what the registry's offices and documents use (a few dozen
# aliases per table, a scope per office and alias), so only a runaway would ever clear them.
MOST = 8192

_ALIASES: dict[tuple[Hashable, int], FromClause] = {}
_SCOPES: dict[tuple[ColumnElement[bool], FromClause], ColumnElement[bool] | None] = {}


class Aliases:
    """The aliases of one writer: the n-th asked for of each source is the same object everywhere."""

    def __init__(self) -> None:
        self.used: Counter[Hashable] = Counter()

    def of(self, source: Hashable, make: Callable[[], FromClause]) -> FromClause:
        n = self.used[source]
        self.used[source] = n + 1
        key = (source, n)
        found = _ALIASES.get(key)
        if found is None:
            if len(_ALIASES) >= MOST:
                _ALIASES.clear()
            found = _ALIASES.setdefault(key, make())
        return found


def scope_on(
    grant: Grant, model: Any, table: FromClause, under_worker: bool = False
) -> ColumnElement[bool] | None:
    """`policies.scopes.scope_clause`, kept per criteria object and table: the criteria of one
    office, unit and row scopes are one shared object (`policies.scopes.row_criteria`)."""
    criterion = scope_under_worker(grant, model) if under_worker else None
    under_worker = criterion is not None
    if criterion is None:
        criterion = row_criteria(grant).get(model)
    if criterion is None:
        return None
    key = (criterion, table)
    if key in _SCOPES:
        return _SCOPES[key]
    if len(_SCOPES) >= MOST:
        _SCOPES.clear()
    return _SCOPES.setdefault(key, scope_clause(grant, model, table, under_worker))
