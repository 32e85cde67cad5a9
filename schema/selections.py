"""Reading a selection set the way execution will: through inline fragments and fragment spreads."""

from __future__ import annotations

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode


def selected_names(node: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    """The field names selected directly under a field."""
    names: set[str] = set()
    stack = [node.selection_set]
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        for selection in current.selections if current is not None else ():
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    stack.append(fragment.selection_set)
    return names
