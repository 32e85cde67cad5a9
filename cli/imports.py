"""`borderlabour import workers FILE --office CODE [--dry-run] [--partial]`, with a progress bar."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from cli.acting import Refused, act_as, acting_day, add_as_of, cli_request, languages_of
from imports.workbook import FileRefused, read_sheet
from imports.workers import IMPORT_PURPOSE, ImportOutcome, import_workers
from ledger.recorder import DisclosureRecorder
from locales import N_, gettext, message_of
from policies.writes import DutyRefused


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
    language = languages_of(args.lang)[0]
    try:
        sheet = read_sheet(Path(args.file).read_bytes())
    except FileRefused as exc:
        raise Refused(message_of(exc, language)) from exc
    except OSError as exc:
        raise Refused(f"{args.file}: {exc.strerror}") from exc
    registry, grant, purpose = act_as(args, IMPORT_PURPOSE)
    progress = ProgressBar(language)

    def work(session: Any, recorder: DisclosureRecorder) -> ImportOutcome:
        return import_workers(
            session,
            grant,
            sheet,
            today=acting_day(args),
            recorder=recorder,
            dry_run=args.dry_run,
            partial=args.partial,
            progress=progress,
        )

    try:
        outcome = registry.run_for(
            grant, work, purpose=purpose, request=cli_request(args), writes=not args.dry_run
        )
    except DutyRefused as exc:
        raise Refused(message_of(exc, language)) from exc
    print(json.dumps(outcome.answer(language), ensure_ascii=False, indent=2))
    blocking = any(e.code != "ALREADY_REGISTERED" for e in outcome.errors)
    return 1 if blocking and not args.partial else 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imports = commands.add_parser("import", help="spreadsheet imports").add_subparsers(
        dest="import_cmd", required=True
    )
    w = imports.add_parser("workers", parents=[common], help="register the workers of an xlsx file")
    w.add_argument("file", help="the workbook (see GET /imports/workers/template.xlsx)")
    w.add_argument("--office", required=True, help="the registering office (its duty and row scope)")
    w.add_argument("--dry-run", action="store_true", help="check every row, register nothing")
    w.add_argument("--partial", action="store_true", help="register the valid rows even if others fail")
    w.add_argument("--lang", default="en", help="language of the messages: en, vi or zh")
    add_as_of(w)
    w.set_defaults(func=import_file)
