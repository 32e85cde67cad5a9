"""Plans kept per office, document, operation and variables, in a bounded least-recently-used cache.

A plan holds the statements with their values bound, so a repeated request only runs them and
finishes the rows. The key names everything a plan depends on: the office (its row scope), its
visibility profile and policy version (its schema), the document, the operation and the values.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from graphql import OperationDefinitionNode

from policies.grants import Grant


class PlanCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._plans: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(grant: Grant, operation: OperationDefinitionNode, variables: dict[str, Any]) -> Any:
        source = operation.loc.source.body if operation.loc is not None else None
        name = operation.name.value if operation.name is not None else None
        values = json.dumps(variables, sort_keys=True, default=repr) if variables else ""
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
