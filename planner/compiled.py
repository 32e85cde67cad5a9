"""A plan's statement compiled once to its dialect's SQL text, then run with a request's values bound.

A plan is kept per shape of request (`planner.cache`): another worker's ID, another page size or
cursor reuses it, each bound as a parameter the writer named (`BOUND`). Executing a SQLAlchemy
statement costs its cache key (a walk over the whole clause tree: the compiled page is about 24 KB
of SQL) and an execution context on every request; the text compiled once and handed to the
driver (`exec_driver_sql`, which still runs the engine's statement events: the statement counts,
the time budget, the request's timings) skips that work. The driver then sees the same text on
every request, which psycopg prepares on the server after a few executions and sqlite3 keeps in its
statement cache. The text carries the office's row scope exactly as the statement does: it is the
statement's own compilation.

A parameter whose value is computed when the statement runs (`policies.windows.TODAY`, the
registry's day) is computed again for each request. The first run goes through SQLAlchemy, whose
compiled cache serves plans used once (a search by an identity number keys its plan by the number);
the text is made on the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import BindParameter, Connection, Row, Select

# The names `planner.sql.Writer` gives the values a request binds into a kept plan's statements.
ROW_ID, PAGE_LIMIT, AFTER_KEY, AFTER_ID = "row_id", "page_limit", "after_key", "after_id"
BOUND = (ROW_ID, PAGE_LIMIT, AFTER_KEY, AFTER_ID)


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

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Row[Any] | None:
        """The statement's first row, with `values` bound to the writer's named parameters."""
        if self.text is None:
            self.runs += 1
            if self.runs < 2:
                return connection.execute(self.statement, dict(values)).first()
            self._compile(connection)
        return connection.exec_driver_sql(self.text, self._parameters(values)).first()  # type: ignore[arg-type]

    def _compile(self, connection: Connection) -> None:
        compiled: Any = self.statement.compile(dialect=connection.dialect)
        bound = {name: None for name in BOUND if name in compiled.binds}
        state = compiled.construct_expanded_state(bound or None)
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
            if bind.callable is not None
        ]
        fixed = {}
        for name, value in state.parameters.items():
            process = processors.get(name)
            fixed[name] = process(value) if process is not None and name not in bound else value
        self.fixed, self.late, self.processors = fixed, late, processors
        self.positions = tuple(state.positiontup) if state.positiontup is not None else None
        self.text = state.statement

    def _parameters(self, values: Mapping[str, Any]) -> Any:
        parameters = dict(self.fixed)
        for name, bind, process in self.late:
            value = bind.effective_value
            parameters[name] = process(value) if process is not None else value
        for name, value in values.items():
            process = self.processors.get(name)
            parameters[name] = process(value) if process is not None else value
        if self.positions is not None:
            return tuple(parameters[name] for name in self.positions)
        return parameters
