"""`borderlabour audit verify`: prove the disclosure ledger was not edited, cut short or reordered."""

from __future__ import annotations

import argparse
import sys

from cli.database import open_database
from ledger.keys import LedgerFiles, load_signing_key, read_head
from ledger.verify import verify


def verify_ledger(args: argparse.Namespace) -> int:
    sessions = open_database(args.settings)
    files = LedgerFiles.beside_keys(args.settings.key_path)
    public = load_signing_key(files.signing_key).public_key()
    head = read_head(files.head)
    with sessions() as session:
        verdict = verify(session, public, head)
    if verdict.ok:
        where = f", signed head at entry {head.seq}" if head else ", no signed head file yet"
        print(f"ledger OK: {verdict.entries} entries verified{where}")
        return 0
    print(f"LEDGER BROKEN at {verdict.finding}", file=sys.stderr)
    return 1


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="the disclosure ledger").add_subparsers(
        dest="audit_cmd", required=True
    )
    audit.add_parser(
        "verify", parents=[common], help="check the whole hash chain and its signatures"
    ).set_defaults(func=verify_ledger)
