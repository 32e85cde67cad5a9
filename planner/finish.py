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

from bindings.kinds import Column, Sealed, Split, ToOne, column_types
from bindings.types import TYPES
from models.opaque import encode_id
from planner.plan import GlobalId, ObjectPlan, Typename, Value

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


def is_shown_moment(type_name: str, selection: Value) -> bool:
    """A stored moment shown as GraphQL's DateTime: Python's `isoformat()` of the UTC datetime."""
    rule = selection.rule
    if not isinstance(rule, Column) or selection.leaf.name != "DateTime":
        return False
    return decoders(type_name)[rule.name] is _moment


def shown_moment(serialize: Callable[[Any], Any], raw: str | None) -> Any:
    """A moment as the statement wrote it, shown as GraphQL's DateTime.

    Five per worker on the Hekou page: reading each back into a `datetime` to format it again cost
    a tenth of the page's Python. PostgreSQL's JSON already writes a whole-second moment of a UTC
    session as `isoformat()` does (`2025-03-01T10:00:00+00:00`), and on SQLite the statement writes
    it so (`planner.sql.Writer.moment`); anything else (microseconds, which PostgreSQL trims, or a
    session in another time zone) takes the long way.
    """
    if raw is None:
        return None
    if len(raw) == 25 and raw[10] == "T" and raw.endswith("+00:00"):
        return raw
    return serialize(_moment(raw))


def _leaf(type_name: str, selection: Value) -> Callable[[Any], Any] | dict[Any, Any]:
    """JSON value -> response value of one leaf: decoded as the ORM would, formatted by its GraphQL type.

    An enum gives a table instead of a function: its few members (and null), each shown by its
    GraphQL name, worked out once rather than once per row.
    """
    rule, serialize = selection.rule, selection.leaf.serialize
    if isinstance(rule, Sealed):
        return lambda raw: None if (value := rule.open(raw)) is None else serialize(value)
    if isinstance(rule, Split):
        return lambda raw: None if raw is None else [serialize(v) for v in rule.items(raw)]
    decode = decoders(type_name)[rule.name]
    if is_shown_moment(type_name, selection):
        return partial(shown_moment, selection.leaf.serialize)
    if decode is _same and selection.leaf.name in ("String", "Int"):
        return _same  # text and integers come out of the JSON as GraphQL shows them
    if decode == dt.date.fromisoformat and selection.leaf.name == "Date":  # a new bound method each time
        return _same  # both databases write a day as GraphQL's Date shows it: YYYY-MM-DD
    if isinstance(decode, enum.EnumMeta):
        members: list[enum.Enum] = list(decode)
        return {None: None, **{member.value: serialize(member) for member in members}}
    return lambda raw: None if raw is None else serialize(decode(raw))


Shape = Callable[[list[Any], dict[int, set[str]]], dict[str, Any]]


class Finisher:
    """Turns one answer's JSON into response values, collecting the disclosure as it goes.

    `shapes` holds, per object plan, a function that turns the plan's JSON array into its response
    object; it lives as long as the cached plan. Each function is written out for its plan (a dict
    display with one entry per selection, the positions and formats fixed), so that a row costs
    one call and one dict, not a loop over the selections deciding again what each one needs. The
    functions hold no request state: the disclosure goes to the finisher that runs them.
    """

    def __init__(self, shapes: dict[int, Shape]) -> None:
        self.workers: dict[int, set[str]] = {}
        self.shapes = shapes

    def shape(self, plan: ObjectPlan) -> Shape:
        found = self.shapes.get(id(plan))
        if found is None:
            found = self.shapes[id(plan)] = _written(plan, self.shape)
        return found

    def object(self, plan: ObjectPlan, raw: list[Any]) -> dict[str, Any]:
        return self.shape(plan)(raw, self.workers)


def _written(plan: ObjectPlan, shape_of: Callable[[ObjectPlan], Shape]) -> Shape:
    """The function that finishes objects of `plan`: `(JSON array, disclosure) -> response object`."""
    names: dict[str, Any] = {}
    entries: list[str] = []
    position = 0
    for n, selection in enumerate(plan.selections):
        key = repr(selection.key)
        if isinstance(selection, Typename):
            entries.append(f"{key}: {selection.name!r}")
            continue
        at = f"raw[{position}]"
        position += 1
        if isinstance(selection, GlobalId):
            names[f"s{n}"] = partial(encode_id, selection.type_name)
            entries.append(f"{key}: s{n}({at})")
        elif isinstance(selection, Value):
            show = _leaf(plan.type_name, selection)
            if show is _same:
                entries.append(f"{key}: {at}")
            else:
                names[f"s{n}"] = show
                entries.append(f"{key}: s{n}[{at}]" if isinstance(show, dict) else f"{key}: s{n}({at})")
        else:
            names[f"s{n}"] = shape_of(selection.child)
            if isinstance(selection.rule, ToOne):
                entries.append(f"{key}: None if {at} is None else s{n}({at}, workers)")
            else:
                entries.append(f"{key}: [s{n}(item, workers) for item in {at}]")
    lines = ["def finish(raw, workers):", f"    out = {{{', '.join(entries)}}}"]
    if plan.disclosed:
        names["disclosed"] = plan.disclosed
        lines.append(f"    workers.setdefault(raw[{position}], set()).update(disclosed)")
    lines.append("    return out")
    exec("\n".join(lines), names)  # noqa: S102 - the text is made above from the plan, not from input
    finish: Shape = names["finish"]
    return finish
