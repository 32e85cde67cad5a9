"""Acting as one office from the command line: its grant, its purpose, its ledger entries.

The CLI's reports and imports go through the same decision point as HTTP: the office's grant from
`policies`, a purpose the office may state, the office's scoped session and the ledger.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from cli.database import open_database
from ledger.entries import request_hash
from locales import message_of, negotiate
from models import Office
from policies.grants import Grant
from policies.purposes import PurposeRefused, check_purpose
from policies.sessions import internal_session
from policies.tokens import identity_of
from service.registry import Registry


class Refused(SystemExit):
    """A clear message for the person at the terminal, in their language; exit status 1."""


def languages_of(value: str | None) -> tuple[str, ...]:
    """`--lang vi,zh` -> ("vi", "zh"); unknown codes fall back to English."""
    return tuple(dict.fromkeys(negotiate(part) for part in (value or "en").split(",")[:3]))


def act_as(args: argparse.Namespace, purpose: str) -> tuple[Registry, Grant, str]:
    """The registry, the office's grant and the purpose, or `Refused` with a translated message."""
    open_database(args.settings)
    registry = Registry(args.settings.model_copy(update={"graphiql": False}))
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(Office).where(Office.code == args.office)).first()
        identity = identity_of(office) if office is not None else None
    if identity is None:
        raise Refused(f"unknown office {args.office!r}")
    grant = registry.access.grant_for(identity)
    try:
        check_purpose(grant, purpose)
    except PurposeRefused as exc:
        raise Refused(message_of(exc, languages_of(args.lang)[0])) from exc
    return registry, grant, purpose


def cli_request(args: argparse.Namespace) -> str:
    """What the ledger keeps of the command: a hash of its arguments, like a GraphQL request's."""
    return request_hash(" ".join(sys.argv[1:3]), {k: str(v) for k, v in sorted(vars(args).items())}, None)
