"""Sessions that carry an office's row scope into every SELECT.

A session opened with `scoped_session(factory, grant)` has the grant's criteria attached to each
ORM SELECT it runs, including relationship loads. A session that carries neither a grant nor an
explicit `internal=True` mark refuses to SELECT scoped tables at all: deny by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, sessionmaker

from ledger.entries import SEARCHED_BY, Lookup
from ledger.recorder import DisclosureRecorder
from policies.grants import Grant
from policies.scope_options import scope_options
from policies.scopes import SCOPED_MODELS
from policies.side_door import GRANT_KEY, THROUGH_SCOPE, past_scope

CRITERIA_KEY = "borderlabour.criteria"
INTERNAL_KEY = "borderlabour.internal"


# Why a registering office may learn that a number is taken elsewhere (the ledger keeps the reason).
IDENTITY_LOOKUP = "a citizen is registered once nationwide: is this identity number taken"

# Blind-index column -> the field whose number it indexes, as the ledger names it.
IDENTITY_CRITERIA = {
    "national_id_index": "Worker.nationalIdNumber",
    "border_pass_index": "Worker.borderPassNumber",
    "passport_index": "Worker.passportNumber",
}


class UnscopedSessionError(RuntimeError):
    """An ORM query ran in a session that names no office and is not marked internal."""


def scoped_session(factory: sessionmaker[Session], grant: Grant) -> Session:
    session = factory()
    session.info[GRANT_KEY] = grant
    session.info[CRITERIA_KEY] = scope_options(grant)
    return session


@contextmanager
def aggregate_scope(session: Session) -> Iterator[None]:
    """Within it, the session's office counts under its scopes without the partner windows.

    For the yearly figures alone: a report for a past year counts that year's workers for both
    parties alike, whether or not a partner office's windows on them are still open; the figures
    are aggregates and name no worker.
    """
    grant = session.info.get(GRANT_KEY)
    if grant is None:
        yield
        return
    windowed = session.info[CRITERIA_KEY]
    session.info[CRITERIA_KEY] = scope_options(grant, windowed=False)
    try:
        yield
    finally:
        session.info[CRITERIA_KEY] = windowed


def internal_session(factory: sessionmaker[Session]) -> Session:
    """For the CLI, migrations and the demo loader: sees every row, never serves a request."""
    session = factory()
    session.info[INTERNAL_KEY] = True
    return session


def identity_taken(
    session: Session,
    recorder: DisclosureRecorder,
    column: InstrumentedAttribute,
    value: str,
    except_id: int | None = None,
) -> bool:
    """Whether an identity number is registered anywhere, in or out of the caller's scope.

    The one deliberate look past the row scope: a citizen is registered once nationwide, so a
    registering office must learn that a number is taken. It learns nothing else: not where,
    not whom. The check runs on the blind index, never on the number.
    """
    table = column.class_.__table__
    stmt = select(table.c.id).where(table.c[column.key] == value).limit(1)
    if except_id is not None:  # a correction: the worker's own number is not taken by someone else
        stmt = stmt.where(table.c.id != except_id)
    with past_scope(session, why=IDENTITY_LOOKUP) as unscoped:
        holder = unscoped.connection().execute(stmt).scalar()
    if holder is not None:
        record_duplicate(recorder, column, value, holder)
    return holder is not None


def record_duplicate(
    recorder: DisclosureRecorder, column: InstrumentedAttribute, value: str, holder: int | None = None
) -> None:
    """Notes, for the ledger, that the request learned an identity number is registered elsewhere;
    and, where the worker who holds it is known (`holder`), marks that worker's record with the
    look-up, as a search that matched them is (`ledger.entries.SEARCHED_BY`): the worker's statement
    then shows which office learned their number is registered. Nothing about them was sent."""
    criterion = IDENTITY_CRITERIA.get(column.key, column.key)
    recorder.looked_up(Lookup(criterion, value, "DUPLICATE", IDENTITY_LOOKUP))
    if holder is not None:
        recorder.disclosed(holder, {SEARCHED_BY + criterion})


@event.listens_for(Session, "do_orm_execute")
def _apply_row_scope(state: ORMExecuteState) -> None:
    if not state.is_select:
        return
    info = state.session.info
    criteria = info.get(CRITERIA_KEY)
    if criteria is not None:
        state.statement = state.statement.options(*criteria)
        if state.is_orm_statement:  # a Core select of a table gets no loader criteria: not marked
            state.update_execution_options(**{THROUGH_SCOPE: True})
        return
    if info.get(INTERNAL_KEY):
        return
    mappers = {m.class_ for m in state.all_mappers}
    if mappers & set(SCOPED_MODELS):
        raise UnscopedSessionError("a query on scoped tables ran without an office's grant")
