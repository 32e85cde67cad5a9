"""Batched loads: every relation of a page is fetched in one statement, whatever the page size.

One `Loaders` object lives for one request. Loaders run on the request's scoped session, so the
row scope applies to them like to any other SELECT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased
from strawberry.dataloader import DataLoader


def _order_key(clause: ColumnElement) -> Hashable:
    """A cheap identity for an ORDER BY term (`Model.column.desc()`), built on every resolver call.

    `str(clause)` would compile it, with a new dialect each time: 400 compilations for a page of
    100 workers with two relations each.
    """
    element, modifier = getattr(clause, "element", clause), getattr(clause, "modifier", None)
    table, key = getattr(element, "table", None), getattr(element, "key", None)
    if table is None or key is None:
        return str(clause)
    return (table.name, key, getattr(modifier, "__name__", None))


class Loaders:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaders: dict[Hashable, DataLoader] = {}

    def _get(self, key: Hashable, load_fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=load_fn)
        return loader

    def by_id(self, model: Any) -> DataLoader:
        """Rows by primary key; a row outside the scope loads as None."""

        async def load(ids: Sequence[int]) -> list[Any]:
            rows = self.session.scalars(select(model).where(model.id.in_(set(ids)))).all()
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return self._get(("by_id", model), load)

    def children(self, model: Any, fk: str, order: Sequence[Any], limit: int | None = None) -> DataLoader:
        """Rows of `model` whose `fk` is each key, in `order`, at most `limit` per key."""
        column = getattr(model, fk)

        async def load(keys: Sequence[int]) -> list[list[Any]]:
            wanted = sorted(set(keys))
            if limit is None:
                stmt = select(model).where(column.in_(wanted)).order_by(column, *order)
            elif self.session.get_bind().dialect.name == "postgresql":
                stmt = _first_per_key_lateral(model, fk, order, limit, wanted)
            else:
                stmt = _first_per_key_window(model, fk, order, limit, wanted)
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in self.session.scalars(stmt):
                grouped[getattr(row, fk)].append(row)
            return [grouped.get(k, []) for k in keys]

        return self._get(("children", model, fk, tuple(_order_key(o) for o in order), limit), load)

    def through(self, model: Any, table: Any, left: str, right: str) -> DataLoader:
        """Rows of `model` linked to each key through an association table (agreement → gates)."""

        async def load(keys: Sequence[int]) -> list[list[Any]]:
            link = table.c
            stmt = (
                select(link[left], model)
                .join(model, model.id == link[right])
                .where(link[left].in_(set(keys)))
                .order_by(link[left], model.id)
            )
            grouped: dict[int, list[Any]] = defaultdict(list)
            for key, row in self.session.execute(stmt):
                grouped[key].append(row)
            return [grouped.get(k, []) for k in keys]

        return self._get(("through", model, table.name), load)


def _first_per_key_window(
    model: type, fk: str, order: Sequence[ColumnElement], limit: int, keys: list[int]
) -> Select:
    """The first `limit` rows per key: every row of the keys, ranked by a window function."""
    column = getattr(model, fk)
    rank = func.row_number().over(partition_by=column, order_by=list(order)).label("rank")
    inner = select(model, rank).where(column.in_(keys)).subquery()
    return select(aliased(model, inner)).where(inner.c.rank <= limit).order_by(inner.c[fk], inner.c.rank)


def _first_per_key_lateral(
    model: type, fk: str, order: Sequence[ColumnElement], limit: int, keys: list[int]
) -> Select:
    """The first `limit` rows per key on PostgreSQL: per key, an index scan that stops after `limit`
    rows, so the row scope is checked on those rows only, not on every row of every key."""
    keyed = (
        func.unnest(bindparam("keys", keys, type_=ARRAY(Integer)))
        .table_valued("key")
        .render_derived(name="keys")
    )
    rank = func.row_number().over(order_by=list(order)).label("rank")
    inner = (
        select(model, rank).where(getattr(model, fk) == keyed.c.key).order_by(*order).limit(limit).lateral()
    )
    ranked: Any = aliased(model, inner)
    return select(ranked).select_from(keyed).join(inner, true()).order_by(inner.c[fk], inner.c.rank)
