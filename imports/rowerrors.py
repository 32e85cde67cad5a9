"""What an import says about one row, and the rows of a file that repeat an earlier row's person.

A row error names the row, the column as the file heads it, a code and an English template that
is answered in the reader's language. A second row with the national ID, border pass or passport of
an earlier row of the same file is `DUPLICATE_IN_FILE` (naming the earlier row): it is not checked
against the registry, so it is never mistaken for a worker the office registered before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imports.columns import CellValue, cell_text
from imports.workbook import Sheet
from locales import N_, render

DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
# The numbers one person holds: a second row of the file with one of them is the same person again.
IDENTITY_COLUMNS = ("nationalIdNumber", "borderPassNumber", "passportNumber")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    code: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def answer(self, language: str) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": render(self.template, language, **self.params),
        }


def repeated_rows(sheet: Sheet) -> dict[int, RowError]:
    """Each row (by index in `sheet.rows`) that repeats an earlier row's identity number: its error."""
    first: dict[tuple[str, str], int] = {}
    repeats: dict[int, RowError] = {}
    columns = [(i, c) for i, c in sheet.columns.items() if c.name in IDENTITY_COLUMNS]
    for index, (number, values) in enumerate(sheet.rows):
        for position, column in columns:
            try:
                text = cell_text(values[position]) if position < len(values) else None
            except CellValue:
                text = None
            if text is None:
                continue
            key = (column.name, text.upper())
            if key not in first:
                first[key] = number
            elif index not in repeats:
                repeats[index] = RowError(
                    number,
                    sheet.headers[position],
                    DUPLICATE_IN_FILE,
                    N_("repeats row {row} of this file: the same person twice"),
                    {"row": first[key]},
                )
    return repeats
