"""A checked file sent back: the uploaded workbook with an error column and its faulty cells marked.

A clerk corrects the rows where they are, in the file they filled in: each row with errors gets its
messages (in the reader's language) in a last column headed "Errors", and each cell named by an
error is filled red. The import ignores that column when the corrected file is uploaded again.
"""

from __future__ import annotations

import io
from collections import defaultdict

from imports.rowerrors import RowError
from imports.workbook import Sheet, worker_sheet
from locales import N_, gettext
from spreadsheets.cells import as_text, display_width

MARK = "FFC7CE"  # the fill of a faulty cell and of its row's errors


def marked_workbook(content: bytes, sheet: Sheet, errors: list[RowError], language: str) -> bytes:
    from openpyxl import load_workbook  # loaded here, not at a server's start
    from openpyxl.styles import Font, PatternFill

    mark = PatternFill("solid", fgColor=MARK)
    book = load_workbook(io.BytesIO(content))
    target = worker_sheet(book)
    old = next((i for i, name in sheet.extra.items() if name == "errors"), None)
    column = old + 1 if old is not None else len(sheet.headers) + 1
    header = target.cell(row=1, column=column, value=gettext(N_("Errors"), language))
    header.font = Font(bold=True)
    as_text(header)
    positions = {name: i + 1 for i, name in enumerate(sheet.headers) if name}
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        message = error.answer(language)["message"]
        by_row[error.row].append(f"{error.column}: {message}" if error.column else message)
        if error.column in positions:
            target.cell(row=error.row, column=positions[error.column]).fill = mark
    for number, _ in sheet.rows:
        cell = target.cell(row=number, column=column, value="; ".join(by_row.get(number, [])) or None)
        as_text(cell)
        if number in by_row:
            cell.fill = mark
    widest = max((display_width(c.value) for c in target[header.column_letter]), default=10)
    target.column_dimensions[header.column_letter].width = min(max(widest + 2, 12), 80)
    target.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
