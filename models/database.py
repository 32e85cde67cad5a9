"""Engines and sessions: where the database is, and how each connection is set up."""

from __future__ import annotations

import contextlib
import os
import time
from collections import namedtuple
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from models.timeouts import postgresql_connect_args, stop_slow_sqlite_statements
from settings import normalise_url

__all__ = ["first_row", "make_engine", "normalise_url", "session_factory", "statements_alone"]


# The server's connections prepare every statement the first time they run it (psycopg's default
# is the sixth time). A compiled read is 20-30 KB of SQL with its row scopes: parsed and planned
# unnamed on every run, one worker by id costs the database about 5 ms of CPU, from a prepared
# statement once PostgreSQL settles on a generic plan 0.7 ms (BENCHMARKS.md, "Prepared statements
# and generic plans"). Which plan is PostgreSQL's choice (`plan_cache_mode = auto`); the numbers
# and days a plan depends on are written into the text (`planner.compiled`), the other values are
# bound as parameters, so the statements repeat; each connection of each process prepares its own,
# and keeps at most psycopg's 100.
PREPARE_ON_RUN = 0
NO_JIT = "-c jit=off"
# The connections a process keeps open between requests: the pool's idle ones, and on a server's
# engine those kept out of the pool for compiled reads and the ledger (`models.kept`). Twice as
# many may be open at once, as many as a server process answers requests at once
# (`web.threads.THREADS`). A host's server processes, its command-line processes and a peer's
# stay well within PostgreSQL's default `max_connections` (100) while idle.
POOL_SIZE = 20
# Of those, kept out of the pool by a server's engine: half for compiled reads, so that sessions'
# work (writes, tokens, the reference engine) finds the other half; one for the ledger's batches.
KEPT_FOR_READS = POOL_SIZE // 2
KEPT_FOR_LEDGER = 1


def make_engine(
    url: str, statement_seconds: float | None = None, *, serving: bool = False, **kwargs: object
) -> Engine:
    """An engine for `url`; with `statement_seconds`, a statement running longer is stopped
    (`models.timeouts`): the server's engine sets it, the command line's maintenance does not.

    `serving`: the engine answers requests. On PostgreSQL its statements are prepared on their
    first run on a connection (`PREPARE_ON_RUN`), and the pool hands out the connection returned
    last, so that a quiet server keeps using the few connections whose statements are prepared
    rather than cycling through all of them."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if statement_seconds is not None:
            stop_slow_sqlite_statements(engine, statement_seconds)
        return engine
    # hide_parameters: a failed statement's values (personal data) never reach an exception or a log.
    # The pool keeps connections open between requests (`POOL_SIZE`, less those a server's engine
    # keeps out of it), so that a busy process does not open and close connections.
    idle = POOL_SIZE
    connect_args: dict[str, object] = {}
    if statement_seconds is not None:
        connect_args.update(postgresql_connect_args(statement_seconds))
    if serving:
        connect_args["prepare_threshold"] = PREPARE_ON_RUN
        # No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
        # `jit_above_cost` to machine code first, and the row scopes make small reads look dear:
        # the Hekou page of 100 spent 0.24 s compiling to run for 15 ms (BENCHMARKS.md, "Numbers
        # and days written into the text"). The server's statements are short; none gains from it.
        options = [str(connect_args.pop("options", "")), NO_JIT]
        connect_args["options"] = " ".join(o for o in options if o)
        kwargs.setdefault("pool_use_lifo", True)
        idle -= KEPT_FOR_READS + KEPT_FOR_LEDGER
    engine = create_engine(
        url,
        pool_size=idle,
        max_overflow=2 * POOL_SIZE - idle,
        hide_parameters=True,
        connect_args=connect_args,
        **kwargs,
    )
    _ping_when_idle(engine)
    return engine


def autocommit_connection(engine: Engine) -> Connection:
    """A connection of `engine` on which every statement is its own transaction (no BEGIN, no
    COMMIT): for work that is one statement, such as the ledger's batch stored without the lock."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def statements_alone(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, while no transaction is open on `connection`, each statement run within is
    its own transaction: no BEGIN before it, no COMMIT after the work; then the connection is
    transactional again. Elsewhere, or inside an open transaction, nothing changes.

    For the compiled reads (`planner.engine`): at READ COMMITTED every statement of a transaction
    reads its own snapshot anyway, so a read's answer is the same whether its statements share a
    transaction or not, and psycopg's BEGIN and COMMIT were two round trips of a read's three
    (BENCHMARKS.md, "Nested records without their worker's test, reads without BEGIN and COMMIT,
    one thread pool"). The session's transaction is left as it was: a statement after this block
    (the reference engine's, a count the ledger asks for) opens the database transaction as
    before, and the session's COMMIT of an idle connection sends nothing. Writes never run here:
    a mutation is never compiled.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    driver = connection.connection.driver_connection
    if driver is None or driver.autocommit or driver.info.transaction_status != TransactionStatus.IDLE:
        yield
        return
    driver.autocommit = True
    try:
        yield
    finally:
        try:
            driver.autocommit = False
        except Exception:
            connection.invalidate()  # never back to the pool in autocommit: a write would be cut apart


def first_row(connection: Connection, statement: str, parameters: Any) -> Any:
    """The first row of `statement` (SQL text in the driver's own form, `parameters` as the driver
    takes them), or None; its fields named by the statement's column labels.

    What `exec_driver_sql(...).first()` does, run on the driver's cursor: the engine's statement
    events run before and after it as there (the statement counts, the time budget, the request's
    timings), and a driver's error is wrapped and handled as there (a connection that met a database
    gone away is invalidated), through `Connection._cursor_execute`, the path SQLAlchemy's dialects
    take for the statements they run outside an execution context (a method of SQLAlchemy's own, not
    its public API: `tests/test_first_row.py` fails if a release changes what this relies on). What
    is skipped is that context and the result built around the cursor: about 27 µs of CPU a
    statement; for the compiled read and the ledger's batch together, 7-9 % of a worker by id's
    server CPU under load (BENCHMARKS.md, "Compiled reads and the ledger's batch on the driver's
    cursor"). For statements run often and answered by one row. No transaction is begun: the
    caller's connection is in the one it needs (the session's), or is an autocommit connection
    (`models.kept`). The side-door guard (`policies.side_door`) reads statement objects, so a text
    run here is past it, as one run by `exec_driver_sql` is: each caller is reviewed in
    `tests/test_side_door.py`.
    """
    cursor = connection.connection.cursor()
    try:
        connection._cursor_execute(cursor, statement, parameters)
        try:
            row = cursor.fetchone()  # sqlite3 steps the statement here
        except BaseException as exc:
            connection._handle_dbapi_exception(exc, statement, parameters, cursor, None)
        if row is None:
            return None
        return _row_type(tuple(column[0] for column in cursor.description))(*row)
    finally:
        cursor.close()


@lru_cache(maxsize=512)
def _row_type(names: tuple[str, ...]) -> Any:
    """A named tuple for rows of these columns (made once per set of labels)."""
    return namedtuple("Row", names, rename=True)  # type: ignore[misc]


IDLE_BEFORE_PING = 1.0  # seconds


def still_alive(connection: Connection) -> bool:
    """Whether a connection held (not pooled) through a while of idling still reaches the database:
    the check `_ping_when_idle` makes of a pooled connection taken after as long. One round trip."""
    try:
        dbapi_connection = connection.connection.dbapi_connection
        return dbapi_connection is not None and bool(connection.dialect.do_ping(dbapi_connection))
    except Exception:
        return False


def _ping_when_idle(engine: Engine) -> None:
    """Checks a pooled connection before use only if it lay idle for a while.

    A connection returned to the pool a moment ago is alive; one that waited through a database
    restart is not, and is replaced before a request meets it. SQLAlchemy's `pool_pre_ping` would
    test every checkout: one round trip more for every statement batch of every request.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: object, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: object) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_BEFORE_PING:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError() from exc
        if not alive:
            raise DisconnectionError()


def _create_private(path: str | None) -> None:
    """A new SQLite file is readable by its owner only: it holds names, dates of birth and the ledger.
    SQLite gives the WAL and shared-memory files the database file's mode."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets readers run while a border post writes; foreign keys are off by default in SQLite.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; we issue BEGIN ourselves. Writers take
    # the lock up front (IMMEDIATE) so two border posts writing at once wait instead of failing.
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
