"""Reading a GraphQL document before it runs: its operation type and whether it touches personal data."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Root fields that carry no personal data: the caller's own office, reference data, aggregates.
IMPERSONAL_ROOTS = frozenset(
    {
        "me",
        "agreements",
        "borderGates",
        "administrativeUnits",
        "statistics",
        "employers",
        "__schema",
        "__type",
        "__typename",
    }
)


@dataclass(frozen=True)
class DocumentFacts:
    operation: str | None
    root_fields: frozenset[str]

    @property
    def reads_personal_data(self) -> bool:
        return self.operation == "mutation" or bool(self.root_fields - IMPERSONAL_ROOTS)


def _root_fields(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()
    seen: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
    return names


def facts_of(document: DocumentNode, operation_name: str | None) -> DocumentFacts:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1:
        # Let GraphQL's own validation produce the precise error.
        return DocumentFacts(None, frozenset())
    op = operations[0]
    return DocumentFacts(op.operation.value, frozenset(_root_fields(op.selection_set, fragments)))
