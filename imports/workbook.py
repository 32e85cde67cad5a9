"""Reading an uploaded workbook (the template is written by `imports.template`).

Everything that makes a file unusable as a whole (not an xlsx, no sheet of workers, unknown or
missing columns, a formula, too many rows, more work than `imports.bounds` allows) is a
`FileRefused`: nothing of such a file is written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from imports.bounds import MAX_COLUMNS, MAX_ROWS, Deadline, FileRefused, check_archive
from imports.columns import COLUMNS, Column, column_for, export_field_for
from locales import LANGUAGES, N_, gettext

__all__ = ["MAX_ROWS", "FileRefused", "Sheet", "cells_of", "read_sheet", "worker_sheet"]

SHEET = N_("Workers")


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    columns: dict[int, Column]
    rows: list[tuple[int, list[Any]]]
    # Columns of the workers export the import reads but registers nothing from, e.g. {0: "id"}.
    extra: dict[int, str] = field(default_factory=dict)
    title: str = ""  # the sheet's name in the file (a checked file sent back keeps it)


def worker_sheet(book: Any) -> Any:
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


def read_sheet(content: bytes, seconds: float | None = None) -> Sheet:
    """The sheet of workers, read row by row in the template's columns, within `imports.bounds`."""
    from openpyxl.utils.exceptions import InvalidFileException  # loaded here, not at a server's start

    deadline = Deadline(seconds) if seconds is not None else Deadline()
    check_archive(content, deadline)
    not_a_workbook = FileRefused(N_("the file is not an Excel workbook (.xlsx)"))
    try:
        book = _unopened_sheets(content)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise not_a_workbook from exc
    try:
        sheet = worker_sheet(book)
        # The sheet's declared <dimension> is not trusted: rows are as wide as the header says.
        sheet.reset_dimensions()
        header_cells = next(sheet.iter_rows(min_row=1, max_row=1), ())
        headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
        width = max((i + 1 for i, h in enumerate(headers) if h), default=0)
        if width > MAX_COLUMNS:
            raise FileRefused(
                N_("the header row reaches column {column}: the template has {count} columns"),
                column=width,
                count=len(COLUMNS),
            )
        headers = headers[:width]
        columns, extra = _columns_of(headers)
        return Sheet(headers, columns, _data_rows(sheet, width, deadline), extra, sheet.title)
    except SyntaxError as exc:  # the sheet's XML is broken (ElementTree's ParseError)
        raise not_a_workbook from exc
    finally:
        book.close()


def _unopened_sheets(content: bytes) -> Any:
    """The workbook read-only, none of its sheets opened until its rows are read.

    openpyxl's read-only load opens every sheet at once for its declared size (`<dimension>`), and
    parses one that declares none to its end: a large sheet beside the workers' would cost the
    time of reading it whole, and a broken one would make the file unreadable, though nothing of
    it is imported. The size of the sheet of workers is not trusted anyway (`reset_dimensions`), so
    here no sheet is opened for it: only the sheet of workers is ever read, row by row.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Unsized(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class SheetsUnopened(ExcelReader):
        def read_worksheets(self) -> None:  # a chart sheet has no rows to import: left out
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    unsized = Unsized(self.wb, sheet.name, rel.target, self.shared_strings)
                    unsized.sheet_state = sheet.state or "visible"
                    book: Any = self.wb  # as openpyxl's reader adds one (`_add_sheet` takes none)
                    book._sheets.append(unsized)

    reader = SheetsUnopened(io.BytesIO(content), read_only=True, data_only=False)
    reader.read()
    return reader.wb


def _data_rows(sheet: Any, width: int, deadline: Deadline) -> list[tuple[int, list[Any]]]:
    """Every row after the header, counted whether empty or not, up to the row limit."""
    data: list[tuple[int, list[Any]]] = []
    formulas: list[str] = []
    rows = sheet.iter_rows(min_row=2, max_col=width)
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise FileRefused(N_("the file has more than {maximum} rows: split it"), maximum=MAX_ROWS)
        if number % 256 == 0:
            deadline.check()
        values = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        formulas += [c.coordinate for c in cells if c.data_type == "f"]
        data.append((number, values))
    if formulas:
        raise FileRefused(
            N_("cells {cells} hold formulas: enter the values themselves"), cells=", ".join(formulas[:10])
        )
    return data


def _columns_of(headers: list[str]) -> tuple[dict[int, Column], dict[int, str]]:
    columns: dict[int, Column] = {}
    extra: dict[int, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = column_for(header)
        if column is None:
            known = export_field_for(header)
            if known is None:
                raise FileRefused(N_("unknown column {column}"), column=header)
            if known in extra.values():
                raise FileRefused(N_("the column {column} appears twice"), column=header)
            extra[index] = known
            continue
        if column in columns.values():
            raise FileRefused(N_("the column {column} appears twice"), column=header)
        columns[index] = column
    missing = [c for c in COLUMNS if c.required and c not in columns.values()]
    if missing:
        raise FileRefused(
            N_("required columns are missing: {columns}"),
            columns=", ".join(gettext(c.label, "vi") for c in missing),
        )
    return columns, extra


def cells_of(sheet: Sheet, values: list[Any]) -> Iterator[tuple[Column, Any]]:
    for index, column in sheet.columns.items():
        yield column, values[index] if index < len(values) else None
