"""`borderlabour keys enroll`, `report sign` and `report verify`: the focal offices' signatures of
an agreement's yearly figures (`reports.signing` defines what is signed).

`keys enroll` (the registry's administrator) registers an office's Ed25519 public key. `report sign`
is for an office without its own tooling: it reads the report's JSON document and the office's
private key (a PEM file that never leaves the office) and prints the signature to pass to the
`signReport` mutation. `report verify` checks a JSON document's signatures offline, with nothing
but the file (and, with `--key OFFICE=FILE`, the keys the reader holds for the offices).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.database import open_database, writing
from cli.errors import FAILURE, CommandFailed, UsageError
from cli.language import say, words
from locales import N_


def enroll(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import Office, OfficeSigningKey
    from reports.signing import public_key_text, read_public_key

    try:
        key = read_public_key(Path(args.public_key).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CommandFailed("{path}: {reason}", path=args.public_key, reason=exc) from None
    sessions = open_database(args.settings)
    with writing(sessions) as session:
        office = session.scalar(select(Office).where(Office.code == args.office))
        if office is None:
            raise UsageError("no office with code {office!r}", office=args.office)
        row = OfficeSigningKey(office_id=office.id, public_key=public_key_text(key))
        session.add(row)
        session.flush()
        say(
            N_("signing key {id} enrolled for {office}: {key}"),
            id=row.id,
            office=office.code,
            key=row.public_key,
        )
    return 0


def _document(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CommandFailed("{path} is not a report's JSON: {reason}", path=path, reason=exc) from None
    if not isinstance(document, dict) or "totals" not in document:
        raise CommandFailed("{path} is not a report's JSON", path=path)
    return document


def sign(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from reports.signing import document_digest, sign_digest

    document = _document(args.report)
    key = load_pem_private_key(Path(args.private_key).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CommandFailed("{path} is not an Ed25519 private key", path=args.private_key)
    digest = document_digest(document)
    say(N_("digest {digest}"), digest=digest, file=sys.stderr)
    print(sign_digest(key, digest))
    return 0


def verify(args: argparse.Namespace) -> int:
    from reports.signing import document_digest, public_key_text, read_public_key, verifies

    document = _document(args.report)
    pinned: dict[str, str] = {}
    for pin in args.key or []:
        office, _, path = pin.partition("=")
        try:
            pinned[office] = public_key_text(read_public_key(Path(path).read_text(encoding="utf-8")))
        except ValueError as exc:
            raise CommandFailed("{path}: {reason}", path=path, reason=exc) from None
    digest = document_digest(document)
    say(
        N_("{code} {year}: digest of the figures {digest}"),
        code=document.get("code"),
        year=document.get("year"),
        digest=digest,
    )
    signatures = document.get("signatures") or []
    failed = not signatures
    for mark in signatures:
        office, key = mark.get("office", "?"), mark.get("public_key", "")
        if office in pinned and pinned[office] != key:
            verdict = N_("FAILS: signed with a key other than the one given for the office")
        elif mark.get("digest") != digest:
            verdict = N_("FAILS: the figures changed since the signing")
        elif not verifies(key, mark.get("signature", ""), digest):
            verdict = N_("FAILS: the signature does not verify")
        else:
            verdict = N_("valid")
        failed = failed or verdict != "valid"
        say(
            N_("  {office}, signed {when}: {verdict}"),
            office=office,
            when=mark.get("signed_at"),
            verdict=words(verdict),
        )
    if not signatures:
        say(N_("  no signature"))
    return FAILURE if failed else 0


def register_keys(keys: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    e = keys.add_parser("enroll", parents=[common], help="register an office's Ed25519 public key (admin)")
    e.add_argument("--office", required=True, help="the office's code")
    e.add_argument("--public-key", required=True, help="a PEM file, or the raw key in base64")
    e.set_defaults(func=enroll)


def register_report(report: argparse._SubParsersAction) -> None:
    s = report.add_parser("sign", help="sign a report's JSON with a local Ed25519 private key")
    s.add_argument("report", help="the report as JSON (`report agreement --format json`)")
    s.add_argument("--private-key", required=True, help="the office's private key, PEM (PKCS#8)")
    s.set_defaults(func=sign)
    v = report.add_parser("verify", help="check a report's signatures offline; exit 1 if one fails")
    v.add_argument("report", help="the report as JSON, with its signatures")
    v.add_argument("--key", action="append", help="OFFICE=FILE: the public key you hold for an office")
    v.set_defaults(func=verify)
