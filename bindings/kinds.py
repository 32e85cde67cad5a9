"""The kinds of read binding: how one readable GraphQL field is read from the database.

A binding names columns and relations, never access: which fields exist is the office's schema, which
rows exist is `policies.scopes`. Both read engines derive from the same binding: the planner compiles
it into SQL (`planner/`), the reference engine's resolvers read it through the request's loaders
(`resolvers/bound.py`), so a field's order, limit or column is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import FromClause, Table

from models.sealing import keyring


@dataclass(frozen=True)
class Column:
    """A column shown as is (its GraphQL scalar formats it)."""

    name: str


@dataclass(frozen=True)
class Sealed:
    """An encrypted column, opened with the keyring in the finishing pass."""

    name: str
    empty: str | None = None  # what the reference shows for a missing value

    def open(self, raw: str | None) -> str | None:
        return keyring().open(raw) or self.empty


@dataclass(frozen=True)
class ToOne:
    """The row of `target` whose id is the parent's `column` (null when outside the scope)."""

    column: str
    target: str


@dataclass(frozen=True)
class ToMany:
    """The rows of `target` whose `fk` is the parent's id, in `order`; `first` of them if limited."""

    fk: str
    target: str
    order: tuple[tuple[str, bool], ...]  # (column, descending)
    default_first: int | None = None


@dataclass(frozen=True)
class Through:
    """The rows of `target` linked to the parent through an association table, by target id."""

    table: Table
    left: str
    right: str
    target: str


@dataclass(frozen=True)
class Cause(Column):
    """A status change's cause: null where the office may not read the record that caused it."""


@dataclass(frozen=True)
class Split:
    """A comma-separated column shown as a list of strings; with `prefix`, only the items without it
    (`marked=False`) or only those with it, shown without it (`marked=True`)."""

    name: str
    prefix: str | None = None
    marked: bool = False

    def items(self, raw: str) -> list[str]:
        items = [v for v in raw.split(",") if v]
        if self.prefix is None:
            return items
        if self.marked:
            return [v[len(self.prefix) :] for v in items if v.startswith(self.prefix)]
        return [v for v in items if not v.startswith(self.prefix)]


Leaf = Column | Sealed | Split
Rule = Leaf | ToOne | ToMany | Through


@dataclass(frozen=True)
class TypeRule:
    """Where the rows of one GraphQL object type live."""

    model: type | None
    fields: Mapping[str, Rule]
    worker: str | None = None  # the column naming the worker an object is about (for the ledger)
    source: Callable[[], FromClause] | None = None  # rows that are not one table's
    # Rows no office's scope restricts, read with no row scope (`planner.sql.Writer.scope`): only a
    # rule with no model may say so, and only for rows reached through a scoped parent or public ones.
    public: bool = False

    def alias(self) -> FromClause:
        if self.source is not None:
            return self.source()
        return self.model.__table__.alias()  # type: ignore[union-attr]


def newest(*columns: str) -> tuple[tuple[str, bool], ...]:
    """An order of newest first: each column descending, the key last so equal dates stay in order."""
    return tuple((c, True) for c in columns)


def column_types(rule: TypeRule) -> dict[str, Any]:
    """The SQLAlchemy type of each column of the type's rows, for decoding what the JSON carries."""
    return {c.key: c.type for c in rule.alias().columns}
