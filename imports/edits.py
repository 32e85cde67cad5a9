"""An export read back: rows that carry a record ID are compared with the record, never written.

The workers export heads its columns so that the import accepts them (`imports.columns`). A row with
a record ID is a worker the registry already holds: the import does not register it again and
changes nothing in it (corrections are `updateWorker`'s, with a reason). Such a file is always a
dry run, and each cell that no longer matches the record is a row error `DIFFERS_FROM_RECORD`, so an
edited export never updates anything silently. The records are read with the office's own GraphQL
schema (`ask`), so the comparison sees, and ledgers, exactly what the office may read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from imports.bounds import FileRefused
from imports.columns import CellValue, Column, cell_text
from imports.rowerrors import RowError
from imports.workbook import Sheet
from imports.workers import READERS
from locales import N_

DIFFERS = "DIFFERS_FROM_RECORD"
NOT_FOUND = "RECORD_NOT_FOUND"
BATCH = 25  # aliases of one query: the schema allows 30
# GraphQL's answer to one query and its variables, as the office's schema gives it.
Ask = Callable[[str, dict[str, Any]], dict[str, Any]]


def record_rows(sheet: Sheet) -> dict[int, str]:
    """The rows (by index in `sheet.rows`) whose record ID cell is filled, and that ID."""
    position = next((i for i, name in sheet.extra.items() if name == "id"), None)
    if position is None:
        return {}
    found: dict[int, str] = {}
    for index, (_number, values) in enumerate(sheet.rows):
        text = cell_text(values[position]) if position < len(values) else None
        if text is not None:
            found[index] = text[:200]
    return found


def _selection(column: Column) -> str:
    return "homeCommune { code }" if column.name == "homeCommuneCode" else column.name


def _recorded(column: Column, record: dict[str, Any]) -> Any:
    if column.name == "homeCommuneCode":
        unit = record.get("homeCommune")
        return unit.get("code") if isinstance(unit, dict) else None
    value = record.get(column.name)
    if column.name == "dateOfBirth" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _read(column: Column, raw: Any) -> Any:
    value = READERS.get(column.attribute, cell_text)(raw)
    return value.name if column.name == "sex" and value is not None else value


def differences(sheet: Sheet, ask: Ask) -> dict[int, list[RowError]]:
    """For every row with a record ID, the cells that differ from the record (empty if none)."""
    rows = record_rows(sheet)
    columns = sorted(sheet.columns.items())
    fields = " ".join(_selection(c) for _, c in columns)
    answer: dict[int, list[RowError]] = {}
    indexes = sorted(rows)
    for start in range(0, len(indexes), BATCH):
        batch = indexes[start : start + BATCH]
        declared = ", ".join(f"$i{n}: ID!" for n in range(len(batch)))
        picked = " ".join(
            f"r{n}: node(id: $i{n}) {{ ... on Worker {{ {fields} }} }}" for n in range(len(batch))
        )
        variables = {f"i{n}": rows[i] for n, i in enumerate(batch)}
        body = ask(f"query Records({declared}) {{ {picked} }}", variables)
        data = body.get("data")
        if data is None:  # the office's schema refused the whole query: nothing can be compared
            raise FileRefused(N_("the file's record IDs could not be compared with the records"))
        for n, index in enumerate(batch):
            record = data.get(f"r{n}")
            answer[index] = _compare(sheet, index, columns, record)
    return answer


def _compare(
    sheet: Sheet, index: int, columns: list[tuple[int, Column]], record: dict[str, Any] | None
) -> list[RowError]:
    number, values = sheet.rows[index]
    id_header = next(sheet.headers[i] for i, name in sheet.extra.items() if name == "id")
    if not record:
        return [RowError(number, id_header, NOT_FOUND, N_("no worker of your office's records has this ID"))]
    problems: list[RowError] = []
    for position, column in columns:
        raw = values[position] if position < len(values) else None
        try:
            given = _read(column, raw)
        except CellValue:
            given = raw
        if given != _recorded(column, record):
            problems.append(
                RowError(
                    number,
                    sheet.headers[position],
                    DIFFERS,
                    N_("differs from the record: an import changes no record (correct it with updateWorker)"),
                )
            )
    return problems
