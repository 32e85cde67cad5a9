"""A GraphQL document read once per office schema: validated, and what it reaches, before it runs.

The purpose check, the metrics label and the disclosure of search criteria all need to know what
an operation does. They learn it here, from the operation validated against the office's own
schema, never from names a client typed: a field that does not exist for the office makes the
operation invalid, so it reaches nothing and labels nothing.

`prepare` is independent of how the operation is executed (strawberry's engine or a compiled
plan); it only needs the office's `GraphQLSchema`. Each office schema keeps an `OperationCache`,
so a document is parsed, validated and walked once per schema profile, not once per request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from threading import Lock
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    parse,
    visit,
)
from graphql.utilities import value_from_ast_untyped

from schema.cost import Cost, estimate
from schema.disclosures import COUNTED_FROM_WORKERS, PERSONAL_TYPES
from schema.fields import POLICY
from schema.selections import selected_names
from schema.validation import EmptySelectionOrUnknownFragment, Validated, validated

CACHE_SIZE = 512
CURSORS = frozenset({"startCursor", "endCursor"})
DEFINITION = "strawberry-definition"


@dataclass(frozen=True)
class ArgumentSite:
    """A field called with an argument of an input type that can name personal fields."""

    response_key: str
    field_name: str
    at_root: bool
    node: FieldNode
    input_types: Mapping[str, GraphQLInputObjectType]  # argument name -> its input type


@dataclass(frozen=True)
class PreparedOperation:
    """One operation of a document, as one office schema reads it.

    `operation_type` is None when the document names no single operation to run; `errors` holds
    the validation errors (then nothing below describes a runnable operation and nothing is
    reached). `personal_types` are the personal types the selection can return, by any path:
    nested relations, fragments, `node()` and mutation payloads. `argument_sites` are the fields
    whose arguments may filter or order by personal fields; `personal_criteria` tells, given the
    request's variables, which of those fields a request actually used.
    """

    operation_type: str | None
    document: DocumentNode
    operation: OperationDefinitionNode | None
    errors: tuple[GraphQLError, ...]
    root_fields: frozenset[str]
    personal_types: frozenset[str]
    argument_sites: tuple[ArgumentSite, ...]
    contains_nul: bool = False  # a string literal of the document holds U+0000
    # The schema's own limits (depth, aliases, closed introspection) pass too: strawberry would run it.
    within_limits: bool = False
    # The most objects it can return, given the request's variables (`schema.cost`).
    cost: Cost = Cost()
    validated: Validated | None = None  # the one validation, which strawberry's execution reuses

    @property
    def valid(self) -> bool:
        return self.operation is not None and not self.errors

    def arguments_of(self, site: ArgumentSite, variables: Mapping[str, Any] | None) -> dict[str, Any]:
        """The site's input arguments as plain JSON values under their GraphQL names."""
        values = dict(self.variable_defaults)
        values.update(variables or {})
        out: dict[str, Any] = {}
        for argument in site.node.arguments or ():
            if argument.name.value in site.input_types:
                value = value_from_ast_untyped(argument.value, values)
                if value is not None:
                    out[argument.name.value] = value
        return out

    @cached_property
    def fragments(self) -> tuple[FragmentDefinitionNode, ...]:
        """The document's fragment definitions (all of them, as graphql-core's executor collects them)."""
        return tuple(d for d in self.document.definitions if isinstance(d, FragmentDefinitionNode))

    @property
    def variable_defaults(self) -> dict[str, Any]:
        if self.operation is None:
            return {}
        return {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in self.operation.variable_definitions or ()
            if d.default_value is not None
        }

    def personal_criteria(self, variables: Mapping[str, Any] | None) -> frozenset[str]:
        """The personal `Type.field`s this request filters or orders by."""
        used: set[str] = set()
        for site in self.argument_sites:
            for name, value in self.arguments_of(site, variables).items():
                used.update(personal_fields_set(site.input_types[name], value))
        return frozenset(used)

    def needs_purpose(self, variables: Mapping[str, Any] | None) -> bool:
        if not self.valid:
            return False  # nothing runs, so nothing is read; the client gets the validation errors
        if self.operation_type == "mutation" or self.personal_types:
            return True
        return bool(self.personal_criteria(variables))


def personal_fields_set(input_type: GraphQLInputObjectType, value: Any) -> Iterator[str]:
    """The personal resources (`Worker.dateOfBirth`) an input value sets, however deep."""
    if not isinstance(value, dict):
        return
    for name, item in value.items():
        field = input_type.fields.get(name)
        if field is None or item is None or item == [] or item == "":
            continue
        resource = resource_of(field)
        if resource is not None and resource.split(".", 1)[0] in PERSONAL_TYPES:
            yield resource
        nested = get_named_type(field.type)
        if isinstance(nested, GraphQLInputObjectType):
            for element in item if isinstance(item, list) else [item]:
                yield from personal_fields_set(nested, element)


def resource_of(field: Any) -> str | None:
    definition = (field.extensions or {}).get(DEFINITION)
    metadata = getattr(definition, "metadata", None) or {}
    return metadata.get(POLICY)


def _may_name_personal(input_type: GraphQLInputObjectType, seen: frozenset[str] = frozenset()) -> bool:
    if input_type.name in seen:
        return False
    for field in input_type.fields.values():
        resource = resource_of(field)
        if resource is not None and resource.split(".", 1)[0] in PERSONAL_TYPES:
            return True
        nested = get_named_type(field.type)
        if isinstance(nested, GraphQLInputObjectType) and _may_name_personal(
            nested, seen | {input_type.name}
        ):
            return True
    return False


class _Walk:
    """Every (parent type, selection set) the operation can complete, fragments and `node()` included."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.personal: set[str] = set()
        self.sites: list[ArgumentSite] = []
        self.roots: set[str] = set()

    def possible(self, type_: Any) -> list[GraphQLObjectType]:
        if isinstance(type_, GraphQLObjectType):
            return [type_]
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            return list(self.schema.get_possible_types(type_))
        return []

    def narrowed(self, runtime: list[GraphQLObjectType], condition: str | None) -> list[GraphQLObjectType]:
        if condition is None:
            return runtime
        target = self.schema.get_type(condition)
        allowed = {t.name for t in self.possible(target)}
        return [t for t in runtime if t.name in allowed]

    def run(self, root: GraphQLObjectType, selection_set: SelectionSetNode) -> None:
        stack: list[tuple[list[GraphQLObjectType], SelectionSetNode, bool, frozenset[str]]] = [
            ([root], selection_set, True, frozenset())
        ]
        while stack:
            runtime, selections, at_root, spread = stack.pop()
            for selection in selections.selections:
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition.name.value if selection.type_condition else None
                    stack.append(
                        (self.narrowed(runtime, condition), selection.selection_set, at_root, spread)
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is not None and name not in spread:
                        narrowed = self.narrowed(runtime, fragment.type_condition.name.value)
                        stack.append((narrowed, fragment.selection_set, at_root, spread | {name}))
                elif isinstance(selection, FieldNode):
                    self.field(runtime, selection, at_root, stack, spread)

    def field(
        self,
        runtime: list[GraphQLObjectType],
        node: FieldNode,
        at_root: bool,
        stack: list[tuple[list[GraphQLObjectType], SelectionSetNode, bool, frozenset[str]]],
        spread: frozenset[str],
    ) -> None:
        name = node.name.value
        if at_root:
            self.roots.add(name)
        for parent in runtime:
            definition = parent.fields.get(name)
            if definition is None:
                continue
            inputs = {
                arg: get_named_type(a.type)
                for arg, a in definition.args.items()
                if isinstance(get_named_type(a.type), GraphQLInputObjectType)
                and _may_name_personal(get_named_type(a.type))
            }
            if inputs:
                key = node.alias.value if node.alias else name
                self.sites.append(ArgumentSite(key, name, at_root, node, inputs))
            returned = self.possible(get_named_type(definition.type))
            self.personal.update(
                t.name for t in returned if t.name in PERSONAL_TYPES or t.name in COUNTED_FROM_WORKERS
            )
            self.personal.update(self._identified_by_cursor(parent, name, node))
            if node.selection_set is not None and returned:
                stack.append((returned, node.selection_set, False, spread))

    def _node_types(self, edge: Any) -> set[str]:
        node = edge.fields.get("node") if isinstance(edge, GraphQLObjectType) else None
        return {t.name for t in self.possible(get_named_type(node.type))} if node is not None else set()

    def _identified_by_cursor(self, parent: GraphQLObjectType, name: str, node: FieldNode) -> set[str]:
        """A cursor identifies its row as an ID does: `edges { cursor }` and `pageInfo { endCursor }`
        of a list of personal objects reach those objects' types."""
        if name == "cursor":
            return self._node_types(parent) & PERSONAL_TYPES
        edges = parent.fields.get("edges")
        if name != "pageInfo" or edges is None or not (selected_names(node, self.fragments) & CURSORS):
            return set()
        return self._node_types(get_named_type(edges.type)) & PERSONAL_TYPES


def prepare(
    schema: GraphQLSchema,
    query: str,
    operation_name: str | None,
    max_tokens: int,
    limit_rules: Sequence[type[ASTValidationRule]] = (),
) -> PreparedOperation:
    """Parses, validates and walks one operation. Raises GraphQLError if the text does not parse.

    `limit_rules` are the rules the schema's extensions add to graphql-core's (depth, aliases);
    whether the document passes them is kept, so that an answer computed from this preparation
    alone is only ever given to a document the schema's own execution would also have run.
    """
    document = parse(query, max_tokens=max_tokens)
    check = EmptySelectionOrUnknownFragment(document)
    visit(document, check)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1:
        return PreparedOperation(None, document, None, (), frozenset(), frozenset(), (), check.contains_nul)
    operation = operations[0]
    checked = validated(schema, document, limit_rules)
    errors = checked.errors
    kind = operation.operation.value
    if errors:
        empty = frozenset[str]()
        nul = check.contains_nul
        return PreparedOperation(kind, document, operation, errors, empty, empty, (), nul, validated=checked)
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments)
    if root is not None:
        walk.run(root, operation.selection_set)
    return PreparedOperation(
        kind,
        document,
        operation,
        errors,
        frozenset(walk.roots),
        frozenset(walk.personal),
        tuple(walk.sites),
        check.contains_nul,
        within_limits=not checked.limit_errors,
        cost=estimate(schema, operation, fragments),
        validated=checked,
    )


class OperationCache:
    """A bounded LRU of prepared operations for one office schema, keyed by (document, operation)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        max_tokens: int,
        limit_rules: Sequence[type[ASTValidationRule]] = (),
        size: int = CACHE_SIZE,
    ) -> None:
        self.schema = schema
        self.max_tokens = max_tokens
        self.limit_rules = tuple(limit_rules)
        self.size = size
        self._entries: OrderedDict[tuple[str, str | None], PreparedOperation] = OrderedDict()
        self._lock = Lock()

    def prepare(self, query: str, operation_name: str | None) -> PreparedOperation:
        key = (query, operation_name)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        prepared = prepare(self.schema, query, operation_name, self.max_tokens, self.limit_rules)
        with self._lock:
            self._entries[key] = prepared
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return prepared
