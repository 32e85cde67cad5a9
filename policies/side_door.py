"""No side door around the row scope: a scoped session runs no statement on a scoped table that did
not come through the scope.

The session hook (`policies.sessions`) scopes the ORM statements that go through `session.execute`.
A statement sent to the session's connection (`session.connection().execute(...)`, a Core `select`
of a scoped table) would miss the hook and see every office's rows. This guard, a `before_execute`
listener on every engine, refuses such a statement in a scoped session unless
  - the session hook marked it (an ORM statement with the office's criteria attached);
  - the read planner built it (`through_scope`: it re-points the office's scope at every table it
    reads, `policies.scopes.scope_clause`);
  - the unit of work writes it (a flush writes the rows the session holds; whether the office may
    write them is the writers' checks, `resolvers.writes.common.require_in_scope`);
  - it runs inside `past_scope(session, why=...)`, the one named door, whose every use is listed
    with its reason in `tests/test_side_door.py`. A look-up there that tells the office something
    about a person is ledgered by the caller with the same reason (`ledger.entries.Lookup.why`).
Everything else on a scoped table raises `SideDoorRefused` before it reaches the database.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql import ClauseElement, TextClause
from sqlalchemy.sql.util import find_tables

from policies.scopes import SCOPED_MODELS

# Execution options: the statement came through the scope; the connection belongs to a session.
THROUGH_SCOPE = "borderlabour_through_scope"
SESSION_OPTION = "borderlabour_session"
# session.info keys: the office's grant (set by `policies.sessions.scoped_session`), the door open.
GRANT_KEY = "borderlabour.grant"
PAST_SCOPE_KEY = "borderlabour.past_scope"

# The tables the row scope restricts: those of the models `policies.scopes` scopes, one list for both.
SCOPED_TABLES = frozenset(m.__table__.name for m in SCOPED_MODELS)  # type: ignore[attr-defined]
# A table named in raw SQL (not a bound parameter such as `:workers`, nor part of a longer name).
_NAMED_IN_TEXT = re.compile(r"(?<![:\w])(" + "|".join(sorted(SCOPED_TABLES)) + r")\b", re.IGNORECASE)


class SideDoorRefused(RuntimeError):
    """A statement on a scoped table tried to pass around the office's row scope."""


@contextmanager
def past_scope(session: Session, *, why: str) -> Iterator[Session]:
    """Within it, the session's connection may read and lock scoped tables past the office's scope.

    The one door, named so that every use can be listed and reviewed. `why` says what the look-up
    is for; where its result tells the office anything about a person, the caller ledgers it with
    this reason. Only Core statements on the connection pass: ORM statements stay scoped.
    """
    if not why.strip():
        raise ValueError("past_scope needs a reason")
    previous = session.info.get(PAST_SCOPE_KEY)
    session.info[PAST_SCOPE_KEY] = why
    try:
        yield session
    finally:
        if previous is None:
            session.info.pop(PAST_SCOPE_KEY, None)
        else:
            session.info[PAST_SCOPE_KEY] = previous


def through_scope(statement: Any) -> Any:
    """Marks a statement of the read planner, which carries the office's scope on every table it reads."""
    return statement.execution_options(**{THROUGH_SCOPE: True})


def scoped_tables_of(statement: ClauseElement) -> set[str]:
    """The scoped tables a statement reads or writes (their aliases and sub-selects included)."""
    if isinstance(statement, TextClause):
        return {name.lower() for name in _NAMED_IN_TEXT.findall(statement.text)}
    found = find_tables(statement, check_columns=True, include_crud=True)
    return {t.name for t in found if getattr(t, "name", None) in SCOPED_TABLES}


def serving(connection: Connection, session: Session) -> None:
    """Tells the connection which session it serves, so that the guard can ask for its grant: the
    session's own connections (below), and one the read planner takes for a request's compiled
    statements beside its session (`planner.engine`). That one serves a session after another (it is
    kept out of the pool between reads: `models.kept`), so a session without a grant clears the
    name the one before left, and the guard never asks another request's grant."""
    owner = weakref.ref(session) if GRANT_KEY in session.info else None
    connection.execution_options(**{SESSION_OPTION: owner})


@event.listens_for(Session, "after_begin")
def _mark_connection(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    serving(connection, session)


@event.listens_for(Engine, "before_execute")
def _refuse_side_door(
    connection: Connection, statement: Any, multiparams: Any, params: Any, options: Any
) -> None:
    owner = options.get(SESSION_OPTION)
    if owner is None or options.get(THROUGH_SCOPE):
        return
    session = owner()
    if session is None or GRANT_KEY not in session.info:
        return
    if session.info.get(PAST_SCOPE_KEY) or session._flushing:
        return
    if not isinstance(statement, ClauseElement):
        return
    tables = scoped_tables_of(statement)
    if tables:
        raise SideDoorRefused(
            f"a statement on {', '.join(sorted(tables))} ran past the office's row scope; "
            "go through the session's scope, or name why with policies.side_door.past_scope"
        )
