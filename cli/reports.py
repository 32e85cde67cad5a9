"""`borderlabour report agreement`: the agreement's yearly report as xlsx, pdf or json."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli import signing
from cli.acting import Refused, act_as, acting_day, add_as_of, add_officer, cli_request, languages_of
from cli.database import open_database
from cli.files import write_private
from cli.language import say, words
from locales import N_, message_of
from reports.formats import AGREEMENT_REPORT, TRANSFER_REGISTER

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ledger.recorder import DisclosureRecorder


def agreement_report(args: argparse.Namespace) -> int:
    from reports.cover import report_cover
    from reports.documents import REPORT_PURPOSE, render_report
    from resolvers.errors import InputError
    from resolvers.reports import yearly_figures

    languages = languages_of(args.lang)
    registry, grant, purpose, officer = act_as(args, REPORT_PURPOSE)
    wages = grant.can_read("Placement.monthlyWageCny")

    def work(session: Session, recorder: DisclosureRecorder) -> bytes:
        agreement, figures = yearly_figures(session, recorder, args.agreement, args.year)
        cover = report_cover(
            session, agreement, grant.office.name, registry.access.roles_of, acting_on=acting_day(args)
        )
        return render_report(figures, args.format, languages, wages, cover)

    try:
        content = registry.run_for(
            grant,
            work,
            purpose=purpose,
            request=cli_request(args),
            token_id=None,  # at the terminal no token: the officer named on the command answers
            officer=officer,
            case_ref=None,
        )
    except InputError as exc:
        raise Refused(message_of(exc, languages[0])) from exc
    write_private(Path(args.output), content)
    say(N_("{path}: {n} bytes"), path=args.output, n=len(content), file=sys.stderr)
    return 0


def transfers_report(args: argparse.Namespace) -> int:
    """The register of data sent abroad, from the ledger: no office's scope, no personal value."""
    from policies.sessions import internal_session
    from reports.transfers import FORMATS as TRANSFER_FORMATS
    from reports.transfers import NotAbroad, transfer_register

    language = languages_of(args.lang)[0]
    if args.to < args.first:
        raise Refused(words(N_("--to must not be before --from")))
    sessions = open_database(args.settings)
    try:
        with internal_session(sessions) as session:
            rows = transfer_register(session, args.recipient, args.first, args.to, language)
    except NotAbroad as exc:
        raise Refused(
            words(
                N_("{code!r} is not an office abroad: the register lists only data sent to the Chinese side"),
                code=exc.code,
            )
        ) from None
    if args.recipient is not None and not rows:
        raise Refused(words(N_("unknown office {code!r}"), code=args.recipient))
    content = TRANSFER_FORMATS[args.format](rows, (args.first, args.to), language)
    write_private(Path(args.output), content)
    say(N_("{path}: {n} bytes"), path=args.output, n=len(content), file=sys.stderr)
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            words(N_("{text!r} is not a day: use YYYY-MM-DD"), text=text)
        ) from None


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", help="documents for the yearly evaluation").add_subparsers(
        dest="report_cmd", required=True
    )
    a = report.add_parser("agreement", parents=[common], help="an agreement's figures for one year")
    a.add_argument("--office", required=True, help="the office the report is made for (its row scope)")
    a.add_argument("--agreement", required=True, help="the agreement's code, e.g. AGR-HG-BS")
    a.add_argument("--year", type=int, required=True, help="the year the figures cover")
    a.add_argument("--format", choices=sorted(AGREEMENT_REPORT), required=True, help="the file's format")
    a.add_argument("--lang", default="vi,zh", help="languages of titles and headers, e.g. vi,zh (default)")
    a.add_argument("--output", required=True, help="the file to write")
    add_as_of(a)
    add_officer(a)
    a.set_defaults(func=agreement_report)
    signing.register_report(report)
    t = report.add_parser("transfers", parents=[common], help="the register of personal data sent abroad")
    t.add_argument(
        "--recipient", help="a recipient office's code (default: every office of the Chinese side)"
    )
    t.add_argument(
        "--from", dest="first", type=_day, required=True, metavar="DAY", help="the first day (YYYY-MM-DD)"
    )
    t.add_argument("--to", type=_day, required=True, metavar="DAY", help="the last day (YYYY-MM-DD)")
    t.add_argument("--format", choices=sorted(TRANSFER_REGISTER), required=True, help="the file's format")
    t.add_argument("--lang", default="vi", help="the register's language: vi, zh or en")
    t.add_argument("--output", required=True, help="the file to write")
    t.set_defaults(func=transfers_report)
