"""Keyset pagination: a page costs the same on page one and on page ten thousand.

A cursor holds the ordering it was made for and the last row's sort key; it is sealed (see
`models.opaque`) so it reveals no internal row number. Sorting is on one non-null column with
the primary key as tie-breaker, which a row-value comparison serves from an index on both
SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from ledger.entries import SEARCH_NAMES_WORKERS
from models.opaque import InvalidIdError, decode_cursor, encode_cursor
from policies.sessions import GRANT_KEY
from resolvers.errors import InputError

MAX_PAGE = 100
MAX_NESTED = 100  # a list inside an object (a worker's crossings, an employer's placements)


@dataclass(frozen=True)
class Ordering:
    key: str
    column: InstrumentedAttribute
    descending: bool = False


@dataclass
class Page:
    rows: list[Any]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count: Callable[[], int]
    workers: Callable[[], list[int]] | None = None  # the workers the filters matched, a few at most


def _restore(value: Any, sample: InstrumentedAttribute) -> Any:
    column_type = sample.type
    python_type = getattr(column_type, "impl_instance", column_type).python_type
    if value is None:
        return None
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    return python_type(value) if python_type in (int, str) else value


def _key_of(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def cursor_audience(session: Session, model: Any) -> str:
    """Whom a cursor is for: the office of the session, and the list it pages through."""
    grant = session.info.get(GRANT_KEY)
    office = grant.office.code if grant is not None else "internal"
    return f"{office}/{getattr(model, '__tablename__', model.__name__)}"


def cursor_of(ordering: Ordering, value: Any, row_id: int, audience: str) -> str:
    """The cursor of a row whose sort key is `value`: both engines make cursors here."""
    return encode_cursor([ordering.key, ordering.descending, _key_of(value), row_id], audience)


def check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise InputError("first", "must be between 0 and {maximum}", "OUT_OF_RANGE", maximum=MAX_PAGE)


def nested_first(first: int) -> int:
    """`first` of a nested list, for both engines, or OUT_OF_RANGE."""
    if not 0 <= first <= MAX_NESTED:
        raise InputError("first", f"must be between 0 and {MAX_NESTED}", "OUT_OF_RANGE")
    return first


def after_cursor(ordering: Ordering, pk: Any, after: str, audience: str) -> ColumnElement[bool]:
    """The rows after the cursor's row in `ordering`; an InputError for a cursor that is not one."""
    value, last_id = cursor_values(ordering, after, audience)
    boundary = tuple_(ordering.column, pk), tuple_(value, last_id)
    return boundary[0] < boundary[1] if ordering.descending else boundary[0] > boundary[1]


def cursor_values(ordering: Ordering, after: str, audience: str) -> tuple[Any, int]:
    """The sort key and ID of the cursor's row, as the column holds them; an InputError for a cursor
    that is not one of `ordering`'s (the compiled engine binds them into a statement kept per shape)."""
    try:
        key, descending, value, last_id = decode_cursor(after, audience)
    except (InvalidIdError, ValueError, TypeError) as exc:
        raise InputError("after", "not a valid cursor", "INVALID_CURSOR") from exc
    if key != ordering.key or descending != ordering.descending:
        raise InputError("after", "this cursor was made for another ordering", "INVALID_CURSOR")
    try:
        return _restore(value, ordering.column), int(last_id)
    except (TypeError, ValueError) as exc:
        raise InputError("after", "not a valid cursor", "INVALID_CURSOR") from exc


def paginate(
    session: Session,
    model: Any,
    where: list[ColumnElement[bool]],
    ordering: Ordering,
    first: int,
    after: str | None,
) -> Page:
    check_first(first)
    column, pk = ordering.column, model.id
    audience = cursor_audience(session, model)
    stmt: Select = select(model).where(*where)
    if after is not None:
        stmt = stmt.where(after_cursor(ordering, pk, after, audience))
    order = (column.desc(), pk.desc()) if ordering.descending else (column.asc(), pk.asc())
    rows = list(session.scalars(stmt.order_by(*order).limit(first + 1)))
    has_next = len(rows) > first
    rows = rows[:first]
    cursors = [cursor_of(ordering, getattr(r, column.key), r.id, audience) for r in rows]

    @cache
    def count() -> int:  # once per page, whether totalCount or the ledger asks first
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    column_of_worker = worker_column(model)

    def workers() -> list[int]:
        """The workers the rows matched are about: asked only when they are few (the ledger's)."""
        assert column_of_worker is not None
        matched = (
            select(column_of_worker)
            .where(column_of_worker.is_not(None), *where)
            .distinct()
            .limit(SEARCH_NAMES_WORKERS + 1)
        )
        return sorted(session.scalars(matched))

    return Page(rows, cursors, has_next, after is not None, count, workers if column_of_worker else None)


def worker_column(model: Any) -> Any:
    """The column naming the worker a row is about; None for rows about no worker."""
    return model.id if model.__name__ == "Worker" else getattr(model, "worker_id", None)
