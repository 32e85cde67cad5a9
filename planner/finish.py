"""The one pass in Python over what the database built: IDs, cursors, sealed fields, scalar formats.

Each value is first read back into the Python value the ORM would give (a `date`, an aware
`datetime`, a `Decimal` of the column's scale, an enum member), then formatted by the field's own
GraphQL type, which is exactly what the reference engine does: the two cannot format differently.
Objects about a worker add their selected fields to the disclosure, as the reference engine does.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import Date, DateTime, Enum, Numeric

from planner.plan import GlobalId, ObjectPlan, Typename, Value
from planner.rules import TYPES, Sealed, Split, ToOne, column_types
from resolvers.opaque import encode_id

Decoder = Callable[[Any], Any]


def _moment(raw: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(raw)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _decoder(column_type: Any) -> Decoder:
    """JSON value -> the Python value the ORM gives for a column of this type."""
    column_type = getattr(column_type, "impl_instance", column_type)
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        members: type[enum.Enum] = column_type.enum_class
        return members
    if isinstance(column_type, DateTime):
        return _moment
    if isinstance(column_type, Date):
        return dt.date.fromisoformat
    if isinstance(column_type, Numeric) and column_type.asdecimal:
        exponent = Decimal(1).scaleb(-(column_type.scale or 0))
        return lambda raw: Decimal(str(raw)).quantize(exponent)
    return _same


@lru_cache(maxsize=64)
def decoders(type_name: str) -> dict[str, Decoder]:
    return {name: _decoder(t) for name, t in column_types(TYPES[type_name]).items()}


def _same(raw: Any) -> Any:
    return raw


def _leaf(type_name: str, selection: Value) -> Callable[[Any], Any]:
    """JSON value -> response value of one leaf: decoded as the ORM would, formatted by its GraphQL type."""
    rule, serialize = selection.rule, selection.leaf.serialize
    if isinstance(rule, Sealed):
        return lambda raw: None if (value := rule.open(raw)) is None else serialize(value)
    if isinstance(rule, Split):
        return lambda raw: None if raw is None else [serialize(v) for v in raw.split(",") if v]
    decode = decoders(type_name)[rule.name]
    if decode is _same and selection.leaf.name in ("String", "Int"):
        return _same  # text and integers come out of the JSON as GraphQL shows them
    return lambda raw: None if raw is None else serialize(decode(raw))


Step = tuple[str, int, Any, "ObjectPlan | None"]
# (response key, position in the object's JSON array or -1 for a constant, how to show it, the plan of
# a related object: `ONE` shows it or null, `MANY` a list of them)
ONE, MANY = "one", "many"


class Finisher:
    """Turns one answer's JSON into response values, collecting the disclosure as it goes.

    `shapes` holds, per object plan, the steps that turn its JSON array into a response object; it
    lives as long as the cached plan, so that the steps are worked out once, not once per row. The
    steps hold no request state: the disclosure goes to the finisher that runs them.
    """

    def __init__(self, shapes: dict[int, tuple[list[Step], int]]) -> None:
        self.workers: dict[int, set[str]] = {}
        self.shapes = shapes

    def shape(self, plan: ObjectPlan) -> tuple[list[Step], int]:
        found = self.shapes.get(id(plan))
        if found is not None:
            return found
        steps: list[Step] = []
        position = 0
        for selection in plan.selections:
            if isinstance(selection, Typename):
                steps.append((selection.key, -1, selection.name, None))
                continue
            if isinstance(selection, GlobalId):
                steps.append((selection.key, position, partial(encode_id, selection.type_name), None))
            elif isinstance(selection, Value):
                steps.append((selection.key, position, _leaf(plan.type_name, selection), None))
            else:
                many = ONE if isinstance(selection.rule, ToOne) else MANY
                steps.append((selection.key, position, many, selection.child))
            position += 1
        found = self.shapes[id(plan)] = (steps, position if plan.disclosed else -1)
        return found

    def object(self, plan: ObjectPlan, raw: list[Any]) -> dict[str, Any]:
        steps, worker = self.shape(plan)
        out: dict[str, Any] = {}
        for key, position, show, child in steps:
            if position < 0:
                out[key] = show
            elif child is None:
                out[key] = show(raw[position])
            elif show is ONE:
                value = raw[position]
                out[key] = None if value is None else self.object(child, value)
            else:
                out[key] = [self.object(child, item) for item in raw[position]]
        if worker >= 0:
            self.workers.setdefault(raw[worker], set()).update(plan.disclosed)
        return out
