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
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, DateTime, Enum, Numeric

from planner.plan import GlobalId, Nested, ObjectPlan, Typename, Value
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
    return lambda raw: raw


@lru_cache(maxsize=64)
def decoders(type_name: str) -> dict[str, Decoder]:
    return {name: _decoder(t) for name, t in column_types(TYPES[type_name]).items()}


def _serialize(leaf: Any, value: Any) -> Any:
    if isinstance(value, list):
        return [leaf.serialize(v) for v in value]
    return leaf.serialize(value)


class Finisher:
    """Turns one answer's JSON into response values, collecting the disclosure as it goes."""

    def __init__(self) -> None:
        self.workers: dict[int, set[str]] = {}

    def value(self, type_name: str, selection: Value, raw: Any) -> Any:
        rule = selection.rule
        if isinstance(rule, Sealed):
            value = rule.open(raw)
        elif raw is None:
            return None
        elif isinstance(rule, Split):
            value = raw.split(",")
        else:
            value = decoders(type_name)[rule.name](raw)
        return None if value is None else _serialize(selection.leaf, value)

    def object(self, plan: ObjectPlan, raw: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        position = 0
        for selection in plan.selections:
            if isinstance(selection, Typename):
                out[selection.key] = selection.name
                continue
            item = raw[position]
            position += 1
            if isinstance(selection, GlobalId):
                out[selection.key] = encode_id(selection.type_name, item)
            elif isinstance(selection, Value):
                out[selection.key] = self.value(plan.type_name, selection, item)
            elif isinstance(selection, Nested):
                out[selection.key] = self.nested(selection, item)
        if plan.disclosed:
            self.workers.setdefault(raw[position], set()).update(plan.disclosed)
        return out

    def nested(self, selection: Nested, raw: Any) -> Any:
        if isinstance(selection.rule, ToOne):
            return None if raw is None else self.object(selection.child, raw)
        return [self.object(selection.child, item) for item in raw]
