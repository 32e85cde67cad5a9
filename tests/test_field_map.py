"""Each field's read is declared once (`bindings/types.py`), and the reference engine reads it there.

The planner compiles the bindings; the differential test (tests/test_compiled_reads.py) proves the
two engines answer alike on the demo's data. These tests hold the reference side to the same map:
a resolver of a bound field names its binding instead of a column, order or limit of its own, and
where it cannot, its docstring says why.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import pytest
import strawberry
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from bindings.kinds import ToMany
from bindings.types import TYPES
from schema.mutation import Mutation
from schema.query import Query
from schema.types.events import Subscription

# Reads the loaders cannot make from the binding alone; their resolvers say so in their docstrings.
BY_HAND = {"Agreement.requirements", "Worker.disclosures"}


def _bound_fields() -> Iterator[tuple[str, str, StrawberryField]]:
    """Every field of the whole schema (no office's: none reads every field) whose type has a
    binding map, with its resolver."""
    schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    for name, converted in schema.schema_converter.type_map.items():
        definition = converted.definition
        if name not in TYPES or not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            graphql_name = schema.config.name_converter.get_graphql_name(field)
            if graphql_name in TYPES[name].fields:
                yield name, graphql_name, field


FIELDS = sorted((t, f, field) for t, f, field in _bound_fields())


def test_the_full_schema_has_a_resolver_or_a_value_for_every_bound_field() -> None:
    shown = {f"{t}.{f}" for t, f, _ in FIELDS}
    bound = {f"{t}.{f}" for t, rule in TYPES.items() for f in rule.fields}
    assert bound - shown == set(), "bindings of fields the schema does not have"


@pytest.mark.parametrize(("type_name", "field_name", "field"), FIELDS, ids=[f"{t}.{f}" for t, f, _ in FIELDS])
def test_a_reference_resolver_reads_its_field_by_its_binding(
    type_name: str, field_name: str, field: StrawberryField
) -> None:
    if field.base_resolver is None:  # a value its parent's resolver made by the binding
        assert type_name in ("Disclosure", "Officer", "Office")  # Worker.disclosures, Office.of_row
        return
    resolver = field.base_resolver.wrapped_func
    source = inspect.getsource(resolver)
    body = source.split(":\n", 1)[1]
    if f"{type_name}.{field_name}" in BY_HAND:
        assert "Not read by `related`" in (inspect.getdoc(resolver) or ""), "say why it is read by hand"
        return
    assert re.search(rf'\[\s*"{field_name}"\s*\]', body), f"{type_name}.{field_name} names no binding"
    assert not re.search(r"self\.db\.\w+", body), "a column read beside the binding"
    assert not re.search(r"\border\b|children\(|by_id\(|through\(", body), "a relation read by hand"


def test_a_limited_lists_default_first_is_its_bindings() -> None:
    for type_name, field_name, field in FIELDS:
        rule = TYPES[type_name].fields[field_name]
        first = next((a for a in field.arguments if a.python_name == "first"), None)
        if isinstance(rule, ToMany) and rule.default_first is not None:
            assert first is not None and first.default == rule.default_first, f"{type_name}.{field_name}"
        else:
            assert first is None, f"{type_name}.{field_name} takes `first` but its binding has no limit"
