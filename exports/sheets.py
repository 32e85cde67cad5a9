"""Rows written into a worksheet as values: a text cell is always text, never a live formula.

openpyxl reads a string that starts with `=` as a formula (and `#N/A` as an error): a worker named
`=HYPERLINK(...)` would become a link in every file that carries the name. Each writer of an xlsx
(the workers export, the yearly report, the import template) appends its rows here, which stores
every string as a string cell with exactly the value given; no apostrophe or other mark is added.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl (and numpy and Pillow, which it loads) comes with the first workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

TEXT = "s"


def as_text(cell: Cell | MergedCell) -> None:
    """Makes the cell a string cell if its value is a string, its value unchanged."""
    from openpyxl.cell.cell import Cell

    if isinstance(cell, Cell) and isinstance(cell.value, str):
        cell.data_type = TEXT


def append_values(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Appends one row; strings stay strings, whatever they start with."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text(cell)
