"""The workers export: the office's own GraphQL schema decides the columns, its scope the rows.

The export is a sequence of ordinary `workers` queries against the office's schema, run by
`Registry.execute`: the same field rules, row scope, purpose check and ledger as any answer. Its
columns are the Worker fields that schema has (scalars, and units as their code); its filters are
the query parameters that name a field of the office's `WorkerFilter`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)

from exports.sheets import append_values
from locales import N_

PAGE = 100
MAX_ROWS = 20_000
UNIT = "AdministrativeUnit"


class ExportRefused(Exception):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template, self.params = template, params


@dataclass(frozen=True)
class ExportPlan:
    columns: list[str]
    query: str
    filter: dict[str, Any]


def _columns(worker: GraphQLObjectType) -> Iterator[tuple[str, str]]:
    for name, field in worker.fields.items():
        kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(kind, GraphQLList):
            continue
        named = get_named_type(kind)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            yield name, name
        elif named is not None and named.name == UNIT:
            yield name, f"{name} {{ code }}"


def _filter(worker_filter: GraphQLInputObjectType | None, params: Mapping[str, str]) -> dict[str, Any]:
    fields = worker_filter.fields if worker_filter is not None else {}
    chosen: dict[str, Any] = {}
    for name, value in params.items():
        if name not in fields:
            raise ExportRefused(N_("unknown filter {name}"), name=name)
        kind = fields[name].type
        is_list = isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)
        chosen[name] = [v.strip() for v in value.split(",") if v.strip()] if is_list else value
    return chosen


def plan(schema: GraphQLSchema, params: Mapping[str, str]) -> ExportPlan | None:
    """None if the office sees no workers at all (then there is nothing to export, not even the route)."""
    worker = schema.type_map.get("Worker")
    if not isinstance(worker, GraphQLObjectType) or "workers" not in (
        schema.query_type.fields if schema.query_type else {}
    ):
        return None
    columns = list(_columns(worker))
    worker_filter = schema.type_map.get("WorkerFilter")
    chosen = _filter(worker_filter if isinstance(worker_filter, GraphQLInputObjectType) else None, params)
    selection = " ".join(s for _, s in columns)
    declared, passed = (", $filter: WorkerFilter", ", filter: $filter") if chosen else ("", "")
    query = (
        f"query Export($after: String{declared}) {{ workers(first: {PAGE}, after: $after{passed}) "
        f"{{ pageInfo {{ hasNextPage endCursor }} nodes {{ {selection} }} }} }}"
    )
    return ExportPlan([name for name, _ in columns], query, chosen)


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("code")
    return value


def write_rows(columns: list[str], nodes: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook  # here: a server loads openpyxl with its first workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Workers"
    append_values(sheet, columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for node in nodes:
        append_values(sheet, [_cell(node.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
