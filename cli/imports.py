"""`borderlabour import workers FILE --office CODE [--dry-run] [--partial]`, with a progress bar."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.acting import Refused, act_as, acting_day, add_as_of, add_officer, cli_request, languages_of
from cli.language import words
from locales import N_, gettext, message_of, render

if TYPE_CHECKING:
    from imports.workers import Chunk
    from service.transaction import Work


class ProgressBar:
    """One line on stderr, redrawn at most ten times a second: `[#####.....] 5000/10000 rows`."""

    def __init__(self, language: str, width: int = 30) -> None:
        self.width, self.label, self.drawn = width, gettext(N_("rows"), language), 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        print(f"\r[{bar}] {done}/{total} {self.label}", end="" if done < total else "\n", file=sys.stderr)


def import_file(args: argparse.Namespace) -> int:
    # Imported here, not above: every `borderlabour` command starts by building the whole parser,
    # and the workbook reader (openpyxl) and the service are needed by this command alone.
    from imports.edits import differences, record_rows
    from imports.lookups import LIMIT_MESSAGE, LIMIT_REACHED
    from imports.marked import marked_workbook
    from imports.workbook import FileRefused, read_sheet
    from imports.workers import IMPORT_PURPOSE, import_in_chunks
    from policies.writes import DutyRefused
    from service.operations import Operation

    language = languages_of(args.lang)[0]
    try:
        content = Path(args.file).read_bytes()
        sheet = read_sheet(content)
    except FileRefused as exc:
        raise Refused(message_of(exc, language)) from exc
    except OSError as exc:
        raise Refused(words(N_("{path}: {reason}"), path=args.file, reason=exc.strerror)) from exc
    registry, grant, purpose, officer = act_as(args, IMPORT_PURPOSE)
    progress = ProgressBar(language)

    request = cli_request(args)
    limit = args.settings.import_lookups_per_day

    def run(work: Work[Chunk]) -> Chunk:
        return registry.run_for(
            grant,
            work,
            purpose=purpose,
            request=request,
            token_id=None,  # at the terminal no token: the officer named on the command answers
            officer=officer,
            case_ref=None,
            writes=True,
        )

    def ask(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        prepared = registry.schemas.schema_for(grant).operations.prepare(query, None)
        operation = Operation(query, variables, None, prepared, purpose, "cli", None, officer, None)
        return registry.execute(grant, operation).body

    # An export read back (rows with record IDs) is compared with the records, and never written.
    try:
        set_aside = differences(sheet, ask) if record_rows(sheet) else None
    except FileRefused as exc:
        raise Refused(message_of(exc, language)) from exc

    try:
        outcome = import_in_chunks(
            run,
            grant,
            sheet,
            today=acting_day(args),
            dry_run=args.dry_run or set_aside is not None,
            partial=args.partial,
            lookups_per_day=limit,
            progress=progress,
            set_aside=set_aside,
            chunk_rows=args.settings.import_chunk_rows,
        )
    except DutyRefused as exc:
        raise Refused(message_of(exc, language)) from exc
    print(json.dumps(outcome.answer(language), ensure_ascii=False, indent=2))
    if args.marked:
        Path(args.marked).write_bytes(marked_workbook(sheet, outcome.errors, language))
    if outcome.stopped == LIMIT_REACHED:
        raise Refused(render(LIMIT_MESSAGE, language, limit=limit))
    if outcome.stopped is not None:
        return 1
    return 1 if outcome.blocking and not args.partial else 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imports = commands.add_parser("import", help="spreadsheet imports").add_subparsers(
        dest="import_cmd", required=True
    )
    w = imports.add_parser("workers", parents=[common], help="register the workers of an xlsx file")
    w.add_argument("file", help="the workbook (see `GET /imports/workers/template.xlsx`)")
    w.add_argument("--office", required=True, help="the registering office (its duty and row scope)")
    w.add_argument("--dry-run", action="store_true", help="check every row, register nothing")
    w.add_argument("--partial", action="store_true", help="register the valid rows even if others fail")
    w.add_argument("--lang", default="en", help="language of the messages: en, vi or zh")
    w.add_argument("--marked", metavar="OUT", help="also write the workbook with its errors marked to OUT")
    add_as_of(w)
    add_officer(w)
    w.set_defaults(func=import_file)
