"""Batched loads: every relation of a page is fetched in one statement, whatever the page size.

One `Loaders` object lives for one request. Loaders run on the request's scoped session, so the
row scope applies to them like to any other SELECT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased
from strawberry.dataloader import DataLoader


class Loaders:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaders: dict[Hashable, DataLoader] = {}

    def _get(self, key: Hashable, load_fn) -> DataLoader:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=load_fn)
        return loader

    def by_id(self, model: type) -> DataLoader:
        """Rows by primary key; a row outside the scope loads as None."""

        async def load(ids: Sequence[int]) -> list[Any]:
            rows = self.session.scalars(select(model).where(model.id.in_(set(ids)))).all()
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return self._get(("by_id", model), load)

    def children(
        self, model: type, fk: str, order: Sequence[ColumnElement], limit: int | None = None
    ) -> DataLoader:
        """Rows of `model` whose `fk` is each key, in `order`, at most `limit` per key."""
        column = getattr(model, fk)

        async def load(keys: Sequence[int]) -> list[list[Any]]:
            wanted = set(keys)
            if limit is None:
                stmt = select(model).where(column.in_(wanted)).order_by(column, *order)
            else:
                rank = func.row_number().over(partition_by=column, order_by=list(order)).label("rank")
                inner = select(model, rank).where(column.in_(wanted)).subquery()
                ranked = aliased(model, inner)
                stmt = select(ranked).where(inner.c.rank <= limit).order_by(inner.c[fk], inner.c.rank)
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in self.session.scalars(stmt):
                grouped[getattr(row, fk)].append(row)
            return [grouped.get(k, []) for k in keys]

        return self._get(("children", model, fk, tuple(str(o) for o in order), limit), load)

    def through(self, model: type, table, left: str, right: str) -> DataLoader:
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
            for key, row in self.session.execute(stmt).tuples():
                grouped[key].append(row)
            return [grouped.get(k, []) for k in keys]

        return self._get(("through", model, table.name), load)
