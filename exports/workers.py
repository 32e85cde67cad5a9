"""The workers export: the office's own GraphQL schema decides the columns, its scope the rows.

The export is a sequence of ordinary `workers` queries against the office's schema, run by
`Registry.execute`: the same field rules, row scope, purpose check and ledger as any answer. Its
columns are the Worker fields that schema has (scalars, and units as their code and their name);
its filters are the query parameters that name a field of the office's `WorkerFilter`.

The file is for people: headers and enum values in the reader's language (the import's labels, so
the import reads the file back, see `imports.edits`), dates as Excel dates, columns as wide as
their text (a CJK character counts double), the header frozen and filtered.
"""

from __future__ import annotations

import datetime as dt
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

from imports.columns import EXPORT_LABELS, LABELS
from locales import N_, gettext, label
from spreadsheets.cells import append_values, capitalised, fit_columns, head

PAGE = 100
MAX_ROWS = 20_000
UNIT = "AdministrativeUnit"


class ExportRefused(Exception):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template, self.params = template, params


UNITS = {"homeProvince", "homeDistrict", "homeCommune"}


@dataclass(frozen=True)
class ExportPlan:
    columns: list[str]
    query: str
    filter: dict[str, Any]
    enums: set[str]


def _columns(worker: GraphQLObjectType) -> Iterator[tuple[str, str]]:
    for name, field in worker.fields.items():
        kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(kind, GraphQLList):
            continue
        named = get_named_type(kind)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            yield name, name
        elif named is not None and named.name == UNIT:
            yield name, f"{name} {{ code nameVi nameZh }}"


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
    enums = {
        name
        for name, field in worker.fields.items()
        if isinstance(get_named_type(field.type), GraphQLEnumType)
    }
    return ExportPlan([name for name, _ in columns], query, chosen, enums)


DATE_FORMAT = "DD/MM/YYYY"
DATES = {"dateOfBirth"}
# Export fields whose header is the import's label for the same input.
INPUT_OF = {"homeCommune": "homeCommuneCode"}


def _header(name: str, language: str) -> str:
    text = LABELS.get(INPUT_OF.get(name, name)) or EXPORT_LABELS.get(name)
    return gettext(text, language) if text else name


def _value(name: str, value: Any, enums: set[str], language: str) -> Any:
    if value is None:
        return None
    if name in DATES and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if name in enums and isinstance(value, str):
        return capitalised(label(value, language))
    return value


def _unit_name(value: Any, language: str) -> Any:
    if not isinstance(value, dict):
        return None
    return (value.get("nameZh") or value.get("nameVi")) if language == "zh" else value.get("nameVi")


def write_rows(
    columns: list[str], nodes: list[dict[str, Any]], language: str = "vi", enums: set[str] | None = None
) -> bytes:
    """The rows in the reader's language; a unit is its code and, beside it, its name."""
    from openpyxl import Workbook  # loaded here, not at a server's start: ~0.4 s of CPU a process

    enums = enums or set()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(N_("Workers"), language)[:31]
    headers: list[str] = []
    for name in columns:
        headers.append(_header(name, language))
        if name in UNITS:
            headers.append(_header(f"{name}.name", language))
    append_values(sheet, headers)
    head(sheet)
    for node in nodes:
        row: list[Any] = []
        for name in columns:
            value = node.get(name)
            if name in UNITS:
                row += [value.get("code") if isinstance(value, dict) else None, _unit_name(value, language)]
            else:
                row.append(_value(name, value, enums, language))
        append_values(sheet, row)
    laid_out = [c for name in columns for c in ([name, ""] if name in UNITS else [name])]
    dates = [position for position, name in enumerate(laid_out) if name in DATES]
    for cells in sheet.iter_rows(min_row=2):
        for position in dates:
            cells[position].number_format = DATE_FORMAT
    sheet.auto_filter.ref = sheet.dimensions
    fit_columns(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
