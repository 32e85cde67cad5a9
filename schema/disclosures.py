"""Recording what an answer discloses, once per object rather than once per field.

graphql-core completes every object of the answer through `collect_and_execute_subfields`; at
that point the object's row and the fields selected on it are known. For objects about a worker
the fields are added to the request's `Disclosure`, which the ledger signs before the answer is
sent. Per object, not per field: a page of 100 workers costs 100 set updates.
"""

from __future__ import annotations

from typing import Any

from graphql import get_named_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# GraphQL type -> how to find the worker an object of that type is about.
WORKER_OF = {
    "Worker": lambda row: row.id,
    "Placement": lambda row: row.worker_id,
    "Crossing": lambda row: row.worker_id,
    "HealthCheck": lambda row: row.worker_id,
    "PoliceClearance": lambda row: row.worker_id,
    "Incident": lambda row: row.worker_id,
    # Receiving an event about a worker's row discloses that it happened (`Event.db` is that row).
    "Event": lambda row: row.id if type(row).__name__ == "Worker" else getattr(row, "worker_id", None),
    "WageArrears": lambda row: row.worker_id,
}
# The personal types: an operation that can return one of them needs a purpose of use.
PERSONAL_TYPES = frozenset(WORKER_OF)
# Aggregates counted from workers' records (the agreement's yearly report) send no worker's data, but
# they are ledgered for the workers counted, so asking for them needs a purpose like personal data.
COUNTED_FROM_WORKERS = frozenset({"AgreementReport"})
# `__typename` identifies no one; `id` does, and so does a cursor (recorded as `<Type>.cursor`).
NOT_PERSONAL = frozenset({"__typename"})


class DisclosureRecordingContext(StrawberryGraphQLCoreExecutionContext):
    def collect_and_execute_subfields(
        self, return_type: Any, field_details_list: Any, path: Any, result: Any, position_context: Any
    ) -> Any:
        worker_of = WORKER_OF.get(return_type.name)
        if worker_of is not None:
            grouped = self.collect_subfields(return_type, field_details_list)[0]
            names = self._disclosed_names(return_type.name, grouped)
            worker = worker_of(result.db)
            if names and worker is not None:
                self._disclose(worker, names)
        elif return_type.name.endswith("Edge"):
            self._cursor_of_edge(return_type, field_details_list, result)
        elif return_type.name.endswith("Connection"):
            self._connection(return_type, field_details_list, path, result)
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _disclose(self, worker: int, names: frozenset[str]) -> None:
        self.context_value.recorder.disclosed(worker, names)

    def _node_disclosed(self, node: Any) -> None:
        """A cursor of a personal object identifies it as surely as its ID does."""
        type_name = type(node).__name__
        worker_of = WORKER_OF.get(type_name)
        worker = worker_of(node.db) if worker_of is not None else None
        if worker is not None:
            self._disclose(worker, frozenset({f"{type_name}.cursor"}))

    def _cursor_of_edge(self, return_type: Any, field_details_list: Any, edge: Any) -> None:
        grouped = self.collect_subfields(return_type, field_details_list)[0]
        if any(details[0].node.name.value == "cursor" for details in grouped.values()):
            self._node_disclosed(edge.node)

    def _connection(self, return_type: Any, field_details_list: Any, path: Any, connection: Any) -> None:
        if path.prev is None:  # a root list: the rows its criteria matched, counted only if ledgered
            self.context_value.recorder.matching(path.key, connection.count_rows, connection.matched_workers)
        grouped = self.collect_subfields(return_type, field_details_list)[0]
        for details in grouped.values():
            node = details[0].node
            if node.name.value != "pageInfo" or not connection.edges:
                continue
            # What execution will select: fragments merged, @skip and @include applied.
            page_info = get_named_type(return_type.fields["pageInfo"].type)
            wanted = {d[0].node.name.value for d in self.collect_subfields(page_info, details)[0].values()}
            if "startCursor" in wanted:
                self._node_disclosed(connection.edges[0].node)
            if "endCursor" in wanted:
                self._node_disclosed(connection.edges[-1].node)

    def _disclosed_names(self, type_name: str, grouped: Any) -> frozenset[str]:
        # Memoised per selection: the same selection is completed for every row of a page.
        cache = self.__dict__.setdefault("_disclosure_names", {})
        key = (type_name, id(grouped))
        if key not in cache:
            names = {details[0].node.name.value for details in grouped.values()}
            cache[key] = (grouped, frozenset(f"{type_name}.{n}" for n in names - NOT_PERSONAL))
        return cache[key][1]
