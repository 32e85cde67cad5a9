"""`borderlabour token issue|list|revoke`: the credentials offices call with."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import TYPE_CHECKING

from cli.acting import named_officer
from cli.database import open_database, writing
from cli.errors import CommandFailed, UsageError
from cli.language import cell, say, words
from locales import N_

if TYPE_CHECKING:
    from ledger.entries import Officer


def parse_duration(text: str) -> dt.timedelta:
    match = re.fullmatch(r"(\d+)([dhm])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(words(N_("use a number and d, h or m, e.g. 90d")))
    amount, unit = int(match[1]), match[2]
    if amount == 0:
        # A zero lifetime once meant "never expires": a token that outlives everyone's intent.
        raise argparse.ArgumentTypeError(
            words(N_("a token must live for some time: use e.g. 90d, 12h or 30m"))
        )
    return {
        "d": dt.timedelta(days=amount),
        "h": dt.timedelta(hours=amount),
        "m": dt.timedelta(minutes=amount),
    }[unit]


def _officer(args: argparse.Namespace) -> Officer | None:
    """The officer named by --officer-id and --officer-name (both or neither: a service token)."""
    if args.officer_id is None and args.officer_name is None:
        return None
    if args.officer_id is None or args.officer_name is None:
        raise UsageError("an officer's token needs both --officer-id and --officer-name")
    return named_officer(args.officer_id, args.officer_name)


def issue(args: argparse.Namespace) -> int:
    from policies.tokens import issue_token
    from policies.validity import OfficeClosed

    officer = _officer(args)
    sessions = open_database(args.settings)
    with writing(sessions) as session:
        try:
            token, plain = issue_token(session, args.office, args.expires, args.label, officer=officer)
        except LookupError:
            raise UsageError("no office with code {office!r}", office=args.office) from None
        except OfficeClosed as exc:
            # An office out of force gets no credential: its successor acts for it.
            raise CommandFailed(str(exc)) from None
        holder = (
            words(N_("service token"))
            if officer is None
            else words(N_("officer {id} ({name})"), id=officer.id, name=officer.name)
        )
        issued = words(
            N_("token id {id} for {office}, {holder}"), id=token.id, office=args.office, holder=holder
        )
        if token.expires_at:
            issued += words(N_(", expires {when} UTC"), when=f"{token.expires_at:%Y-%m-%d %H:%M}")
        print(issued)
    # The only time the token is ever shown: only its hash is stored.
    print(plain)
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import Office, Token
    from models.base import utcnow

    sessions = open_database(args.settings)
    now = utcnow()
    with sessions() as session:
        rows = session.execute(select(Token, Office.code).join(Office).order_by(Token.id)).all()
        heads = (N_("id"), N_("office"), N_("state"), N_("expires"), N_("officer"), N_("label"))
        print(_token_line(*(words(head) for head in heads)))
        for token, code in rows:
            expires = (
                token.expires_at.replace(tzinfo=dt.UTC)
                if token.expires_at and not token.expires_at.tzinfo
                else token.expires_at
            )
            if token.revoked_at:
                state = words(N_("revoked"))
            else:
                state = words(N_("expired")) if expires and expires <= now else words(N_("in force"))
            when = f"{expires:%Y-%m-%d %H:%M}" if expires else words(N_("never"))
            holder = token.officer_id or words(N_("(service)"))
            print(_token_line(str(token.id), code, state, when, holder, token.label or ""))
    return 0


def _token_line(ident: str, office: str, state: str, expires: str, officer: str, label: str) -> str:
    """One line of `token list`, its columns in line whatever the language (`cell`)."""
    return " ".join(
        [
            cell(ident, 5, right=True),
            "",
            cell(office, 20),
            cell(state, 8),
            cell(expires, 17),
            cell(officer, 20),
            label,
        ]
    )


def revoke(args: argparse.Namespace) -> int:
    from policies.tokens import revoke_token

    sessions = open_database(args.settings)
    with writing(sessions) as session:
        if not revoke_token(session, args.id):
            raise UsageError("no token with id {id}", id=args.id)
    say(N_("token {id} revoked"), id=args.id)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    token = commands.add_parser("token", help="issue, list and revoke bearer tokens")
    sub = token.add_subparsers(dest="token_cmd", required=True)
    i = sub.add_parser("issue", parents=[common], help="issue a token for an office (printed once)")
    i.add_argument("--office", required=True, help="the office's code")
    i.add_argument("--expires", type=parse_duration, default=parse_duration("90d"), help="e.g. 90d, 12h")
    i.add_argument("--label", help="a note that says what the token is for")
    i.add_argument("--officer-id", help="the officer the token is issued to (with --officer-name)")
    i.add_argument("--officer-name", help="the officer's name; neither: a service token")
    i.set_defaults(func=issue)
    sub.add_parser("list", parents=[common], help="list tokens (never their values)").set_defaults(
        func=list_tokens
    )
    r = sub.add_parser("revoke", parents=[common], help="revoke a token by id")
    r.add_argument("id", type=int, help="the token's id (`token list`)")
    r.set_defaults(func=revoke)
