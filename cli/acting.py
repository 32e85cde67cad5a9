"""Acting as one office from the command line: its grant, its purpose, its ledger entries.

The CLI's reports and imports go through the same decision point as HTTP: the office's grant from
`policies`, a purpose the office may state, the office's scoped session and the ledger. The ledger
names the officer behind every entry (a token's officer over HTTP); at the terminal no token says
who is there, so a command that acts as an office is told by `--officer-id` and `--officer-name`,
and refuses to run without them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from cli.database import open_database
from cli.errors import UsageError
from cli.language import words
from locales import N_, message_of, negotiate, render
from policies.officers import OFFICER_ID_LIMIT, OFFICER_NAME_LIMIT, well_formed

if TYPE_CHECKING:
    from ledger.entries import Officer
    from policies.grants import Grant
    from service.registry import Registry


class Refused(SystemExit):
    """A clear message for the person at the terminal, in their language; exit status 1."""


def languages_of(value: str | None) -> tuple[str, ...]:
    """`--lang vi,zh` -> ("vi", "zh"); unknown codes fall back to English."""
    return tuple(dict.fromkeys(negotiate(part) for part in (value or "en").split(",")[:3]))


def past_day(text: str) -> dt.date:
    """`--as-of`'s value: a day in ISO form (2024-06-01), not after today."""
    from procedure.calendar import today

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            words(N_("{text!r} is not a day: use YYYY-MM-DD, e.g. 2024-06-01"), text=text)
        ) from None
    if day > today():
        raise argparse.ArgumentTypeError(
            words(N_("{day} is in the future: an office acts today or on a past day"), day=day)
        )
    return day


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=past_day,
        default=None,
        metavar="DAY",
        help="the day the office acts on (default today): it must be in force that day, so work dated "
        "in the past is done as the office of that day (e.g. hg-labour before March 2025)",
    )


def acting_day(args: argparse.Namespace) -> dt.date:
    """The day the command acts on: `--as-of` if given, else today."""
    from procedure.calendar import today

    return getattr(args, "as_of", None) or today()


def add_officer(parser: argparse.ArgumentParser) -> None:
    """`--officer-id` and `--officer-name` on a command that acts as an office (`officer_of`)."""
    parser.add_argument(
        "--officer-id",
        metavar="ID",
        help="required: your identifier as an officer of the office (as on your token); "
        "the ledger names you on every entry the command makes",
    )
    parser.add_argument("--officer-name", metavar="NAME", help="required: your name, with --officer-id")


def named_officer(officer_id: str, officer_name: str) -> Officer:
    """An officer's identifier and name, held to the shapes a token's officer is held to
    (`policies.officers`), or `UsageError` naming the option."""
    from ledger.entries import Officer

    if not well_formed(officer_id, OFFICER_ID_LIMIT):
        raise UsageError("--officer-id must be 1 to {limit} printable characters", limit=OFFICER_ID_LIMIT)
    if not well_formed(officer_name, OFFICER_NAME_LIMIT):
        raise UsageError("--officer-name must be 1 to {limit} printable characters", limit=OFFICER_NAME_LIMIT)
    return Officer(officer_id.strip(), officer_name.strip())


def officer_of(args: argparse.Namespace) -> Officer:
    """The person at the terminal, whom the ledger names on the command's entries; `UsageError`
    (before the database is opened) when they are not named."""
    if args.officer_id is None or args.officer_name is None:
        raise UsageError(
            "the ledger names the officer who acts for the office: give --officer-id and --officer-name"
        )
    return named_officer(args.officer_id, args.officer_name)


def act_as(args: argparse.Namespace, purpose: str) -> tuple[Registry, Grant, str, Officer]:
    """The registry, the office's grant, the purpose and the officer acting (`officer_of`), or
    `Refused` with a translated message (also when the office is not in force on the day the command
    acts on)."""
    # Imported here, not above: building the GraphQL schema's modules is most of a command's start,
    # and only the commands that act as an office need the registry.
    from sqlalchemy import select

    from models import Office
    from policies.purposes import CaseRefMissing, PurposeRefused, check_purpose
    from policies.sessions import internal_session
    from policies.tokens import identity_of
    from policies.validity import OfficeClosed, check_office_on
    from service.registry import Registry

    officer = officer_of(args)
    open_database(args.settings)
    registry = Registry(args.settings.model_copy(update={"graphiql": False}))
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(Office).where(Office.code == args.office)).first()
        identity = identity_of(office) if office is not None else None
        if office is not None:
            try:
                check_office_on(session, office, acting_day(args))
            except OfficeClosed as exc:
                raise Refused(message_of(exc, languages_of(args.lang)[0])) from exc
    if identity is None:
        raise Refused(render(N_("unknown office {code!r}"), languages_of(args.lang)[0], code=args.office))
    grant = registry.access.grant_for(identity)
    language = languages_of(args.lang)[0]
    try:
        check_purpose(grant, purpose, case_ref=getattr(args, "case_ref", None))
    except CaseRefMissing as exc:
        message = N_("the purpose {purpose} needs a case reference: give it with --case-ref")
        raise Refused(render(message, language, purpose=exc.purpose)) from exc
    except PurposeRefused as exc:
        raise Refused(message_of(exc, language)) from exc
    return registry, grant, purpose, officer


def cli_request(args: argparse.Namespace) -> str:
    """What the ledger keeps of the command: a hash of its arguments, like a GraphQL request's."""
    from ledger.entries import request_hash

    return request_hash(" ".join(sys.argv[1:3]), {k: str(v) for k, v in sorted(vars(args).items())}, None)
