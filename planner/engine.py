"""Running compiled reads inside graphql-core's executor, and falling back where nothing is compiled.

The compiled path starts where the reference engine would resolve the root fields: strawberry has
parsed the document, validated it against the office's own schema (limits included) and coerced
the variables. A query is then planned, written as SQL, run on the request's session and finished
in one pass. A mutation, introspection, an input the reference engine rejects, or anything without
a compile rule goes to the reference engine, and each such fallback is counted with its reason.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from graphql import GraphQLObjectType, GraphQLSchema, OperationType
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_variable_values
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ledger.checkpoints import current_checkpoint
from models.database import KEPT_FOR_READS, statements_alone
from models.kept import KeptConnections
from models.timeouts import is_statement_timeout
from planner.bind import bind
from planner.cache import PlanCache
from planner.compiled import PAGE_LIMIT, Compiled
from planner.finish import Finisher
from planner.memo import CountedPage
from planner.plan import (
    ConnectionRoot,
    ListRoot,
    NodeRoot,
    NotCompiled,
    Planner,
    PythonRoot,
    Root,
    SearchedBy,
    Typename,
)
from planner.sql import Writer
from policies.side_door import serving
from resolvers import lists, statistics
from resolvers.errors import InputError
from resolvers.pages import cursor_of
from schema.disclosures import DisclosureRecordingContext
from schema.operations import PreparedOperation

log = logging.getLogger("borderlabour.planner")

MAX_COERCION_ERRORS = 50  # as graphql-core's executor coerces them (`ExecutionContext.build`)

STATISTICS = {
    "workerCount": statistics.worker_count,
    "workersByStatus": statistics.workers_by_status,
    "workersByHomeProvince": statistics.workers_by_home_province,
    "placementsByStatus": statistics.placements_by_status,
    "crossingsByGate": statistics.crossings_by_gate,
}


class CompiledReads:
    """The compiled engine of one registry: its plan cache and its fallback counts."""

    # A plan holds SQLAlchemy statements and their compiled text: about 0.37 MB for the search by
    # ID number, so 512 plans could take 190 MB of a process, 128 at most 47 MB. A plan is kept per
    # shape of variables (`planner.cache`): another worker's ID or cursor reuses it; a search
    # keyed by its values is planned again (a few milliseconds) once it has fallen out.
    def __init__(self, searched: SearchedBy, cache_size: int = 128) -> None:
        self.searched = searched
        self.plans = PlanCache(cache_size)
        self.fallbacks: Counter[str] = Counter()
        self.compiled = 0
        self._lock = threading.Lock()
        self._kept: dict[Engine, KeptConnections] = {}

    def kept(self, engine: Engine) -> KeptConnections:
        """The connections kept for compiled reads on `engine` (made on its first read)."""
        kept = self._kept.get(engine)
        if kept is None:
            with self._lock:  # made once: each one made listens to the engine's events for good
                kept = self._kept.get(engine)
                if kept is None:
                    kept = self._kept[engine] = KeptConnections(engine, KEPT_FOR_READS)
        return kept

    def fell_back(self, reason: str) -> None:
        with self._lock:
            self.fallbacks[reason] += 1

    def answer_prepared(
        self,
        schema: GraphQLSchema,
        prepared: PreparedOperation,
        context: Any,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> dict[str, Any] | None:
        """The data of a query answered from its preparation alone, or None for the reference engine.

        `prepared` was parsed and validated once for this schema (the schema's limits included), so
        nothing of strawberry's per-request work (extension hooks, parsing and validating again,
        result handling) changes an answer that compiles: only the variables are coerced here.
        None whenever the schema's own execution must run instead. The engine is chosen here, once:
        a query with no compile rule, an input the reference engine refuses with its own error, or a
        failure is counted and marked on the context, so that execution goes straight to the
        reference engine without planning the query again. Variables the schema refuses are left to
        it to report, unmarked.
        """
        operation = prepared.operation
        if operation is None or not prepared.within_limits or operation.operation != OperationType.QUERY:
            return None
        # The variables as the executor would coerce them; refused, they are the schema's to report.
        coerced = get_variable_values(
            schema, operation.variable_definitions or (), variables or {}, max_errors=MAX_COERCION_ERRORS
        )
        if isinstance(coerced, list):
            return None
        try:
            key = self.plans.key(context.grant, operation, prepared.fragments, coerced.coerced)
            cached = self.plans.get(key)
            if cached is None:
                executor = CompilingExecutionContext.build(
                    schema, prepared.document, None, context, variables, operation_name
                )
                cached = self._planned(schema, executor, key)
                if cached is None:
                    return None
            return self._answered(cached, context, coerced.coerced)
        except NotCompiled as exc:
            self.declined(context, exc.reason)
        except InputError:
            self.declined(context, "input refused")
        except Exception as exc:
            context.session.rollback()  # a read wrote nothing: the schema's execution starts clean
            if is_statement_timeout(exc):
                raise  # the reference engine would only run as long again
            self.failed(context, exc)
        return None

    def _planned(self, schema: GraphQLSchema, executor: Any, key: Any) -> Any:
        """A new plan for `key`, kept; None if the query has deferred parts, for the reference
        engine. Only for this is graphql-core's executor built (its fragments, its collected fields):
        a request whose plan is kept needs neither (BENCHMARKS.md, "The executor only to plan").
        `executor` is what `CompilingExecutionContext.build` gave: a list is its errors."""
        if isinstance(executor, list):
            return None
        root_type = schema.get_root_type(executor.operation.operation)
        if root_type is None:
            return None
        grouped, deferred, _ = collect_fields(
            schema, executor.fragments, executor.variable_values, root_type, executor.operation
        )
        if deferred:
            return None
        return self._plan(executor, root_type, grouped, key)

    def declined(self, context: Any, reason: str) -> None:
        """The reference engine answers this request: counted once with the reason, and the
        schema's execution does not try the compiled engine again."""
        context.compiled_declined = True
        self.fell_back(reason)

    def failed(self, context: Any, exc: Exception) -> None:
        """The compiled statement failed (SQLite refuses some deep documents: "parser stack
        overflow"): counted and logged once with the database's own reason, and the reference
        engine answers without the compiled engine being tried again."""
        log.warning("compiled read failed, answered by the reference engine: %s", _reason(exc))
        self.declined(context, "planner error")

    def answer(self, executor: Any, root_type: GraphQLObjectType, grouped: dict[str, list[Any]]) -> dict:
        """The data of the query `executor` runs (the schema's own execution, `CompilingExecutionContext`)."""
        context = executor.context_value
        variables = executor.variable_values.coerced
        fragments = tuple(f.definition for f in executor.fragments.values())
        key = self.plans.key(context.grant, executor.operation, fragments, variables)
        cached = self.plans.get(key)
        if cached is None:
            cached = self._plan(executor, root_type, grouped, key)
        return self._answered(cached, context, variables)

    def _plan(
        self, executor: Any, root_type: GraphQLObjectType, grouped: dict[str, list[Any]], key: Any
    ) -> Any:
        context = executor.context_value
        dialect = context.session.get_bind().dialect.name
        planned = Planner(executor, context.grant, self.searched).roots(root_type, grouped)
        writer = Writer(context.grant, dialect)
        cached: Any = ([(root, _statement(writer, root)) for root in planned], {})
        self.plans.put(key, cached)
        return cached

    def _answered(self, cached: Any, context: Any, variables: dict[str, Any]) -> dict:
        """The data of a planned query: its values bound, its statements run, its rows finished."""
        session = context.session
        roots, shapes = cached
        # Every value is bound (and refused, if it must be) before any statement runs.
        bound = [bind(root, variables) for root, _unused in roots]
        finisher = Finisher(shapes)
        with compiled_connection(session, self.kept) as connection:
            data = {
                _key(root): _run(root, statement, values, connection, session, finisher, context)
                for (root, statement), values in zip(roots, bound, strict=True)
            }
        for worker, names in finisher.workers.items():
            context.recorder.disclosed(worker, names)
        with self._lock:
            self.compiled += 1
        return data


def _reason(exc: Exception) -> str:
    """The database's own message (its first line: never the statement or its values), else the type."""
    original = getattr(exc, "orig", None)
    if original is not None and str(original).strip():
        return f"{type(original).__name__}: {str(original).strip().splitlines()[0]}"
    return type(exc).__name__


def _key(root: Root) -> str:
    return root.key


def _statement(writer: Writer, root: Root) -> Any:
    if isinstance(root, ConnectionRoot):
        return CountedPage.of(writer, root)
    if isinstance(root, NodeRoot):
        return None if root.plan is None else Compiled(writer.node(root.plan))
    if isinstance(root, ListRoot):
        rows, order = lists.LISTS[root.name](**root.arguments)
        return Compiled(writer.listed(root.plan, rows, order))
    return None


@contextmanager
def compiled_connection(session: Session, kept: Callable[[Engine], KeptConnections]) -> Iterator[Connection]:
    """The connection one request's compiled statements run on, each statement its own transaction
    on PostgreSQL.

    There, unless the session has begun a transaction, it is an autocommit connection `kept` out of
    the pool for compiled reads (`models.kept`), taken for this answer alone and given back after
    it, marked as the session's for the side-door guard (`policies.side_door.serving`), so that the
    session itself is never begun: its commit and close then send nothing and do little. Taking the
    connection through the session cost about 40 µs more of a small read's CPU (BENCHMARKS.md, "One
    hop, one connection, no system call on the loop"), and taking it from the pool and switching it
    to autocommit for each answer a tenth of a small read's server CPU under load ("Compiled reads
    on connections kept out of the pool"). The statements read alike either way: at READ COMMITTED
    each reads its own snapshot. On SQLite, whose statements share the session's transaction and
    its snapshot, and within a session's transaction, the session's connection
    (`models.database.statements_alone`).
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql" or session.in_transaction():
        connection = session.connection()
        with statements_alone(connection):
            yield connection
        return
    with kept(bind).taken() as connection:
        serving(connection, session)
        yield connection


def _run(
    root: Root,
    statement: Any,
    values: Any,
    connection: Connection,
    session: Session,
    finisher: Finisher,
    context: Any,
) -> Any:
    if isinstance(root, Typename):
        return root.name
    if isinstance(root, PythonRoot):
        return _python_root(root, context)
    if statement is None:
        return None
    if isinstance(root, ConnectionRoot):
        page, total = statement.run(connection, values)
        context.recorder.matching(
            root.key, _matched(root, total, statement, session), _matched_workers(statement, session)
        )
        return _connection(root, page, total, finisher, values[PAGE_LIMIT] - 1)
    row = statement.run(connection, values)
    if isinstance(root, NodeRoot):
        if root.plan is None or row is None or row[0] is None:
            return None
        return finisher.object(root.plan, _json(row[0]))
    return [finisher.object(root.plan, item) for item in _json(row[0])]  # a ListRoot


def _matched(root: ConnectionRoot, total: int, page: CountedPage, session: Any) -> Any:
    """How many rows the list's criteria matched, for the ledger: the count already made (or
    remembered, `planner.memo`) for totalCount or a personal search, else a count statement run
    only if the ledger asks."""
    if root.needs_count:
        return lambda: int(total)
    return lambda: int(session.connection().execute(page.count()).scalar_one())


def _matched_workers(page: CountedPage, session: Any) -> Any:
    """How to list the workers the list's criteria matched, for the ledger (asked when they are few)."""
    workers = page.workers
    if workers is None:
        return None
    return lambda: sorted(session.connection().execute(workers()).scalars())


def _json(raw: Any) -> Any:
    """The answer's JSON as text (both databases), parsed by orjson. A decimal comes back as a float:
    the columns' scale (`Numeric(10, 2)`) is well within a float's 15 exact digits, and the
    finisher turns it back into the column's `Decimal` through its shortest text."""
    return orjson.loads(raw) if isinstance(raw, str) else raw


def _connection(root: ConnectionRoot, row: Any, total: int, finisher: Finisher, first: int) -> dict[str, Any]:
    rows = _json(row.rows) if root.needs_rows else []
    has_next = len(rows) > first
    rows = rows[:first]
    sort_decoder = _sort_decoder(root)
    cursors: dict[int, str] = {}

    def cursor(i: int) -> str:
        if i not in cursors:
            raw = rows[i]
            cursors[i] = cursor_of(root.ordering, sort_decoder(raw[-1]), raw[-2], root.audience)
            if raw[-3] is not None:  # a cursor of a personal row identifies it as surely as its ID
                finisher.workers.setdefault(raw[-3], set()).add(f"{root.type_name}.cursor")
        return cursors[i]

    out: dict[str, Any] = {}
    position = 0
    for key, name, sub in root.parts:
        if name == "__typename":
            out[key] = sub
        elif name == "totalCount":
            out[key] = total
        elif name == "nodes":
            out[key] = [finisher.object(sub, r[position]) for r in rows]
            position += 1
        elif name == "edges":
            out[key], position = _edges(sub, rows, position, finisher, cursor)
        elif name == "pageInfo":
            info = {  # made only if selected: a cursor made is a cursor disclosed
                "hasNextPage": lambda: has_next,
                "hasPreviousPage": lambda: root.after is not None,
                "startCursor": lambda: cursor(0) if rows else None,
                "endCursor": lambda: cursor(len(rows) - 1) if rows else None,
            }
            out[key] = {k: (s if n == "__typename" else info[n]()) for k, n, s in sub}
    return out


def _edges(edge: Any, rows: list, position: int, finisher: Finisher, cursor: Any) -> tuple[list, int]:
    nodes = sum(1 for _k, name, _p in edge.parts if name == "node")
    out = []
    for i, raw in enumerate(rows):
        item: dict[str, Any] = {}
        offset = position
        for key, name, sub in edge.parts:
            if name == "__typename":
                item[key] = sub
            elif name == "cursor":
                item[key] = cursor(i)
            else:
                item[key] = finisher.object(sub, raw[offset])
                offset += 1
        out.append(item)
    return out, position + nodes


def _sort_decoder(root: ConnectionRoot) -> Any:
    from planner.finish import decoders

    return decoders(root.type_name)[root.ordering.column.key]


def _python_root(root: PythonRoot, context: Any) -> dict[str, Any]:
    if root.name == "me":
        office, grant = context.grant.office, context.grant
        values = {
            "code": office.code,
            "name": office.name,
            "side": office.side,
            "purposes": sorted(grant.purposes),
            "officer": None if context.officer is None else vars(context.officer),
        }
        return _shown(root.fields, values)
    if root.name == "ledgerCheckpoint":
        return _shown(root.fields, current_checkpoint(context.session, context.ledger_key).as_json())
    out: dict[str, Any] = {}
    for key, name, sub in root.fields:
        if name == "__typename":
            out[key] = sub
            continue
        value: Any = STATISTICS[name](context.session)
        out[key] = (
            value if not isinstance(sub, tuple) else [_shown(sub, {"key": k, "count": n}) for k, n in value]
        )
    return out


def _shown(fields: tuple, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name, sub in fields:
        if name == "__typename":
            out[key] = sub
        else:
            value = values[name]
            if isinstance(sub, tuple):  # an object: its own fields, or null
                out[key] = None if value is None else _shown(sub, value)
            else:
                out[key] = (
                    [sub.serialize(v) for v in value] if isinstance(value, list) else sub.serialize(value)
                )
    return out


class CompilingExecutionContext(DisclosureRecordingContext):
    """graphql-core's executor, answering queries with the compiled engine when the request has one."""

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        new_defer_usages: Any,
    ) -> Any:
        engine: CompiledReads | None = getattr(self.context_value, "compiled", None)
        if engine is not None and not getattr(self.context_value, "compiled_declined", False):
            if self.operation.operation != OperationType.QUERY:
                engine.fell_back(self.operation.operation.value)
            else:
                try:
                    return engine.answer(self, root_type, grouped_field_set)
                except NotCompiled as exc:
                    engine.fell_back(exc.reason)
                except InputError:
                    engine.fell_back("input refused")
                except Exception as exc:
                    # A read wrote nothing: start the reference engine on a clean transaction.
                    self.context_value.session.rollback()
                    if is_statement_timeout(exc):
                        raise
                    engine.failed(self.context_value, exc)
        return super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )
