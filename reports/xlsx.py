"""The report as a spreadsheet: one sheet per table, headers in the reader's languages side by side."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from exports.sheets import append_values
from locales import N_
from reports.figures import AgreementFigures
from reports.tables import Table, heading, report_tables

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    name = _SHEET_FORBIDDEN.sub("-", title)[:31].strip() or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}-{n}"
        n += 1
    used.add(name)
    return name


def write_table(workbook: Workbook, table: Table, languages: tuple[str, ...], used: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_title(heading(table.title, languages[:1]), used))
    append_values(sheet, [heading(h, languages) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append_values(sheet, row)
    for column in sheet.columns:
        widest = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(widest, 8) + 2, 60)
    sheet.freeze_panes = "A2"


def report_xlsx(figures: AgreementFigures, languages: tuple[str, ...], wages: bool = True) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = sheet_title(heading(N_("Agreement"), languages[:1]), set())
    used = {cover.title}
    append_values(cover, [heading(N_("Agreement"), languages), figures.code])
    append_values(cover, [heading(N_("Title"), languages), figures.title])
    append_values(cover, [heading(N_("Year"), languages), figures.year])
    cover.column_dimensions["A"].width = 30
    cover.column_dimensions["B"].width = 100
    for table in report_tables(figures, languages, wages):
        write_table(workbook, table, languages, used)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
