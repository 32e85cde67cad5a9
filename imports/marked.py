"""A checked file sent back: the uploaded sheet of workers with an error column and its faulty cells marked.

A clerk corrects the rows where they are, in the sheet they filled in: each row with errors gets its
messages (in the reader's language) in a last column headed "Errors", and each cell named by an
error is filled red. The import ignores that column when the corrected file is uploaded again.

The copy is written from the rows the import already read (streamed, within `imports.bounds`), row
by row into a write-only workbook: the upload is never opened again, so none of its other sheets is
ever read and the copy costs no more than the rows it holds. Every row keeps its number; cells past
the header's last column and the sheet's own styles are not carried over. Identity numbers are
formatted as text and dates as dates, as in the template, and every string is a string cell, never
a formula (`spreadsheets.cells`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from imports.rowerrors import RowError
from imports.template import DATE_FORMAT, TEXT_COLUMNS
from imports.workbook import SHEET, Sheet
from locales import N_, gettext
from spreadsheets.cells import as_text, display_width

MARK = "FFC7CE"  # the fill of a faulty cell and of its row's errors
WIDTH_ROWS = 2000  # the rows a column's width is measured on


def marked_workbook(sheet: Sheet, errors: list[RowError], language: str) -> bytes:
    from openpyxl import Workbook  # loaded here, not at a server's start
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    old = next((i for i, name in sheet.extra.items() if name == "errors"), None)
    column = old if old is not None else len(sheet.headers)  # 0-based, as in the rows
    headers: list[Any] = [*sheet.headers, *[None] * (column + 1 - len(sheet.headers))]
    headers[column] = gettext(N_("Errors"), language)
    positions = {name: i for i, name in enumerate(sheet.headers) if name}
    by_row: dict[int, list[str]] = defaultdict(list)
    faulty: set[tuple[int, int]] = set()
    for error in errors:
        message = error.answer(language)["message"]
        by_row[error.row].append(f"{error.column}: {message}" if error.column else message)
        if error.column in positions:
            faulty.add((error.row, positions[error.column]))
    messages = {number: "; ".join(lines) for number, lines in by_row.items()}
    text = {i for i, c in sheet.columns.items() if c.name in TEXT_COLUMNS}
    dates = {i for i, c in sheet.columns.items() if c.name == "dateOfBirth"}

    book = Workbook(write_only=True)
    target = book.create_sheet(sheet.title or gettext(SHEET, "vi"))
    # What a write-only sheet writes before its rows is set before the first row is appended.
    target.freeze_panes = "A2"
    for index in range(column + 1):
        letter = get_column_letter(index + 1)
        if index == column:
            widest = max((display_width(m) for m in messages.values()), default=0)
            width = min(max(widest + 2, display_width(headers[index]) + 2, 12), 80)
        else:
            measured = [headers[index], *(v[index] for _, v in sheet.rows[:WIDTH_ROWS] if index < len(v))]
            width = min(max(max(display_width(v) for v in measured) + 2, 12), 60)
        target.column_dimensions[letter].width = width
        if index in text:
            target.column_dimensions[letter].number_format = "@"  # rows typed in later stay text

    mark, bold = PatternFill("solid", fgColor=MARK), Font(bold=True)

    def cell(value: Any, index: int, marked: bool = False) -> Any:
        if value is None and not marked:
            return None  # no cell at all: the column's format applies
        written = WriteOnlyCell(target, value=value)
        as_text(written)
        if index in text:
            written.number_format = "@"
        elif index in dates and isinstance(value, dt.date):
            written.number_format = DATE_FORMAT
        if marked:
            written.fill = mark
        return written

    header_cells = []
    for header in headers:
        written = WriteOnlyCell(target, value=header)
        as_text(written)
        written.font = bold
        header_cells.append(written)
    target.append(header_cells)
    following = 2
    for number, values in sheet.rows:
        while following < number:  # an empty row of the upload stays an empty row
            target.append([])
            following += 1
        row = [*values[: column + 1], *[None] * (column + 1 - len(values))]
        row[column] = messages.get(number)
        cells = [cell(v, i, (number, i) in faulty) for i, v in enumerate(row[:column])]
        cells.append(cell(row[column], column, number in messages))
        target.append(cells)
        following += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
