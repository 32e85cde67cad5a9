"""Reading an uploaded workbook, and writing the import template.

Everything that makes a file unusable as a whole (not an xlsx, no sheet of workers, unknown or
missing columns, a formula, too many rows) is a `FileRefused`: nothing of such a file is written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from exports.sheets import append_values
from imports.columns import COLUMNS, HINTS, Column, column_for
from locales import LANGUAGES, N_, gettext

SHEET = N_("Workers")
MAX_ROWS = 50_000


class FileRefused(Exception):
    """The file as a whole cannot be imported; `template` and `params` make the message."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template, self.params = template, params


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    columns: dict[int, Column]
    rows: list[tuple[int, list[Any]]]


def _worker_sheet(book: Any) -> Any:
    """The sheet named like the template's (in any language), or the only sheet there is."""
    names = {gettext(SHEET, language).casefold() for language in LANGUAGES}
    for sheet in book.worksheets:
        if sheet.title.strip().casefold() in names:
            return sheet
    if len(book.worksheets) == 1:
        return book.worksheets[0]
    expected = " / ".join(dict.fromkeys(gettext(SHEET, language) for language in LANGUAGES))
    raise FileRefused(
        N_("the workbook has no sheet named {expected} (its sheets: {sheets})"),
        expected=expected,
        sheets=", ".join(s.title for s in book.worksheets),
    )


def read_sheet(content: bytes) -> Sheet:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused(N_("the file is not an Excel workbook (.xlsx)")) from exc
    try:
        sheet = _worker_sheet(book)
        rows = sheet.iter_rows()
        header_cells = next(rows, ())
        headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
        columns = _columns_of(headers)
        data: list[tuple[int, list[Any]]] = []
        formulas: list[str] = []
        for number, cells in enumerate(rows, start=2):
            values = [c.value for c in cells]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            formulas += [c.coordinate for c in cells if c.data_type == "f"]
            data.append((number, values))
            if len(data) > MAX_ROWS:
                raise FileRefused(N_("the file has more than {maximum} rows: split it"), maximum=MAX_ROWS)
        if formulas:
            raise FileRefused(
                N_("cells {cells} hold formulas: enter the values themselves"), cells=", ".join(formulas[:10])
            )
        return Sheet(headers, columns, data)
    finally:
        book.close()


def _columns_of(headers: list[str]) -> dict[int, Column]:
    columns: dict[int, Column] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = column_for(header)
        if column is None:
            raise FileRefused(N_("unknown column {column}"), column=header)
        if column in columns.values():
            raise FileRefused(N_("the column {column} appears twice"), column=header)
        columns[index] = column
    missing = [c for c in COLUMNS if c.required and c not in columns.values()]
    if missing:
        raise FileRefused(
            N_("required columns are missing: {columns}"),
            columns=", ".join(gettext(c.label, "vi") for c in missing),
        )
    return columns


def cells_of(sheet: Sheet, values: list[Any]) -> Iterator[tuple[Column, Any]]:
    for index, column in sheet.columns.items():
        yield column, values[index] if index < len(values) else None


def template(language: str = "vi") -> bytes:
    """The header row in Vietnamese, and a sheet that explains each column in the reader's language."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(SHEET, "vi")
    append_values(sheet, [gettext(c.label, "vi") for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, column in zip("ABCDEFGHIJKLMNOP", COLUMNS, strict=False):
        sheet.column_dimensions[letter].width = max(len(gettext(column.label, "vi")) + 4, 16)
        sheet.column_dimensions[letter].number_format = "@"
    guide = book.create_sheet(gettext(N_("Guide"), language)[:31])
    append_values(
        guide,
        [gettext(h, language) for h in (N_("Column"), N_("Input name"), N_("Required"), N_("Format"))],
    )
    for column in COLUMNS:
        required = gettext(N_("yes") if column.required else N_("no"), language)
        hint = gettext(HINTS[column.name], language) if column.name in HINTS else ""
        append_values(guide, [gettext(column.label, "vi"), column.name, required, hint])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
