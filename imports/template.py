"""The import template: the sheet to fill in, an example, the communes in force and a guide.

The sheet of workers is headed in Vietnamese (the registering offices' language); the example, the
communes and the guide are in the reader's language. The cells a clerk types into are prepared for
what they hold: identity numbers as text (a CCCD keeps its leading zero), dates as dates, sex and
commune from drop-down lists, the header frozen. Every cell is written by `append_values` or holds
no value at all: the lists are data validations, never formulas in cells.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.columns import COLUMNS, HINTS
from imports.workbook import SHEET
from locales import N_, gettext, label
from models import AdminUnit, Country, Sex, UnitClosure, UnitLevel
from spreadsheets.cells import append_values, capitalised, fit_columns, head

if TYPE_CHECKING:  # openpyxl itself is loaded where the template is made, not at a server's start
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# Rows of the sheet of workers made ready (text format, lists) for typing; more rows may be added.
READY_ROWS = 1000
TEXT_COLUMNS = ("nationalIdNumber", "borderPassNumber", "passportNumber", "phone")
DATE_FORMAT = "DD/MM/YYYY"
HEADER_FILL = "DDEBF7"

Commune = tuple[str, str, str]  # code, name, province


def communes_in_force(session: Session, day: dt.date, within: int | None = None) -> list[Commune]:
    """Vietnam's communes in force on `day`, with their province, from the unit data.

    `within` (the office's unit) keeps the communes of its subtree, where the office registers
    residents; if none of them is in force (a unit replaced in a reorganisation), all are listed.
    """
    units = {u.id: u for u in session.scalars(select(AdminUnit).where(AdminUnit.country == Country.VN))}
    inside: set[int] = set()
    if within is not None:
        below = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == within)
        inside = set(session.scalars(below))

    def province(unit: AdminUnit) -> str:
        seen = unit
        while seen.parent_id is not None and seen.level != UnitLevel.PROVINCE:
            seen = units[seen.parent_id]
        return seen.name_vi if seen.level == UnitLevel.PROVINCE else ""

    current = [
        u
        for u in units.values()
        if u.level == UnitLevel.COMMUNE and u.valid_from <= day and (u.valid_to is None or day <= u.valid_to)
    ]
    chosen = [u for u in current if u.id in inside] or current
    return sorted((u.code, u.name_vi, province(u)) for u in chosen)


def example_row(communes: list[Commune]) -> list[Any]:
    """One made-up worker whose numbers follow their formats (the CCCD agrees with birth and sex)."""
    values: dict[str, Any] = {
        "fullName": "Giàng Thị Mai",
        "dateOfBirth": dt.date(1995, 3, 14),
        "sex": capitalised(label(Sex.FEMALE.name, "vi")),
        "ethnicity": "Mông",
        "nationalIdNumber": "008195001234",
        "homeCommuneCode": communes[0][0] if communes else "",
        "borderPassNumber": "B1234567",
        "passportNumber": "",
        "phone": "0912345678",
    }
    return [values[c.name] for c in COLUMNS]


def _letter(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.name == name))


def _headed(sheet: Worksheet, headers: list[str]) -> None:
    append_values(sheet, headers)
    head(sheet)


def _workers_sheet(book: Workbook, communes_title: str, communes: list[Commune]) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(SHEET, "vi")
    _headed(sheet, [gettext(c.label, "vi") for c in COLUMNS])
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.fill = fill
    for name in TEXT_COLUMNS:
        sheet.column_dimensions[_letter(name)].number_format = "@"  # rows past the ready ones too
        for row in range(2, READY_ROWS + 2):
            sheet[f"{_letter(name)}{row}"].number_format = "@"
    for row in range(2, READY_ROWS + 2):
        sheet[f"{_letter('dateOfBirth')}{row}"].number_format = DATE_FORMAT
    sexes = ",".join(capitalised(label(s.name, "vi")) for s in Sex)
    lists = [(_letter("sex"), f'"{sexes}"')]
    if communes:
        codes = f"{quote_sheetname(communes_title)}!$A$2:$A${len(communes) + 1}"
        lists.append((_letter("homeCommuneCode"), codes))
    for letter, source in lists:
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        validation.add(f"{letter}2:{letter}{READY_ROWS + 1}")
        sheet.add_data_validation(validation)
    fit_columns(sheet, minimum=14)


def template(language: str = "vi", communes: list[Commune] | None = None) -> bytes:
    """The sheet of workers, an example row, the communes in force and a guide to each column."""
    from openpyxl import Workbook

    communes = communes or []
    book = Workbook()
    communes_title = gettext(N_("Communes"), language)[:31]
    _workers_sheet(book, communes_title, communes)

    example = book.create_sheet(gettext(N_("Example"), language)[:31])
    _headed(example, [gettext(c.label, "vi") for c in COLUMNS])
    append_values(example, example_row(communes))
    example[f"{_letter('dateOfBirth')}2"].number_format = DATE_FORMAT
    fit_columns(example, minimum=14)

    units = book.create_sheet(communes_title)
    _headed(units, [gettext(h, language) for h in (N_("Code"), N_("Commune"), N_("Province"))])
    for commune in communes:
        append_values(units, commune)
    units.auto_filter.ref = f"A1:C{len(communes) + 1}"
    fit_columns(units)

    guide = book.create_sheet(gettext(N_("Guide"), language)[:31])
    _headed(
        guide,
        [
            gettext(h, language)
            for h in (N_("Column"), N_("Input name"), N_("Required"), N_("Format"), N_("Example"))
        ],
    )
    for column, sample in zip(COLUMNS, example_row(communes), strict=True):
        required = gettext(N_("yes") if column.required else N_("no"), language)
        hint = gettext(HINTS[column.name], language) if column.name in HINTS else ""
        shown = sample.strftime("%d/%m/%Y") if isinstance(sample, dt.date) else sample
        append_values(guide, [gettext(column.label, "vi"), column.name, required, hint, shown])
    fit_columns(guide, maximum=80)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
