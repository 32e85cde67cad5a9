"""Waiting in a test for what another process does: polled, with a deadline, never a bare sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, text

T = TypeVar("T")

WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def until(check: Callable[[], T], seconds: float = 30) -> T:
    """`check()`'s first truthy answer, asked every 0.2 s; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("not within the time")


def a_lock_is_waited_for(engine: Engine, seconds: float) -> bool:
    """Whether a session of the engine's PostgreSQL database comes to wait for a lock within
    `seconds`, asked every 10 ms: a test that races two transactions lets the first go on only once
    the second has reached its lock, and fails if it never did (nothing was raced)."""
    deadline = time.monotonic() + seconds
    while True:
        with engine.connect() as conn:
            if conn.scalar(WAITING_ON_A_LOCK):
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
