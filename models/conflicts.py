"""Telling a transaction the database aborted because of another one, and may succeed if run again.

PostgreSQL breaks a deadlock by aborting one of its transactions (SQLSTATE 40P01, "deadlock
detected") and, under SERIALIZABLE or REPEATABLE READ, aborts a transaction whose snapshot a
concurrent commit made stale (40001, "could not serialize access"). Neither says anything about the
request: the same write, run again from the start in a new transaction, sees the other's commit and
goes through or is refused by the rules, as if the two had come one after the other. PostgreSQL's
manual asks applications to retry them (Chapter 13.4, "Serialization Failure Handling").

Every other error of the driver (SQLite's `database is locked` after its busy timeout included)
is not one of these: it has already waited, or is about the request itself.
"""

from __future__ import annotations

RUN_AGAIN = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def sqlstate_of(exc: BaseException | None) -> str | None:
    """The SQLSTATE of `exc`, or of the driver's error it wraps (SQLAlchemy's `orig`)."""
    original = getattr(exc, "orig", exc)
    state = getattr(original, "sqlstate", None)
    return state if isinstance(state, str) else None


def is_transaction_conflict(exc: BaseException | None) -> bool:
    """Whether the database aborted the transaction for a concurrent one (a deadlock, a
    serialization failure): the whole transaction may be run again."""
    return sqlstate_of(exc) in RUN_AGAIN
