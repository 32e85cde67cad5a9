"""A validated read operation as a tree of rules: what each response key holds and where it comes from.

The tree is built from graphql-core's own field collection (fragments, type conditions,
`@include`/`@skip`) over the office's schema, so only fields that exist for the office can be
planned. Argument values go through strawberry's conversion, and filters and orderings through the
reference engine's listings, so both engines read the same arguments the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType, VariableNode
from graphql.execution.values import get_argument_values
from sqlalchemy import ColumnElement
from strawberry.types.arguments import convert_arguments

from bindings.kinds import Leaf, Through, ToMany, ToOne, TypeRule
from bindings.types import TYPES
from models.opaque import InvalidIdError, decode_id
from policies.grants import Grant
from resolvers import listing
from resolvers.pages import Ordering, check_first, cursor_audience, cursor_values, nested_first
from schema.disclosures import NOT_PERSONAL

DEFINITION = "strawberry-definition"

# Whether a root list's arguments search it by personal fields (so its matched rows are counted for
# the ledger): the schema's criteria naming, which the service hands the planner.
SearchedBy = Callable[[str, Mapping[str, Any]], bool]

CONNECTIONS: dict[str, tuple[listing.Listing, str]] = {
    "workers": (listing.WORKERS, "Worker"),
    "employers": (listing.EMPLOYERS, "Employer"),
    "placements": (listing.PLACEMENTS, "Placement"),
    "crossings": (listing.CROSSINGS, "Crossing"),
    "incidents": (listing.INCIDENTS, "Incident"),
}


class NotCompiled(Exception):
    """The planner has no rule for part of the operation; the reference engine answers it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Typename:
    key: str
    name: str


@dataclass(frozen=True)
class GlobalId:
    key: str
    type_name: str


@dataclass(frozen=True)
class Value:
    """A leaf: a rule's value, formatted by the field's GraphQL scalar or enum."""

    key: str
    rule: Leaf
    leaf: Any  # the GraphQL leaf type (its `serialize` is the reference's formatting)


@dataclass(frozen=True)
class Nested:
    key: str
    rule: ToOne | ToMany | Through
    child: ObjectPlan
    first: int | None = None


Selection = Typename | GlobalId | Value | Nested


@dataclass(frozen=True)
class ObjectPlan:
    """The fields selected on objects of one type, in response order."""

    type_name: str
    rule: TypeRule
    selections: tuple[Selection, ...]
    disclosed: frozenset[str]  # the `Type.field`s the ledger records for an object about a worker


@dataclass(frozen=True)
class Edge:
    key: str
    parts: tuple[tuple[str, str, ObjectPlan | None], ...]  # (response key, field name, node plan)


@dataclass
class ConnectionRoot:
    key: str
    type_name: str
    model: type
    where: list[ColumnElement[bool]]
    ordering: Ordering
    first: int
    after: str | None  # the cursor the rows follow, as planned (a request binds its own: `planner.bind`)
    audience: str  # whom its cursors are sealed for
    parts: list[tuple[str, str, Any]] = field(default_factory=list)  # (key, field, sub-plan)
    # Searched by personal fields: the ledger records how many rows matched, so the page's own
    # statement counts them rather than a second statement after it.
    searched: bool = False
    # The variables `first` and `after` were given by, if any: their values are bound per request.
    first_from: str | None = None
    after_from: str | None = None

    def rows(self) -> list[ObjectPlan]:
        """Every node plan this connection asks its rows for, in the order the statement holds them."""
        plans: list[ObjectPlan] = []
        for _key, name, sub in self.parts:
            if name == "nodes":
                plans.append(sub)
            elif name == "edges":
                plans.extend(p for _k, n, p in sub.parts if n == "node" and p is not None)
        return plans

    @property
    def needs_rows(self) -> bool:
        return any(name in ("nodes", "edges", "pageInfo") for _k, name, _s in self.parts)

    @property
    def needs_count(self) -> bool:
        return self.searched or any(name == "totalCount" for _k, name, _s in self.parts)


@dataclass(frozen=True)
class NodeRoot:
    key: str
    plan: ObjectPlan | None  # None: no such object for this office
    row_id: int = 0  # as planned; a request binds the row its own `id_from` names
    id_from: str | None = None  # the variable `id` was given by, if any


@dataclass(frozen=True)
class ListRoot:
    key: str
    plan: ObjectPlan
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class PythonRoot:
    """A root answered from the grant or by the reference engine's statistics queries."""

    key: str
    name: str
    fields: tuple[tuple[str, str, Any], ...]  # (key, field name, sub-fields for lists of objects)


Root = ConnectionRoot | NodeRoot | ListRoot | PythonRoot | Typename


def variable_of(details: list[Any], argument: str) -> str | None:
    """The name of the variable a field's argument is given by, or None (a literal, or not given)."""
    for given in details[0].node.arguments or ():
        if given.name.value == argument and isinstance(given.value, VariableNode):
            return str(given.value.name.value)
    return None


def _named(type_: GraphQLOutputType) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


class Planner:
    """Builds the plan of one operation with the executor that validated it (one per request)."""

    def __init__(self, executor: Any, grant: Grant, searched: SearchedBy) -> None:
        self.executor = executor
        self.grant = grant
        self.searched = searched
        self.schema = executor.schema
        self.strawberry = executor.schema._strawberry_schema

    def arguments(self, field_def: Any, node: Any) -> dict[str, Any]:
        raw = get_argument_values(field_def, node, self.executor.variable_values)
        definition = field_def.extensions.get(DEFINITION)
        if definition is None:
            return raw
        return convert_arguments(
            raw,
            definition.arguments,
            scalar_registry=self.strawberry.schema_converter.scalar_registry,
            config=self.strawberry.config,
        )

    def subfields(self, type_: GraphQLObjectType, details: list[Any]) -> dict[str, list[Any]]:
        return self.executor.collect_subfields(type_, details)[0]

    # -- roots -----------------------------------------------------------------------------
    def roots(self, root_type: GraphQLObjectType, grouped: dict[str, list[Any]]) -> list[Root]:
        return [self.root(root_type, key, details) for key, details in grouped.items()]

    def root(self, root_type: GraphQLObjectType, key: str, details: list[Any]) -> Root:
        name = details[0].node.name.value
        if name == "__typename":
            return Typename(key, root_type.name)
        if name.startswith("__"):
            raise NotCompiled("introspection")
        field_def = root_type.fields[name]
        args = self.arguments(field_def, details[0].node)
        if name in CONNECTIONS:
            return self.connection(key, name, field_def, details, args)
        if name == "node":
            return replace(self.node(key, args["id"], details), id_from=variable_of(details, "id"))
        if name in ("agreements", "borderGates", "administrativeUnits"):
            return ListRoot(key, self.object(_named(field_def.type), details), name, args)
        if name in ("me", "statistics", "ledgerCheckpoint"):
            return PythonRoot(key, name, self.python_fields(_named(field_def.type), details))
        raise NotCompiled(f"root field {name}")

    def connection(
        self, key: str, name: str, field_def: Any, details: list[Any], args: dict
    ) -> ConnectionRoot:
        chosen, type_name = CONNECTIONS[name]
        where = chosen.conditions(args.get("filter"))
        ordering = chosen.ordering_of(args.get("order_by"))
        first = args.get("first", 20)
        check_first(first)
        after = args.get("after")
        audience = cursor_audience(self.executor.context_value.session, chosen.model)
        if after is not None:
            cursor_values(ordering, after, audience)  # refused now, as the reference engine does
        root = ConnectionRoot(key, type_name, chosen.model, where, ordering, first, after, audience)
        root.first_from, root.after_from = variable_of(details, "first"), variable_of(details, "after")
        given = get_argument_values(field_def, details[0].node, self.executor.variable_values)
        root.searched = self.searched(name, given)
        connection_type = _named(field_def.type)
        for sub_key, sub in self.subfields(connection_type, details).items():
            sub_name = sub[0].node.name.value
            sub_type: Any = (
                _named(connection_type.fields[sub_name].type) if sub_name != "__typename" else None
            )
            if sub_name == "__typename":
                root.parts.append((sub_key, sub_name, connection_type.name))
            elif sub_name == "nodes":
                root.parts.append((sub_key, sub_name, self.object(sub_type, sub)))
            elif sub_name == "edges":
                root.parts.append((sub_key, sub_name, self.edge(sub_key, sub_type, sub)))
            elif sub_name == "pageInfo":
                root.parts.append((sub_key, sub_name, self.python_fields(sub_type, sub)))
            else:
                root.parts.append((sub_key, sub_name, None))
        return root

    def edge(self, key: str, edge_type: GraphQLObjectType, details: list[Any]) -> Edge:
        parts: list[tuple[str, str, Any]] = []
        for sub_key, sub in self.subfields(edge_type, details).items():
            sub_name = sub[0].node.name.value
            if sub_name == "node":
                parts.append((sub_key, sub_name, self.object(_named(edge_type.fields["node"].type), sub)))
            else:
                parts.append((sub_key, sub_name, edge_type.name if sub_name == "__typename" else None))
        return Edge(key, tuple(parts))

    def node(self, key: str, global_id: str, details: list[Any]) -> NodeRoot:
        try:
            type_name, row_id = decode_id(global_id)
        except InvalidIdError:
            return NodeRoot(key, None)
        runtime = self.schema.get_type(type_name)
        if not self.grant.sees_type(type_name) or not isinstance(runtime, GraphQLObjectType):
            return NodeRoot(key, None)
        return NodeRoot(key, self.object(runtime, details), row_id)

    def python_fields(self, type_: GraphQLObjectType, details: list[Any]) -> tuple[tuple[str, str, Any], ...]:
        """(key, field, what to show): the type's name for `__typename`, sub-fields for an object,
        the leaf type otherwise."""
        fields: list[tuple[str, str, Any]] = []
        for sub_key, sub in self.subfields(type_, details).items():
            sub_name = sub[0].node.name.value
            if sub_name == "__typename":
                fields.append((sub_key, sub_name, type_.name))
                continue
            sub_type = _named(type_.fields[sub_name].type)
            nested = (
                self.python_fields(sub_type, sub) if isinstance(sub_type, GraphQLObjectType) else sub_type
            )
            fields.append((sub_key, sub_name, nested))
        return tuple(fields)

    # -- objects ---------------------------------------------------------------------------
    def object(self, type_: GraphQLObjectType, details: list[Any]) -> ObjectPlan:
        rule = TYPES.get(type_.name)
        if rule is None:
            raise NotCompiled(f"type {type_.name}")
        selections: list[Selection] = []
        names: set[str] = set()
        for key, sub in self.subfields(type_, details).items():
            name = sub[0].node.name.value
            names.add(name)
            selections.append(self.selection(type_, rule, key, name, sub))
        disclosed = (
            frozenset(f"{type_.name}.{n}" for n in names - NOT_PERSONAL) if rule.worker else frozenset()
        )
        return ObjectPlan(type_.name, rule, tuple(selections), disclosed)

    def selection(
        self, type_: GraphQLObjectType, rule: TypeRule, key: str, name: str, details: list
    ) -> Selection:
        if name == "__typename":
            return Typename(key, type_.name)
        if name == "id" and name not in rule.fields:
            return GlobalId(key, type_.name)
        field_rule = rule.fields.get(name)
        if field_rule is None:
            raise NotCompiled(f"field {type_.name}.{name}")
        field_def = type_.fields[name]
        target = _named(field_def.type)
        if isinstance(field_rule, ToOne | ToMany | Through):
            first = None
            if isinstance(field_rule, ToMany) and field_rule.default_first is not None:
                first = nested_first(
                    self.arguments(field_def, details[0].node).get("first", field_rule.default_first)
                )
            return Nested(key, field_rule, self.object(target, details), first)
        return Value(key, field_rule, target)
