"""Registering the workers of a spreadsheet with exactly the rules of `registerWorker`.

Each row is one call of `resolvers.writes.workers.register_worker`, the mutation's own write
function, in its own savepoint. The file runs in chunks (`Settings.import_chunk_rows`), each chunk its own
transaction (`import_in_chunks`), so that no import holds the database's write lock for long:
  - a dry run's chunks are rolled back; what each looked up is ledgered as it ends;
  - a real import first checks every row that way; a file with errors (unless `partial`) then
    registers nothing; otherwise each chunk is committed with its own ledger entry, and if a later
    chunk fails the answer says how far the import went (`stopped`).
A row whose national ID this office has already registered answers ALREADY_REGISTERED and never
blocks the rest, so uploading the same file again registers nothing twice; a row that repeats an
earlier row of the same file is `DUPLICATE_IN_FILE` instead (`imports.rowerrors`), never mistaken
for one. Rows given as `set_aside` (an export read back, `imports.edits`) are not registered at all.
Every identity number a row finds registered elsewhere is a look-up past the office's scope: it is
ledgered as `registerWorker` ledgers it, and counts against the office's look-ups of the day
(`imports.lookups`); past that bound the import stops.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.columns import COLUMNS, CellValue, Column, cell_date, cell_number_text, cell_sex, cell_text
from imports.lookups import LIMIT_REACHED, lookups_today
from imports.rowerrors import RowError, repeated_rows
from imports.workbook import Sheet, cells_of
from ledger.recorder import DisclosureRecorder
from locales import N_
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
READERS: dict[str, Callable[[Any], Any]] = {
    "date_of_birth": cell_date,
    "sex": cell_sex,
    "national_id_number": cell_number_text("nationalIdNumber"),
    "phone": cell_number_text("phone"),
}


@dataclass
class ImportOutcome:
    rows: int
    valid: int
    registered: int
    errors: list[RowError]
    dry_run: bool
    stopped: str | None = None  # why the import ended before its last row (LOOKUP_LIMIT, ...)
    done: int = 0  # rows checked, or registered chunk by chunk, before it stopped

    def answer(self, language: str) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "rows": self.rows,
            "registered": self.registered,
            "valid": self.valid,
            "dryRun": self.dry_run,
            "errors": [e.answer(language) for e in self.errors],
        }
        if self.stopped is not None:
            answer["stopped"] = {"code": self.stopped, "afterRow": self.done}
        return answer

    @property
    def blocking(self) -> bool:
        return any(e.code != ALREADY_REGISTERED for e in self.errors)


@dataclass
class Chunk:
    """What one transaction of an import did with its rows."""

    valid: int = 0
    registered: int = 0
    errors: list[RowError] = field(default_factory=list)
    last_row: int = 0  # the index (from 0) after the last row it checked
    limit_reached: bool = False


Progress = Callable[[int, int], None]
# Runs `work` as the office in its own writing transaction (`Registry.run_for(..., writes=True)`).
# Even a dry run's chunk is one: its rows are written in savepoints and rolled back, and SQLite
# refuses a read transaction that starts to write after another one committed (it would not wait).
# The chunk holds the write lock only for its own rows; what it looked up is ledgered with it.
RunChunk = Callable[[Callable[[Session, DisclosureRecorder], Chunk]], Chunk]
# Between two chunks the import gives way: SQLite's busy handler retries a waiting writer (a read's
# ledger entry) with back-off sleeps of up to 100 ms, so a chunk that began at once would always win.
GIVE_WAY_SECONDS = 0.15


class ImportStopped(Exception):
    """Raised by `keep_going` between chunks: the client is gone or the time budget is spent."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def import_in_chunks(
    run: RunChunk,
    grant: Grant,
    sheet: Sheet,
    *,
    today: dt.date,
    chunk_rows: int,
    dry_run: bool = False,
    partial: bool = False,
    lookups_per_day: int | None = None,
    progress: Progress | None = None,
    keep_going: Callable[[], None] | None = None,
    set_aside: dict[int, list[RowError]] | None = None,
) -> ImportOutcome:
    """Registers the sheet's rows as `grant`'s office, `chunk_rows` rows a transaction.

    A row that repeats an earlier row's person is an error of its own (`imports.rowerrors`); the
    rows `set_aside` (by index: the rows of an edited export) register nothing and answer their errors.
    """
    require_duty(grant, DUTY)
    total = len(sheet.rows)
    known = {index: [error] for index, error in repeated_rows(sheet).items()} | (set_aside or {})

    def passes(write: bool) -> ImportOutcome:
        outcome = ImportOutcome(total, 0, 0, [], dry_run)
        first = 0
        while first < total or (first == 0 and total == 0):
            try:
                if first > 0:
                    time.sleep(GIVE_WAY_SECONDS)
                    if keep_going is not None:
                        keep_going()

                def work(session: Session, recorder: DisclosureRecorder, first: int = first) -> Chunk:
                    return import_chunk(
                        session,
                        grant,
                        sheet,
                        range(first, min(first + chunk_rows, total)),
                        today=today,
                        recorder=recorder,
                        keep=write,
                        lookups_per_day=lookups_per_day,
                        progress=progress,
                        known=known,
                    )

                chunk = run(work)
            except ImportStopped as exc:
                outcome.stopped = exc.code
                break
            except Exception:
                if first == 0 or not write:
                    raise
                outcome.stopped = "FAILED"  # the earlier chunks stay registered, and the answer says so
                break
            outcome.valid += chunk.valid
            outcome.registered += chunk.registered
            outcome.errors.extend(chunk.errors)
            outcome.done = chunk.last_row
            first = chunk.last_row
            if chunk.limit_reached:
                outcome.stopped = LIMIT_REACHED
                break
            if total == 0:
                break
        return outcome

    if dry_run:
        return passes(write=False)
    if not partial:
        checked = passes(write=False)
        if checked.blocking or checked.stopped is not None:
            checked.dry_run = False
            return checked
    return passes(write=True)


def import_chunk(
    session: Session,
    grant: Grant,
    sheet: Sheet,
    rows: range,
    *,
    today: dt.date,
    recorder: DisclosureRecorder,
    keep: bool,
    lookups_per_day: int | None = None,
    progress: Progress | None = None,
    known: dict[int, list[RowError]] | None = None,
) -> Chunk:
    """Checks the `rows` of the sheet in one transaction; `keep` commits the valid ones.

    Look-ups past the row scope go on the transaction's `recorder`, as `registerWorker`'s do, kept
    or not; the chunk stops after the row with which the office reaches `lookups_per_day`.
    """
    headers = {column.name: sheet.headers[index] for index, column in sheet.columns.items()}
    chunk = Chunk(last_row=rows.start)
    made: list[tuple[str, str, int]] = []
    used = lookups_today(session, grant.office.id) if lookups_per_day is not None else 0
    if lookups_per_day is not None and used >= lookups_per_day:
        chunk.limit_reached = True
        return chunk
    units = _hold_units(session, sheet, rows)  # noqa: F841 (kept alive for the loop)
    whole = session.begin_nested()
    for index in rows:
        number, values = sheet.rows[index]
        if known is not None and index in known:
            data, problems = SimpleNamespace(), list(known[index])
        else:
            data, problems = _input_of(sheet, values, number, headers)
        if not problems and vars(data):
            w = WriteContext(session, grant, today, recorder)
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
                chunk.valid += 1
                made.append((DUTY, "Worker", worker.id))
                made.extend(w.written)
        chunk.errors.extend(problems)
        chunk.last_row = index + 1
        if progress is not None:
            progress(index + 1, len(sheet.rows))
        if lookups_per_day is not None and used + len(recorder.lookups) >= lookups_per_day:
            chunk.limit_reached = chunk.last_row < len(sheet.rows)
            break
    if keep:
        whole.commit()
        recorder.wrote(made)
        chunk.registered = sum(1 for item in made if item[1] == "Worker")
    else:
        whole.rollback()
    return chunk


def _hold_units(session: Session, sheet: Sheet, rows: range) -> list[AdminUnit]:
    """The file's communes with their district and province, held for the whole import.

    The session's identity map keeps objects only while something refers to them: without this,
    every row would load its commune's district and province again (two more queries a row).
    """
    index = next((i for i, c in sheet.columns.items() if c.name == "homeCommuneCode"), None)
    codes = sorted(
        {
            str(values[index]).strip()[:64]
            for _, values in (sheet.rows[i] for i in rows)
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
