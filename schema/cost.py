"""What an operation may cost, estimated from its document before anything runs.

The cost of an operation is the number of objects it can return at most: every field that returns
objects counts once for each object its path can reach, so page sizes along a path multiply
(`workers(first: 100) { nodes { crossings(first: 100) } }` costs 100 + 100 + 100 × 100), aliases
add up and fragments count where they are spread. A list field's size is its `first`; without one,
the argument's default; a nested list without a `first` argument (a worker's placements or health
checks) counts `UNPAGED_LIST` objects; the `nodes` and `edges` of a connection are the connection's
page. Scalars cost nothing.

The estimate is made once per prepared operation (`schema.operations`) as a polynomial over the
variables that give a `first`, so each request only puts its variables' values in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from resolvers.pages import MAX_NESTED

UNPAGED_LIST = 10  # a list without `first`: the few records one object holds (a worker's placements)
PAGE_ARGUMENT = "first"
Monomial = tuple[str, ...]  # the variables multiplied, sorted; () is the constant term


def _times(a: dict[Monomial, int], b: dict[Monomial, int]) -> dict[Monomial, int]:
    out: Counter[Monomial] = Counter()
    for ma, ca in a.items():
        for mb, cb in b.items():
            out[tuple(sorted(ma + mb))] += ca * cb
    return dict(out)


def _plus(into: Counter[Monomial], more: Mapping[Monomial, int]) -> None:
    for monomial, coefficient in more.items():
        into[monomial] += coefficient


@dataclass(frozen=True)
class Cost:
    """An operation's cost as a polynomial over the variables that set a page size."""

    terms: tuple[tuple[Monomial, int], ...] = ()
    defaults: tuple[tuple[str, int], ...] = ()  # a variable's default, else the page's maximum

    def of(self, variables: Mapping[str, Any] | None) -> int:
        values = dict(self.defaults)
        for name, value in (variables or {}).items():
            if name in values:
                # A value that is not a page size is refused by validation; here it counts as the most.
                usable = isinstance(value, int) and value >= 0
                values[name] = value if usable else max(values[name], MAX_NESTED)
        total = 0
        for monomial, coefficient in self.terms:
            product = coefficient
            for name in monomial:
                product *= values[name]
            total += product
        return total


class _Estimate:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables: dict[str, int] = {}
        self._spread: dict[tuple[str, str], dict[Monomial, int]] = {}

    def selection(self, parent: Any, selections: SelectionSetNode) -> dict[Monomial, int]:
        total: Counter[Monomial] = Counter()
        for node in selections.selections:
            if isinstance(node, FieldNode):
                _plus(total, self.field(parent, node))
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                _plus(total, self.selection(inner, node.selection_set))
            elif isinstance(node, FragmentSpreadNode):
                _plus(total, self.spread(node.name.value))
        return dict(total)

    def spread(self, name: str) -> dict[Monomial, int]:
        fragment = self.fragments[name]
        condition = self.schema.get_type(fragment.type_condition.name.value)
        key = (name, getattr(condition, "name", ""))
        if key not in self._spread:  # a fragment spread many times is estimated once
            self._spread[key] = self.selection(condition, fragment.selection_set)
        return self._spread[key]

    def definition(self, parent: Any, name: str) -> GraphQLField | None:
        candidates: list[Any] = [parent]
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            candidates += list(self.schema.get_possible_types(parent))
        for candidate in candidates:
            fields = getattr(candidate, "fields", None)
            if fields and name in fields:
                found: GraphQLField = fields[name]
                return found
        return None

    def field(self, parent: Any, node: FieldNode) -> dict[Monomial, int]:
        definition = self.definition(parent, node.name.value)
        if definition is None or node.selection_set is None:
            return {}
        if not is_composite_type(get_named_type(definition.type)):
            return {}
        size = self.size(parent, node, definition)
        inner = self.selection(get_named_type(definition.type), node.selection_set)
        return _times(size, {(): 1, **{m: c + (1 if m == () else 0) for m, c in inner.items()}})

    def size(self, parent: Any, node: FieldNode, definition: GraphQLField) -> dict[Monomial, int]:
        """How many objects the field returns for each of its parents, as a polynomial."""
        page = definition.args.get(PAGE_ARGUMENT)
        if page is not None:
            given = next((a.value for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
            default = page.default_value if isinstance(page.default_value, int) else MAX_NESTED
            if isinstance(given, IntValueNode):
                return {(): int(given.value)}
            if isinstance(given, VariableNode):
                self.variables.setdefault(given.name.value, default)
                return {(given.name.value,): 1}
            return {(): default}
        type_ = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        in_connection = isinstance(parent, GraphQLObjectType) and parent.name.endswith(("Connection", "Edge"))
        if isinstance(type_, GraphQLList) and not in_connection:
            return {(): UNPAGED_LIST}
        return {(): 1}


def estimate(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> Cost:
    """The cost of a valid operation of `schema` (fragments by name)."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Cost()
    walk = _Estimate(schema, fragments)
    polynomial = walk.selection(root, operation.selection_set)
    defaults = dict(walk.variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in defaults and isinstance(definition.default_value, IntValueNode):
            defaults[name] = int(definition.default_value.value)
    terms = tuple(sorted((m, c) for m, c in polynomial.items() if c))
    return Cost(terms, tuple(sorted(defaults.items())))
