"""Where a request's time went: in SQL statements, and waiting for its ledger entry; and its id.

The HTTP side opens a `Timings` for each request (`measuring`); the engine's statement events and
the ledger appender add to the one of the request they run for, found through a context variable,
which the worker thread running the request inherits. Only durations are kept: never a statement,
a parameter or a value. The request id is made here too, once, so that the answer's `X-Request-Id`,
its access line and every other line logged while it runs name the same request.
"""

from __future__ import annotations

import random
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def new_id() -> str:
    """16 hex digits naming one request in answers and logs: a correlation id, never a secret or a key.

    Drawn from the process's own generator (seeded by the system when the process starts), not
    from `os.urandom` as `uuid4` draws it: that is a system call, during which the interpreter's
    lock is let go on the event loop's thread, on every request, to whichever worker thread wants
    it; under load the loop then waits to take it back (BENCHMARKS.md, "One hop, one connection,
    no system call on the loop")."""
    return f"{random.getrandbits(64):016x}"


@dataclass
class Timings:
    request_id: str = field(default_factory=new_id)
    database: float = 0.0
    ledger_wait: float = 0.0
    office: str | None = None
    operation: str | None = None


_current: ContextVar[Timings | None] = ContextVar("borderlabour_timings", default=None)
_STARTED = "borderlabour_timing_started"


def measuring() -> Timings:
    """A fresh record for the request running in this context (and the threads it starts)."""
    timings = Timings()
    _current.set(timings)
    return timings


def current() -> Timings | None:
    return _current.get()


def request_id() -> str | None:
    """The id of the HTTP request running in this context, if any."""
    timings = _current.get()
    return None if timings is None else timings.request_id


def waited_for_ledger(seconds: float) -> None:
    timings = _current.get()
    if timings is not None:
        timings.ledger_wait += seconds


def time_statements(engine: Engine) -> None:
    """Adds each statement's time on `engine` to the request it runs for."""

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_: Any) -> None:
        conn.info[_STARTED] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn: Any, *_: Any) -> None:
        started = conn.info.pop(_STARTED, None)
        timings = _current.get()
        if started is not None and timings is not None:
            timings.database += time.perf_counter() - started
