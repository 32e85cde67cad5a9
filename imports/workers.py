"""Registering the workers of a spreadsheet with exactly the rules of `registerWorker`.

Each row is one call of `resolvers.writes.workers.register_worker`, the mutation's own write
function, in its own savepoint. The whole file runs in one transaction: a dry run or a file with
errors (unless `partial`) is rolled back, so a file is registered all or none. A row whose national
ID this office has already registered answers ALREADY_REGISTERED and never blocks the rest, so
uploading the same file again registers nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.columns import COLUMNS, CellValue, Column, cell_date, cell_sex, cell_text
from imports.workbook import Sheet, cells_of
from ledger.recorder import DisclosureRecorder
from locales import N_, render
from models import AdminUnit, Worker
from models.sealing import keyring
from policies.grants import Grant
from policies.writes import require_duty
from resolvers.errors import InputError
from resolvers.validation import InputErrors
from resolvers.writes.common import WriteContext
from resolvers.writes.workers import register_worker

DUTY = "registerWorker"
IMPORT_PURPOSE = "worker-registration"  # the purpose an import is made for, by HTTP or the command line
ALREADY_REGISTERED = "ALREADY_REGISTERED"
READERS: dict[str, Callable[[Any], Any]] = {"date_of_birth": cell_date, "sex": cell_sex}


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


@dataclass
class ImportOutcome:
    rows: int
    valid: int
    registered: int
    errors: list[RowError]
    dry_run: bool

    def answer(self, language: str) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "registered": self.registered,
            "valid": self.valid,
            "dryRun": self.dry_run,
            "errors": [e.answer(language) for e in self.errors],
        }


Progress = Callable[[int, int], None]


def import_workers(
    session: Session,
    grant: Grant,
    sheet: Sheet,
    *,
    today: dt.date,
    recorder: DisclosureRecorder,
    dry_run: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Registers the sheet's rows as `grant`'s office; `recorder` notes what stays written."""
    require_duty(grant, DUTY)
    headers = {column.name: sheet.headers[index] for index, column in sheet.columns.items()}
    errors: list[RowError] = []
    made: list[tuple[str, str, int]] = []
    valid = 0
    units = _hold_units(session, sheet)  # noqa: F841 (kept alive for the loop)
    whole = session.begin_nested()
    for done, (number, values) in enumerate(sheet.rows, start=1):
        data, problems = _input_of(sheet, values, number, headers)
        if not problems:
            # A row's look-ups past the row scope stay on a recorder of its own: the import's
            # entry names what it wrote, as it always has, not the numbers it found taken.
            w = WriteContext(session, grant, today, DisclosureRecorder())
            try:
                with session.begin_nested():
                    worker = register_worker(w, data)
            except InputErrors as exc:
                problems = [_row_error(w, data, number, headers, e) for e in exc.errors]
                if any(p.code == ALREADY_REGISTERED for p in problems):
                    # the worker's own border pass and passport come back as taken: by the same worker
                    problems = [p for p in problems if p.code == ALREADY_REGISTERED]
            except InputError as exc:
                problems = [_row_error(w, data, number, headers, exc)]
            else:
                valid += 1
                made.append((DUTY, "Worker", worker.id))
                made.extend(w.written)
        errors.extend(problems)
        if progress is not None:
            progress(done, len(sheet.rows))
    blocking = any(e.code != ALREADY_REGISTERED for e in errors)
    keep = not dry_run and (partial or not blocking)
    if keep:
        whole.commit()
        recorder.wrote(made)
    else:
        whole.rollback()
    registered = sum(1 for item in made if item[1] == "Worker") if keep else 0
    return ImportOutcome(len(sheet.rows), valid, registered, errors, dry_run)


def _hold_units(session: Session, sheet: Sheet) -> list[AdminUnit]:
    """The file's communes with their district and province, held for the whole import.

    The session's identity map keeps objects only while something refers to them: without this,
    every row would load its commune's district and province again (two more queries a row).
    """
    index = next((i for i, c in sheet.columns.items() if c.name == "homeCommuneCode"), None)
    codes = sorted(
        {
            str(values[index]).strip()[:64]
            for _, values in sheet.rows
            if index is not None and index < len(values) and values[index]
        }
    )
    held: list[AdminUnit] = []
    for start in range(0, len(codes), 500):
        for unit in session.scalars(select(AdminUnit).where(AdminUnit.code.in_(codes[start : start + 500]))):
            held.append(unit)
            parent = unit.parent
            while parent is not None:
                held.append(parent)
                parent = parent.parent
    return held


def _input_of(
    sheet: Sheet, values: list[Any], number: int, headers: dict[str, str]
) -> tuple[SimpleNamespace, list[RowError]]:
    """The row as `registerWorker`'s input; a required cell left empty is refused like a null input."""
    given: dict[str, Any] = {c.attribute: None for c in COLUMNS}
    problems: list[RowError] = []
    for column, raw in cells_of(sheet, values):
        try:
            given[column.attribute] = READERS.get(column.attribute, cell_text)(raw)
        except CellValue as exc:
            problems.append(RowError(number, headers[column.name], "INVALID_FORMAT", str(exc)))
    for column in COLUMNS:
        if column.required and given[column.attribute] is None and not _named(problems, headers, column):
            problems.append(
                RowError(number, headers.get(column.name, column.name), "REQUIRED", N_("is required"))
            )
    return SimpleNamespace(**given), problems


def _named(problems: list[RowError], headers: dict[str, str], column: Column) -> bool:
    return any(p.column == headers.get(column.name) for p in problems)


def _row_error(
    w: WriteContext, data: SimpleNamespace, number: int, headers: dict[str, str], error: InputError
) -> RowError:
    column = headers.get(error.field or "", error.field)
    if error.code == "DUPLICATE" and error.field == "nationalIdNumber" and _ours(w, data.national_id_number):
        return RowError(
            number, column, ALREADY_REGISTERED, N_("your office has already registered this worker")
        )
    return RowError(number, column, error.code, error.template, dict(error.params))


def _ours(w: WriteContext, national_id: str) -> bool:
    """Whether the office registered this national ID itself (the row scope applies to the look-up)."""
    found = w.session.scalars(
        select(Worker.id).where(
            Worker.national_id_index == keyring().blind_index(national_id),
            Worker.registered_by_office_id == w.grant.office.id,
        )
    )
    return found.first() is not None
