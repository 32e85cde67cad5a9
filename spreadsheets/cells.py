"""Rows written into a worksheet as values: a text cell is always text, never a live formula.

openpyxl reads a string that starts with `=` as a formula (and `#N/A` as an error): a worker named
`=HYPERLINK(...)` would become a link in every file that carries the name. Each writer of an xlsx
(the workers export, the yearly report, the import template) appends its rows here, which stores
every string as a string cell with exactly the value given; no apostrophe or other mark is added.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl itself is loaded where a workbook is made, not at a server's start
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

TEXT = "s"


def as_text(cell: Cell | MergedCell) -> None:
    """Makes the cell a string cell if its value is a string, its value unchanged. A merged cell's
    value is always None (openpyxl), so a merged cell is never changed: telling the two apart needs
    no class, hence no openpyxl, at import."""
    if isinstance(cell.value, str):
        cell.data_type = TEXT


def append_values(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Appends one row; strings stay strings, whatever they start with."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text(cell)


def display_width(value: Any) -> int:
    """How many character cells a value takes on screen: a CJK or other wide character counts two."""
    if isinstance(value, dt.datetime | dt.date):
        return 10
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit_columns(sheet: Worksheet, minimum: int = 8, maximum: int = 60) -> None:
    """Each column as wide as its widest value (within bounds), the header row bold and frozen."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(max_row=min(sheet.max_row, 2000)):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), display_width(cell.value))
    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), maximum)


def head(sheet: Worksheet) -> None:
    """The first row as a header: bold, frozen while scrolling."""
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def capitalised(text: str) -> str:
    """A label as a cell shows it: first letter upper case (`nữ` -> `Nữ`); CJK text is unchanged."""
    return text[:1].upper() + text[1:]
