"""The reference engine reads a field by its binding (`bindings.types`), the one the planner compiles.

A strawberry field's resolver names its binding and hands it here, so a column, an order or a limit
is written once for both engines: a leaf is the row's attribute (`value`: a sealed one opened, a
split one's items), a relation loads through the request's loaders (`related`: `by_id`, `children`
with the binding's foreign key, order and default `first`, or `through`). A relation's rows come
back as the schema's own type for the binding's target, found by name in the request's schema, so
a resolver needs no import of it: `Type(db=row)`, or `Type.of_row(row)` for a type that has no `db`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from strawberry.types.base import StrawberryObjectDefinition

from bindings.kinds import Cause, Column, Rule, Sealed, Split, Through, ToMany, ToOne
from bindings.types import TYPES
from policies.causes import sees_cause
from policies.grants import Grant
from resolvers.pages import nested_first


def value(row: Any, binding: Rule) -> Any:
    """A leaf of `row`: its column as is, a sealed column opened, a comma-separated one's items."""
    if type(binding) is Column:
        return getattr(row, binding.name)
    if isinstance(binding, Sealed):
        return binding.open(getattr(row, binding.name))
    if isinstance(binding, Split):
        raw = getattr(row, binding.name)
        return None if raw is None else binding.items(raw)
    raise TypeError(f"{binding!r} is not a leaf read from the row alone")


def cause(grant: Grant, row: Any, binding: Rule) -> str | None:
    """A status change's cause: null where the office may not read the record that caused it."""
    if not isinstance(binding, Cause):
        raise TypeError(f"{binding!r} is not a cause")
    found: str = getattr(row, binding.name)
    return found if sees_cause(grant, found) else None


def default_first(binding: Rule) -> int:
    """How many of a limited list its field gives by default: its `first` argument's default."""
    if not isinstance(binding, ToMany) or binding.default_first is None:
        raise TypeError(f"{binding!r} is not a limited list")
    return binding.default_first


async def related(info: Any, row: Any, binding: Rule, first: int | None = None) -> Any:
    """The object (ToOne) or objects (ToMany, Through) `binding` leads to from `row`, each as the
    schema's type for the target; a ToOne's row outside the scope, or no row, is None. `first` is
    the field's argument of a limited list (checked as both engines check it)."""
    loaders, make = info.context.loaders, _maker(info.schema, _target(binding))
    if isinstance(binding, ToOne):
        key = getattr(row, binding.column)
        found = None if key is None else await loaders.by_id(_model(binding.target)).load(key)
        return None if found is None else make(found)
    if isinstance(binding, ToMany):
        default = binding.default_first  # a list with none is not limited, as the planner reads it
        limit = None if default is None else nested_first(default if first is None else first)
        loader = loaders.children(_model(binding.target), binding.fk, _order(binding), limit)
    else:
        assert isinstance(binding, Through)  # `_target` let only relations through
        loader = loaders.through(_model(binding.target), binding.table, binding.left, binding.right)
    return [make(r) for r in await loader.load(row.id)]


def _target(binding: Rule) -> str:
    if not isinstance(binding, ToOne | ToMany | Through):
        raise TypeError(f"{binding!r} is not a relation")
    return binding.target


def _model(target: str) -> Any:
    """The table a relation's target is read from; one whose rows are built by a statement of their
    own (`TypeRule.source`) has none, and its field reads it by hand, saying why."""
    model = TYPES[target].model
    if model is None:
        raise TypeError(f"{target} has no table of its own for the reference engine to load by")
    return model


@cache
def _order(binding: ToMany) -> tuple[Any, ...]:
    """The binding's order as ORDER BY terms of its target's model, made once per binding."""
    model = _model(binding.target)
    return tuple(getattr(model, c).desc() if desc else getattr(model, c) for c, desc in binding.order)


def _maker(schema: Any, target: str) -> Callable[[Any], Any]:
    definition = schema.get_type_by_name(target)  # strawberry caches it per schema
    if not isinstance(definition, StrawberryObjectDefinition):
        raise TypeError(f"{target} is not an object type of this schema")
    origin = definition.origin
    made: Callable[[Any], Any] | None = getattr(origin, "of_row", None)
    return made if made is not None else lambda row: origin(db=row)
