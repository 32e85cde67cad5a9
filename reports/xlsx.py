"""The report as a spreadsheet a clerk can print and filter: a cover sheet naming the agreement in each
language, the year, the office that made it and when, then one sheet per table.

Numbers carry Excel number formats (separators shown as the reader's Excel shows them; wages in
yuan), dates are dates, columns are wide enough for Chinese (a CJK character counts double), every
table has an autofilter, its header repeated on each printed page, landscape and one page wide.
Sheet names come from `sheet_names.csv`, written to fit Excel's 31 characters whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from locales import N_
from reports.cover import ReportCover
from reports.figures import AgreementFigures
from reports.tables import Table, heading, report_tables
from spreadsheets.cells import append_values

EXCEL_SHEET_NAME = 31
COUNT_FORMAT = "#,##0"
MEASURE_FORMAT = "#,##0.0"
MONEY_FORMAT = '#,##0.00 "CNY"'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
LANGUAGE_NAMES = {"vi": N_("Title (Vietnamese)"), "zh": N_("Title (Chinese)"), "en": N_("Title (English)")}


@cache
def sheet_names() -> dict[str, dict[str, str]]:
    """The short name of each sheet, by table key and language."""
    with Path(__file__).with_name("sheet_names.csv").open(encoding="utf-8") as source:
        rows = csv.DictReader(line for line in source if not line.startswith("#"))
        return {row.pop("key"): dict(row) for row in rows}


def sheet_name(key: str, language: str) -> str:
    names = sheet_names()[key]
    return names.get(language) or names["en"]


def text_width(value: Any) -> int:
    """The width a value takes in a column: East Asian wide characters count as two."""
    text = value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else str(value)
    if isinstance(value, int | Decimal | float):
        text = f"{value:,}"
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def number_format(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, int):
        return COUNT_FORMAT
    if isinstance(value, float):
        return MEASURE_FORMAT
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


def _formatted(sheet: Worksheet, first_row: int) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            fmt = number_format(cell.value)
            if fmt:
                cell.number_format = fmt
                if isinstance(cell.value, Decimal):
                    cell.value = float(cell.value)


def _fit_columns(sheet: Worksheet, header_lines: int = 3) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        values = [text_width(c.value) for c in column[1:] if c.value is not None]
        # A long header wraps over a few lines rather than widening a column of small numbers.
        header = -(-text_width(column[0].value or "") // header_lines)
        sheet.column_dimensions[get_column_letter(index)].width = min(max([header, 6, *values]) + 2, 60)


def _for_print(sheet: Worksheet, title_rows: str | None) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        sheet.print_title_rows = title_rows


def write_table(workbook: Workbook, table: Table, languages: tuple[str, ...]) -> None:
    sheet = workbook.create_sheet(sheet_name(table.key, languages[0]))
    append_values(sheet, [heading(h, languages) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append_values(sheet, row)
    _formatted(sheet, 2)
    _fit_columns(sheet)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _for_print(sheet, "1:1")


def write_cover(
    workbook: Workbook, figures: AgreementFigures, cover: ReportCover, languages: tuple[str, ...]
) -> None:
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name("cover", languages[0])
    append_values(sheet, [heading(N_("Agreement evaluation"), languages), figures.year])
    sheet["A1"].font = Font(bold=True, size=14)
    append_values(sheet, [heading(N_("Agreement"), languages), figures.code])
    for language in dict.fromkeys((*languages, "vi")):
        append_values(sheet, [heading(LANGUAGE_NAMES[language], languages), cover.title(language)])
    append_values(sheet, [heading(N_("Year"), languages), figures.year])
    append_values(sheet, [heading(N_("Made by"), languages), cover.issued_by])
    append_values(sheet, [heading(N_("Made on"), languages), cover.issued_at.replace(tzinfo=None)])
    for signatory in cover.signatories:
        append_values(sheet, [heading(N_("Focal office"), languages), signatory.office_name])
    for cell in sheet["B"]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    for cell in sheet["A"]:
        cell.font = Font(bold=True, size=cell.font.size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = max(text_width(c.value or "") for c in sheet["A"]) + 2
    sheet.column_dimensions["B"].width = 90
    _for_print(sheet, None)


def report_xlsx(
    figures: AgreementFigures, languages: tuple[str, ...], wages: bool, cover: ReportCover
) -> bytes:
    workbook = Workbook()
    write_cover(workbook, figures, cover, languages)
    for table in report_tables(figures, languages, wages):
        write_table(workbook, table, languages)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
