"""The values one request binds into a kept plan's statements: a node's row, a page's size and cursor.

A plan is kept per shape of variables (`planner.cache`), so the values it was planned with are
those of the first request of its shape. Each request reads its own from its variables (or the
document's literal, as planned) and is refused here, before any statement runs, exactly where
planning would have refused it: a page size out of range, a cursor that is not one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.opaque import decode_id
from planner.compiled import AFTER_ID, AFTER_KEY, PAGE_LIMIT, ROW_ID
from planner.plan import ConnectionRoot, NodeRoot, Root
from resolvers.pages import check_first, cursor_values


def bind(root: Root, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The named values (`planner.compiled.BOUND`) of `root`'s statement for this request."""
    if isinstance(root, NodeRoot):
        if root.plan is None:
            return {}
        if root.id_from is not None and root.id_from in variables:
            # The plan's key holds the type this ID names (`planner.cache`): it decodes as planned.
            return {ROW_ID: decode_id(variables[root.id_from], root.plan.type_name)[1]}
        return {ROW_ID: root.row_id}
    if not isinstance(root, ConnectionRoot):
        return {}
    first = _given(root.first_from, variables, root.first)
    check_first(first)
    values: dict[str, Any] = {PAGE_LIMIT: first + 1}
    after = _given(root.after_from, variables, root.after)
    if after is not None:
        values[AFTER_KEY], values[AFTER_ID] = cursor_values(root.ordering, after, root.audience)
    return values


def _given(variable: str | None, variables: Mapping[str, Any], planned: Any) -> Any:
    """A bound argument's value: its variable's, or the document's literal (or default) as planned."""
    if variable is not None and variable in variables:
        return variables[variable]
    return planned
