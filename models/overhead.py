"""Statements the registry runs beside the operations themselves, told apart from the operations'.

A request's statement count is a promise the tests and the benchmark read from `/metrics`
(`borderlabour_db_statements_total`): one statement per root field, whatever the page size. What
runs beside it must not move that count: the background work (webhook delivery, due-alert scans,
the event bell), and a token look-up, which a request makes only when the look-up cache (2 s) has
forgotten its token, so its count would depend on timing. Those statements are counted apart
(`borderlabour_db_overhead_statements_total`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

_local = threading.local()


def start_background(target: Callable[[], None], name: str) -> threading.Thread:
    """Runs `target` in a daemon thread whose statements are all overhead."""

    def run() -> None:
        _local.overhead = True
        target()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def overhead() -> Iterator[None]:
    """The statements run inside are overhead (e.g. a token look-up made for a request)."""
    before = getattr(_local, "overhead", False)
    _local.overhead = True
    try:
        yield
    finally:
        _local.overhead = before


def is_overhead() -> bool:
    """Whether the calling thread runs overhead now rather than an operation's statements."""
    return bool(getattr(_local, "overhead", False))
