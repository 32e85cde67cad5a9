"""A plan's statement compiled once to its dialect's SQL text, then run with a request's values bound.

A plan is kept per shape of request (`planner.cache`): another worker's ID, another page size or
cursor reuses it, each bound as a parameter the writer named (`BOUND`). Executing a SQLAlchemy
statement costs its cache key (a walk over the whole clause tree: the compiled page is about 24 KB
of SQL) and an execution context on every request; the text compiled once and run on the
driver's cursor (`models.database.first_row`, which still runs the engine's statement events: the
statement counts, the time budget, the request's timings) skips that work. The driver then sees
the same text on every request, which psycopg prepares on the server after a few executions and
sqlite3 keeps in its statement cache. The text carries the office's row scope exactly as the
statement does: it is the statement's own compilation.

A parameter whose value is computed when the statement runs (`policies.windows.TODAY`, the
registry's day) is computed again for each request. The first run goes through SQLAlchemy, whose
compiled cache serves plans used once (a search by an identity number keys its plan by the number);
the text is made on the second.

On PostgreSQL the whole numbers and days of a statement are written into its text, not bound: the
page's size and the registry's day (a text for each, a few kept), and the constants of the row
scopes (an office's units, the window's days). PostgreSQL prepares the text and, seeing the
values, settles on one plan made once for every run; with the values bound, the plan it could keep
for any page size and any day was one for large pages (a hash over every placement: 0.24 s a
request at 100,000 workers), so it planned the statement again on every run, which was most of
the database's work for a small page (BENCHMARKS.md, "Numbers and days written into the text").
The members of an enumeration (a filter's statuses) are written in too: with the status bound,
PostgreSQL estimated a plan for any status dearer than one for `deployed` and planned a partner
office's page again on every run (1.5-4.5 ms each; BENCHMARKS.md, "A window's last day kept on
the placement"). A number or a day cannot carry SQL, nor can a member of a fixed set of words:
each is written by its type's own literal form, a day as a typed `CAST`. Text (a search's values,
an office's codes), a node's ID and a cursor stay bound.
SQLite plans a statement when it is prepared, with whatever values it has, so it keeps them bound.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BindParameter, Connection, Date, Select, cast
from sqlalchemy.sql.visitors import replacement_traverse

from models.database import first_row

# The names `planner.sql.Writer` gives the values a request binds into a kept plan's statements.
ROW_ID, PAGE_LIMIT, AFTER_KEY, AFTER_ID = "row_id", "page_limit", "after_key", "after_id"
BOUND = (ROW_ID, PAGE_LIMIT, AFTER_KEY, AFTER_ID)
# A request's own values that stay bound wherever the statement runs.
ALWAYS_BOUND = (ROW_ID, AFTER_KEY, AFTER_ID)
# Texts kept per statement, one per page size and day written into it (the oldest is dropped).
TEXTS_KEPT = 4


class Compiled:
    """One statement of a kept plan; threads share it (the text is made once, then only read)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self.runs = 0
        self.text: str | None = None
        self.fixed: dict[str, Any] = {}
        self.late: list[tuple[str, BindParameter[Any], Any]] = []  # computed per run
        self.processors: dict[str, Any] = {}
        self.positions: tuple[str, ...] | None = None  # qmark drivers (sqlite3): the order of values
        self.compiled: Any = None
        self.per_run: tuple[tuple[str, BindParameter[Any]], ...] = ()
        self.texts: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self.written_names: frozenset[str] = frozenset()

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """The statement's first row (its fields by the statement's labels), with `values` bound to
        the writer's named parameters; None if it has none."""
        if self.text is None:
            self.runs += 1
            if self.runs < 2:
                return connection.execute(self.statement, dict(values)).first()
            self._compile(connection)
        text = self._text_for(values) if self.per_run else self.text
        assert text is not None  # made by `_compile`
        return first_row(connection, text, self._parameters(values))

    def _compile(self, connection: Connection) -> None:
        statement: Any = self.statement
        if connection.dialect.name == "postgresql":
            statement = replacement_traverse(self.statement, {}, _written_into_text)
        compiled: Any = statement.compile(dialect=connection.dialect)
        # The values written into the text on each run: the page's size, a day computed per run.
        self.per_run = tuple(
            (name, bind)
            for bind, name in compiled.bind_names.items()
            if bind.literal_execute and (bind.key == PAGE_LIMIT or bind.callable is not None)
        )
        self.compiled = compiled
        self.written_names = frozenset(name for name, _ in self.per_run)
        bound = {name: None for name in BOUND if name in compiled.binds and name not in self.written_names}
        state = compiled.construct_expanded_state(bound | self._written(bound) or None)
        escaped = compiled.escaped_bind_names
        # Each value is converted as SQLAlchemy converts it (a moment to SQLite's text, a decorated
        # type's own step): the expanded state names the processors of expanding parameters only,
        # and sqlite3's own adapter writes a moment in another form than the column holds.
        processors = dict(state.processors)
        for bind, name in compiled.bind_names.items():
            key = escaped.get(name, name)
            if key not in processors:
                process = bind.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
                if process is not None:
                    processors[key] = process
        late = [
            (escaped.get(name, name), bind, processors.get(escaped.get(name, name)))
            for bind, name in compiled.bind_names.items()
            if bind.callable is not None and not bind.literal_execute
        ]
        fixed = {}
        for name, value in state.parameters.items():
            process = processors.get(name)
            fixed[name] = process(value) if process is not None and name not in bound else value
        self.fixed, self.late, self.processors = fixed, late, processors
        self.positions = tuple(state.positiontup) if state.positiontup is not None else None
        self.text = state.statement

    def _written(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values this run writes into the text, by parameter name."""
        return {
            name: values.get(PAGE_LIMIT) if bind.key == PAGE_LIMIT else bind.effective_value
            for name, bind in self.per_run
        }

    def _text_for(self, values: Mapping[str, Any]) -> str:
        """The text with this run's page size and day written in: made once per pair, a few kept."""
        written = self._written(values)
        key = tuple(written.values())
        text = self.texts.get(key)
        if text is None:
            bound = {name: None for name in BOUND if name in self.compiled.binds and name not in written}
            text = self.compiled.construct_expanded_state(bound | written).statement
            self.texts[key] = text
            while len(self.texts) > TEXTS_KEPT:
                self.texts.popitem(last=False)
        return text

    def _parameters(self, values: Mapping[str, Any]) -> Any:
        parameters = dict(self.fixed)
        for name, bind, process in self.late:
            value = bind.effective_value
            parameters[name] = process(value) if process is not None else value
        for name, value in values.items():
            if name in self.written_names:
                continue  # written into the text
            process = self.processors.get(name)
            parameters[name] = process(value) if process is not None else value
        if self.positions is not None:
            return tuple(parameters[name] for name in self.positions)
        return parameters


def _written_into_text(element: Any, **_: Any) -> Any:
    """A whole number's, a day's or an enumeration member's parameter (or list of members) made
    one that is written into the text (PostgreSQL).

    `replacement_traverse` calls this for every element of the statement; None keeps the element.
    """
    if not isinstance(element, BindParameter) or element.key in ALWAYS_BOUND:
        return None
    value = element.effective_value if element.callable is not None else element.value
    if element.expanding:
        listed = value if isinstance(value, (list, tuple)) else ()
        if listed and all(isinstance(member, enum.Enum) for member in listed):
            return element.render_literal_execute()  # `status IN ('deployed')`
        return None
    if isinstance(value, enum.Enum) or element.key == PAGE_LIMIT or type(value) is int:
        return element.render_literal_execute()
    if type(value) is dt.date:
        # typed: a bare quoted day is of unknown type where nothing beside it says it is a date
        return cast(element.render_literal_execute(), Date)
    return None
