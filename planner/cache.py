"""Plans kept per office, document, operation and shape of variables, in a bounded LRU cache.

A plan holds its statements compiled (`planner.compiled`), so a repeated request only binds its
values, runs them and finishes the rows. The key names everything a plan depends on: the office
(its row scope), its visibility profile and policy version (its schema), the document, the
operation, and the variables. A variable the plan binds when it runs (`BINDABLE`: the ID of the
root `node`, the `first` and `after` of a root list) counts in the key only by its shape: whether
it was given and null, and for an ID the type it names (which decides the statement); any other
variable (a filter, a nested list's size, a directive's condition) counts by its value.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from typing import Any

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, VariableNode
from graphql.language import Visitor, visit

from models.opaque import InvalidIdError, decode_id
from planner.plan import CONNECTIONS
from policies.grants import Grant

# Where a variable is bound per request rather than keyed by value: (root field, argument) -> role.
BINDABLE = {("node", "id"): "id", **{(c, a): a for c in CONNECTIONS for a in ("first", "after")}}
ROLES = 1024  # documents whose variables' roles are kept (a bound far above the registry's own)


class PlanCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._plans: OrderedDict[Any, Any] = OrderedDict()
        self._roles: dict[tuple[str | None, str | None], dict[str, str]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def key(
        self,
        grant: Grant,
        operation: OperationDefinitionNode,
        fragments: Sequence[FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> Any:
        source = operation.loc.source.body if operation.loc is not None else None
        name = operation.name.value if operation.name is not None else None
        values: Any = ""
        if variables:
            roles = self._roles.get((source, name))
            if roles is None:
                roles = _bound_variables(operation, fragments)
                with self._lock:
                    if len(self._roles) >= ROLES:
                        self._roles.clear()
                    self._roles[(source, name)] = roles
            shaped = tuple(sorted((v, _shape(roles[v], variables[v])) for v in roles if v in variables))
            given = {v: value for v, value in variables.items() if v not in roles}
            values = (json.dumps(given, sort_keys=True, default=repr) if given else "", shaped)
        return (grant.office, grant.row_scopes, grant.profile, grant.policy_version, source, name, values)

    def get(self, key: Any) -> Any:
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                self.misses += 1
                return None
            self._plans.move_to_end(key)
            self.hits += 1
            return plan

    def put(self, key: Any, plan: Any) -> None:
        with self._lock:
            self._plans[key] = plan
            self._plans.move_to_end(key)
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)


def _bound_variables(
    operation: OperationDefinitionNode, fragments: Sequence[FragmentDefinitionNode]
) -> dict[str, str]:
    """The variables used only where the plan binds them, in one role (`BINDABLE`), with that role."""
    roles: dict[str, set[str]] = {}
    bindable: Counter[str] = Counter()
    fields = [f for f in operation.selection_set.selections if isinstance(f, FieldNode)]
    for field in fields:
        for argument in field.arguments or ():
            role = BINDABLE.get((field.name.value, argument.name.value))
            if role is not None and isinstance(argument.value, VariableNode):
                roles.setdefault(argument.value.name.value, set()).add(role)
                bindable[argument.value.name.value] += 1
    uses = _Uses()
    for node in (
        operation.selection_set,
        *(operation.directives or ()),
        *fragments,
    ):
        visit(node, uses)
    return {
        name: next(iter(found))
        for name, found in roles.items()
        if len(found) == 1 and uses.counts[name] == bindable[name]
    }


class _Uses(Visitor):
    """How many times each variable is used (its definitions are not visited)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.counts[node.name.value] += 1


def _shape(role: str, value: Any) -> Any:
    """What of a bound variable's value decides the plan: null or not, and an ID's type."""
    if value is None or role != "id":
        return value is None
    try:
        return decode_id(value)[0]
    except (InvalidIdError, TypeError):
        return ""
