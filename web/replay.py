"""A subscription to events, answered as pages of the office's feed.

`subscription { events(kinds: [...], after: "...") { kind record { ... } } }` is turned into the
query `events(after: $eventsAfter, first: N, kinds: [...]) { edges { cursor node { ... } } }`, with
the subscription's own selection, fragments and variables. Each page is then answered by the
registry like any other read of the office: its schema, its row scopes, its purpose, its ledger.
A subscription therefore tells an office exactly what the feed tells it, and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    StringValueNode,
    VariableNode,
    print_ast,
)

from schema.operations import PreparedOperation

PAGE = 100
AFTER = "eventsAfter"  # the replay's own variable; a subscription's variables keep their names
_VARIABLE = re.compile(r"\$([_A-Za-z][_0-9A-Za-z]*)")


class NotAnEventSubscription(ValueError):
    """The document is not one subscription to `events` (the socket serves nothing else)."""


@dataclass(frozen=True)
class Replay:
    query: str
    key: str  # the subscription's response key (`events`, or its alias)
    after: str | None  # the cursor the subscription asked to resume after

    def variables(self, given: dict[str, Any] | None, after: str | None) -> dict[str, Any]:
        return {**(given or {}), AFTER: after}


def replay_of(prepared: PreparedOperation, variables: dict[str, Any] | None) -> Replay:
    operation = prepared.operation
    if not isinstance(operation, OperationDefinitionNode) or operation.operation.value != "subscription":
        raise NotAnEventSubscription()
    (field,) = operation.selection_set.selections
    if not isinstance(field, FieldNode) or field.name.value != "events" or field.selection_set is None:
        raise NotAnEventSubscription()
    arguments = {a.name.value: a.value for a in field.arguments or ()}
    after: str | None = None
    given = arguments.get("after")
    if isinstance(given, VariableNode):
        after = (variables or {}).get(given.name.value)
    elif isinstance(given, StringValueNode):
        after = given.value
    kinds = f", kinds: {print_ast(arguments['kinds'])}" if "kinds" in arguments else ""
    selection = print_ast(field.selection_set)
    fragments = [print_ast(d) for d in prepared.document.definitions if isinstance(d, FragmentDefinitionNode)]
    used = set(_VARIABLE.findall(kinds + selection + "\n".join(fragments)))
    definitions = [
        print_ast(d) for d in operation.variable_definitions or () if d.variable.name.value in used
    ]
    definitions.append(f"${AFTER}: String")
    query = (
        f"query EventsReplay({', '.join(definitions)}) {{\n"
        f"  events(first: {PAGE}, after: ${AFTER}{kinds}) {{\n"
        f"    edges {{ cursor node {selection} }}\n"
        "    pageInfo { hasNextPage endCursor }\n  }\n}\n" + "\n".join(fragments)
    )
    key = field.alias.value if field.alias else field.name.value
    return Replay(query, key, after if isinstance(after, str) else None)
