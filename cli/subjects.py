"""`borderlabour subject statement`: a worker's statement, made by the office answering their request."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.acting import Refused, act_as, add_officer, cli_request, languages_of
from cli.files import write_private
from cli.language import say, words
from locales import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ledger.recorder import DisclosureRecorder


def statement(args: argparse.Namespace) -> int:
    from models.opaque import InvalidIdError, decode_id
    from policies.officers import CASE_REF_LIMIT, well_formed
    from reports.statement import STATEMENT_PURPOSE, NotFound, subject_statement

    language = languages_of(args.lang)[0]
    registry, grant, purpose, officer = act_as(args, STATEMENT_PURPOSE)
    if args.case_ref is not None and not well_formed(args.case_ref, CASE_REF_LIMIT):
        raise Refused(words(N_("--case-ref must be 1 to {limit} printable characters"), limit=CASE_REF_LIMIT))
    try:
        worker_id = decode_id(args.worker, "Worker")[1]
    except InvalidIdError:
        raise Refused(words(N_("no such worker: {worker}"), worker=args.worker)) from None

    def work(session: Session, recorder: DisclosureRecorder) -> bytes:
        made = subject_statement(
            session, recorder, registry.ledger_key, grant.office.name, worker_id, language
        )
        if args.format == "json":
            return made.as_json()
        from reports.statement_pdf import statement_pdf  # fpdf and its fonts load with the first PDF

        return statement_pdf(made)

    try:
        content = registry.run_for(
            grant,
            work,
            purpose=purpose,
            request=cli_request(args),
            token_id=None,  # at the terminal no token: the officer named on the command answers
            officer=officer,
            case_ref=args.case_ref,
        )
    except NotFound:
        raise Refused(words(N_("no such worker: {worker}"), worker=args.worker)) from None
    write_private(Path(args.output), content)
    say(N_("{path}: {n} bytes"), path=args.output, n=len(content), file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    subject = commands.add_parser("subject", help="answering a worker's request about their data")
    sub = subject.add_subparsers(dest="subject_cmd", required=True)
    s = sub.add_parser(
        "statement", parents=[common], help="what the registry holds about a worker and who received it"
    )
    s.add_argument("--office", required=True, help="the office answering the request (its row scope)")
    s.add_argument("--worker", required=True, help="the worker's global ID")
    s.add_argument(
        "--lang", choices=("vi", "zh", "en"), default="vi", help="the statement's language (default vi)"
    )
    s.add_argument("--format", choices=("pdf", "json"), required=True, help="the file's format")
    s.add_argument("--case-ref", help="the request's case reference (the office's policy may require one)")
    s.add_argument("--output", required=True, help="the file to write")
    add_officer(s)
    s.set_defaults(func=statement)
