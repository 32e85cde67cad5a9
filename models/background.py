"""The registry's own background work (webhook delivery, due alerts, the event bell), told apart
from the work done for a request.

A request's statement count is a promise the tests and the benchmark read from `/metrics`
(`borderlabour_db_statements_total`); a lease renewed or an outbox polled beside it must not change
it. Statements made in a thread started here are counted apart
(`borderlabour_db_background_statements_total`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_local = threading.local()


def start_background(target: Callable[[], None], name: str) -> threading.Thread:
    """Runs `target` in a daemon thread marked as background work."""

    def run() -> None:
        _local.background = True
        target()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def in_background() -> bool:
    """Whether the calling thread does the registry's background work rather than a request's."""
    return bool(getattr(_local, "background", False))
