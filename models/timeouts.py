"""How long one SQL statement may run, on both databases, and telling a statement stopped for it.

A statement that runs for minutes holds a connection, a server thread and, on SQLite, the
database's attention, while every other office waits. PostgreSQL stops such a statement itself
(`statement_timeout`, set on each connection); SQLite has no such setting, so a progress handler,
called every few thousand steps of its virtual machine, stops a statement that has run longer than
the budget. Either way the statement fails with an error `is_statement_timeout` recognises, and
the service answers that the operation took too long, to be retried (not a 500).
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

STARTED = "borderlabour_statement_started"
STEPS = 10_000  # virtual-machine steps between two looks at the clock: well under a millisecond


class StatementTimedOut(RuntimeError):
    """A statement of the operation ran longer than `seconds` and the database stopped it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"a statement ran longer than {seconds} s")
        self.seconds = seconds


def postgresql_connect_args(seconds: float) -> dict[str, str]:
    """The connection option that makes PostgreSQL stop each statement after `seconds`."""
    return {"options": f"-c statement_timeout={max(1, round(seconds * 1000))}"}


def stop_slow_sqlite_statements(engine: Engine, seconds: float) -> None:
    """Each connection of `engine` stops a statement that has run longer than `seconds`.

    The clock starts when a statement is sent and stops at the end of the transaction, so the
    steps of fetching a statement's rows count towards it, and a commit never meets a stale clock.
    """

    @event.listens_for(engine, "connect")
    def _watch(dbapi_connection: Any, record: Any) -> None:
        info = record.info

        def progress() -> int:
            started = info.get(STARTED)
            return 1 if started is not None and time.monotonic() - started > seconds else 0

        dbapi_connection.set_progress_handler(progress, STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_: Any) -> None:
        conn.info[STARTED] = time.monotonic()

    def _stop(conn: Any, *_: Any) -> None:
        conn.info.pop(STARTED, None)

    event.listen(engine, "commit", _stop)
    event.listen(engine, "rollback", _stop)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info.pop(STARTED, None)


def is_statement_timeout(exc: BaseException | None) -> bool:
    """Whether `exc` (or the driver's error it wraps) is a statement stopped for its budget."""
    if isinstance(exc, StatementTimedOut):
        return True
    original = getattr(exc, "orig", exc)
    if isinstance(original, sqlite3.OperationalError):
        return str(original) == "interrupted"
    return getattr(original, "sqlstate", None) == "57014"  # PostgreSQL's query_canceled
