"""A plan written as SQLAlchemy Core statements in which the database builds the answer's JSON.

Each object is a JSON array of its selected values (positions, not names: the plan knows them),
a to-one relation a correlated sub-select of one such array, a to-many relation a correlated
sub-select aggregating them in order. One statement per root field. The row scope of every table
read is the expression `policies.scopes` makes for the office, re-pointed at the table's alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from bindings.kinds import Cause, ToMany, ToOne, TypeRule
from bindings.types import TYPES
from models import Worker
from models.data_version import current_version
from planner.compiled import AFTER_ID, AFTER_KEY, PAGE_LIMIT, ROW_ID
from planner.finish import is_shown_moment
from planner.plan import ConnectionRoot, GlobalId, Nested, ObjectPlan, Value
from planner.tables import Aliases, scope_on
from policies.causes import shown_causes
from policies.grants import Grant
from policies.side_door import through_scope


class UnscopedRule(RuntimeError):
    """A read rule names no model (so no row scope) and is not declared public."""


class Writer:
    """Writes statements for one office on one dialect."""

    def __init__(self, grant: Grant, dialect: str) -> None:
        self.grant = grant
        self.postgresql = dialect == "postgresql"
        self.aliases = Aliases()

    # -- JSON in the database's own words --------------------------------------------------
    def array(self, values: list[ColumnElement[Any]]) -> ColumnElement[Any]:
        return func.json_build_array(*values) if self.postgresql else func.json_array(*values)

    def embedded(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A sub-select's JSON inside another JSON value (SQLite would otherwise quote it as text)."""
        return value if self.postgresql else func.json(value)

    def aggregate(self, value: ColumnElement[Any], order: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
        """The JSON array of `value` over the rows, in `order` (SQLite keeps its sub-select's order)."""
        if self.postgresql:
            return func.coalesce(func.json_agg(aggregate_order_by(value, *order)), func.json_build_array())
        return func.json_group_array(func.json(value))

    def text(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """The answer's JSON as text, so that Python reads its numbers digit for digit."""
        return cast(value, Text) if self.postgresql else value

    def moment(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A stored moment in the form the finisher passes through (`planner.finish.shown_moment`).

        PostgreSQL's JSON writes a `timestamptz` in that form already (in a UTC session); SQLite
        holds the text SQLAlchemy wrote, `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, rewritten here as
        `YYYY-MM-DDTHH:MM:SS`, `.ffffff` only if there are microseconds, then `+00:00`.
        """
        if self.postgresql:
            return column
        micro = func.substr(column, 21, 6)
        fraction = case((micro.in_(["", "000000"]), ""), else_="." + micro)
        return case(
            (column.is_(None), None),
            else_=func.substr(column, 1, 10) + "T" + func.substr(column, 12, 8) + fraction + "+00:00",
        )

    def scope(self, rule: TypeRule, table: FromClause, under_worker: bool = False) -> ColumnElement[bool]:
        """The office's row scope on `table`. A rule with no model has no scope to apply: it is read
        only if declared public (`TypeRule.public`); otherwise planning it is refused.
        `under_worker`: the rows are a worker's records, read by their worker's id under the
        worker's own row, which this statement has already held to the office's scope."""
        if rule.model is None:
            if not rule.public:
                raise UnscopedRule(f"the rows of {rule.source!r} have no model and are not declared public")
            return true()
        clause = scope_on(self.grant, rule.model, table, under_worker)
        return true() if clause is None else clause

    # -- objects ---------------------------------------------------------------------------
    def object(self, plan: ObjectPlan, table: FromClause) -> ColumnElement[Any]:
        """The JSON array of one object: its selections' values, then its worker for the ledger."""
        values: list[ColumnElement[Any]] = []
        for selection in plan.selections:
            if isinstance(selection, GlobalId):
                values.append(table.c.id)
            elif isinstance(selection, Value):
                column = table.c[selection.rule.name]
                if isinstance(selection.rule, Cause):
                    values.append(self.cause(column))
                    continue
                values.append(self.moment(column) if is_shown_moment(plan.type_name, selection) else column)
            elif isinstance(selection, Nested):
                values.append(self.embedded(self.nested(selection, table, plan.rule)))
        if plan.disclosed and plan.rule.worker is not None:
            values.append(table.c[plan.rule.worker])
        return self.array(values)

    def cause(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A status change's cause, null where the office may not read the causing record."""
        shown = shown_causes(self.grant)
        if shown is None:
            return column
        return case((column.in_(sorted(shown)), column), else_=null())

    def nested(self, nested: Nested, parent: FromClause, parent_rule: TypeRule) -> ColumnElement[Any]:
        rule, child = nested.rule, nested.child
        table = self.aliases.of(child.rule.source or child.rule.model, child.rule.alias)
        # Every worker row a statement reads has passed the office's scope for workers (here, in
        # the row's own WHERE): its records, joined by their worker column, need not test it again.
        under_worker = (
            isinstance(rule, ToMany) and parent_rule.model is Worker and rule.fk == child.rule.worker
        )
        scope = self.scope(child.rule, table, under_worker)
        if isinstance(rule, ToOne):
            one = select(self.object(child, table)).where(table.c.id == parent.c[rule.column], scope)
            return one.scalar_subquery()
        if isinstance(rule, ToMany):
            order = [(table.c[c], desc) for c, desc in rule.order]
            where = [table.c[rule.fk] == parent.c.id, scope]
            return self.aggregated(
                self.object(child, table), where, order, nested.first, table, parent=parent
            )
        link = self.aliases.of(rule.table, rule.table.alias)
        where = [link.c[rule.left] == parent.c.id, table.c.id == link.c[rule.right], scope]
        order = [(table.c.id, False)]
        return self.aggregated(self.object(child, table), where, order, None, table, link, parent=parent)

    def aggregated(
        self,
        row: ColumnElement[Any],
        where: list[ColumnElement[bool]],
        order: Sequence[tuple[ColumnElement[Any], bool]],
        limit: int | ColumnElement[int] | None,
        *tables: FromClause,
        parent: FromClause | None = None,
    ) -> ColumnElement[Any]:
        """A sub-select of the JSON array of `row` over the rows `where` holds: in `order`, `limit` of them.

        The rows are ordered and limited in an inner select; the aggregate then keeps that order.
        """
        keys = [column.label(f"k{i}") for i, (column, _desc) in enumerate(order)]
        rows = select(row.label("v"), *keys).select_from(*tables).where(*where)
        if parent is not None:
            # The rows sit in a sub-select's FROM, where nothing correlates by itself.
            rows = rows.correlate(parent)
        rows = rows.order_by(*(c.desc() if desc else c.asc() for c, desc in order))
        inner = (rows.limit(limit) if limit is not None else rows).subquery()
        again = [
            inner.c[f"k{i}"].desc() if desc else inner.c[f"k{i}"].asc() for i, (_c, desc) in enumerate(order)
        ]
        return select(self.aggregate(inner.c.v, again)).scalar_subquery()

    # -- roots -----------------------------------------------------------------------------
    def count(self, root: ConnectionRoot) -> Select:
        """The rows the filters match in the office's scope: totalCount, and the ledger's `matched`."""
        table = root.model.__table__  # type: ignore[attr-defined]
        return through_scope(
            select(func.count())
            .select_from(table)
            .where(self.scope(TYPES[root.type_name], table), *root.where)
        )

    def matched_workers(self, root: ConnectionRoot, limit: int) -> Select:
        """The workers the rows the filters match in the office's scope are about (the ledger's)."""
        table = root.model.__table__  # type: ignore[attr-defined]
        worker = table.c[TYPES[root.type_name].worker]  # type: ignore[index]
        where = [self.scope(TYPES[root.type_name], table), *root.where]
        return through_scope(select(worker).where(worker.is_not(None), *where).distinct().limit(limit))

    def connection(self, root: ConnectionRoot, counted: bool = True, versioned: bool = False) -> Select:
        """One row: the count (if asked and `counted`), the data version (if `versioned`, see
        `planner.memo`) and the page's rows, each `[objects..., id, sort key]`. How many rows, and
        the cursor's key and ID they follow, are bound when it runs (`planner.compiled`)."""
        table = root.model.__table__  # type: ignore[attr-defined]
        where = [self.scope(TYPES[root.type_name], table), *root.where]
        columns: list[ColumnElement[Any]] = []
        if root.needs_count and counted:
            columns.append(self.count(root).scalar_subquery().label("total"))
        else:
            columns.append(literal_column("0").label("total"))
        if versioned:
            columns.append(current_version().label("version"))
        if root.needs_rows:
            column, pk = table.c[root.ordering.column.key], table.c.id
            desc = root.ordering.descending
            page_where = [*where, self.after(root, column, pk)] if root.after is not None else where
            objects = [self.embedded(self.object(p, table)) for p in root.rows()]
            # Then what a cursor needs: the worker it identifies (for the ledger), the row's id and key.
            worker = TYPES[root.type_name].worker
            row = self.array([*objects, table.c[worker] if worker else literal_column("NULL"), pk, column])
            limit = bindparam(PAGE_LIMIT, type_=Integer())
            rows = self.aggregated(row, page_where, [(column, desc), (pk, desc)], limit, table)
            columns.append(self.text(rows).label("rows"))
        return through_scope(select(*columns))

    @staticmethod
    def after(
        root: ConnectionRoot, column: ColumnElement[Any], pk: ColumnElement[Any]
    ) -> ColumnElement[bool]:
        """The rows after the cursor's row in the page's order (`resolvers.pages.after_cursor`)."""
        boundary = (
            tuple_(column, pk),
            tuple_(bindparam(AFTER_KEY, type_=column.type), bindparam(AFTER_ID, type_=Integer())),
        )
        return boundary[0] < boundary[1] if root.ordering.descending else boundary[0] > boundary[1]

    def node(self, plan: ObjectPlan) -> Select:
        """The object whose ID is bound when it runs (`planner.compiled.ROW_ID`), in the office's scope."""
        table = plan.rule.model.__table__  # type: ignore[union-attr]
        found = select(self.text(self.object(plan, table)))
        row_id = bindparam(ROW_ID, type_=Integer())
        return through_scope(found.where(table.c.id == row_id, self.scope(plan.rule, table)))

    def listed(self, plan: ObjectPlan, rows: Select, order: list[str]) -> Select:
        """A list root: the rows the reference's query selects, scoped, as one JSON array in `order`."""
        table = plan.rule.model.__table__  # type: ignore[union-attr]
        scoped = rows.where(self.scope(plan.rule, table)).subquery()
        order_by = [(scoped.c[c], False) for c in order]
        return through_scope(
            select(self.text(self.aggregated(self.object(plan, scoped), [], order_by, None, scoped)))
        )
