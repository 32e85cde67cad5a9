"""`borderlabour audit`: read the disclosure ledger, and prove it was not edited, cut short or re-signed.

`verify` checks every signature against a pinned public key (`--public-key`), the key the
counterpart offices hold, never only against one derived from the private key file on this host:
whoever can replace that file could re-sign the whole chain. `checkpoint` writes a signed
statement of the ledger's end for another office to keep; `verify --checkpoint` proves the
ledger still holds what each such statement names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.database import open_database
from cli.files import write_private
from cli.language import say, words
from locales import N_

if TYPE_CHECKING:
    from ledger.keys import LedgerFiles
    from models import LedgerEntry


def _files(args: argparse.Namespace) -> LedgerFiles:
    from ledger.keys import LedgerFiles

    return LedgerFiles.beside_keys(args.settings.key_path)


def verify_ledger(args: argparse.Namespace) -> int:
    from ledger.checkpoints import load_public_key, read_checkpoint
    from ledger.keys import load_signing_key, read_head
    from ledger.verify import verify

    sessions = open_database(args.settings)
    files = _files(args)
    if args.public_key is not None:
        public = load_public_key(args.public_key)
    else:
        public = load_signing_key(files.signing_key).public_key()
        say(
            N_(
                "warning: no --public-key: signatures are checked against the key derived from "
                "{path}, which whoever can replace that file controls"
            ),
            path=files.signing_key,
            file=sys.stderr,
        )
    checkpoints = [(str(path), read_checkpoint(path)) for path in args.checkpoint]
    head = read_head(files.head)
    with sessions() as session:
        verdict = verify(session, public, head, checkpoints)
    if verdict.ok:
        where = (
            words(N_(", signed head at entry {seq}"), seq=head.seq)
            if head
            else words(N_(", no entries and no signed head yet"))
        )
        held = words(N_(", {n} checkpoint(s) held"), n=len(checkpoints)) if checkpoints else ""
        say(N_("ledger OK: {n} entries verified{where}{held}"), n=verdict.entries, where=where, held=held)
        return 0
    say(N_("LEDGER BROKEN at {finding}"), finding=verdict.finding, file=sys.stderr)
    return 1


def print_public_key(args: argparse.Namespace) -> int:
    from ledger.checkpoints import public_key_pem
    from ledger.keys import load_signing_key

    open_database(args.settings)
    print(public_key_pem(load_signing_key(_files(args).signing_key).public_key()), end="")
    return 0


def write_checkpoint(args: argparse.Namespace) -> int:
    from ledger.checkpoints import current_checkpoint
    from ledger.keys import load_signing_key

    sessions = open_database(args.settings)
    key = load_signing_key(_files(args).signing_key)
    with sessions() as session:
        checkpoint = current_checkpoint(session, key)
    text = json.dumps(checkpoint.as_json(), indent=2) + "\n"
    if args.output is None:
        print(text, end="")
    else:
        write_private(args.output, text)
        say(
            N_("checkpoint of entry {seq} written to {path}"),
            seq=checkpoint.seq,
            path=args.output,
            file=sys.stderr,
        )
    return 0


def _since(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise SystemExit(
            words(N_("--since {text!r} is not an ISO time (e.g. 2026-11-23T08:00:00Z)"), text=text)
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def log_entries(args: argparse.Namespace) -> int:
    """Entries newest first: who learned what about which workers, when and why. Never a sealed value."""
    from sqlalchemy import select

    from models import LedgerEntry, LedgerFieldList, LedgerWorker, Office
    from models.opaque import InvalidIdError, decode_id

    sessions = open_database(args.settings)
    if args.limit < 1:
        raise SystemExit(words(N_("--limit must be at least 1")))
    stmt = select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(args.limit)
    with sessions() as session:
        offices = {o.id: o.code for o in session.scalars(select(Office))}
        if args.office is not None:
            wanted = [i for i, code in offices.items() if code == args.office]
            if not wanted:
                raise SystemExit(words(N_("no office with code {office!r}"), office=args.office))
            stmt = stmt.where(LedgerEntry.office_id == wanted[0])
        if args.worker is not None:
            try:
                worker = decode_id(args.worker, "Worker")[1]
            except InvalidIdError as exc:
                raise SystemExit(
                    words(N_("--worker {worker!r} is not a worker's global ID"), worker=args.worker)
                ) from exc
            stmt = stmt.where(
                LedgerEntry.id.in_(select(LedgerWorker.entry_id).where(LedgerWorker.worker_id == worker))
            )
        if args.officer is not None:
            stmt = stmt.where(LedgerEntry.officer_id == args.officer)
        if args.since is not None:
            stmt = stmt.where(LedgerEntry.at >= _since(args.since))
        lists = dict(session.execute(select(LedgerFieldList.digest, LedgerFieldList.fields)).all())
        for entry in session.scalars(stmt):
            line = _log_line(entry, offices, lists)
            print(json.dumps(line, ensure_ascii=False) if args.json else _human(line))
    return 0


def _log_line(entry: LedgerEntry, offices: dict[int, str], lists: dict[str, str]) -> dict[str, Any]:
    from ledger.entries import SEARCHED_BY
    from models.opaque import encode_id

    payload = json.loads(entry.payload)
    workers: set[int] = set()
    fields: set[str] = set()
    if payload.get("v") == 2:
        for digest, ws in payload.get("disclosed", []):
            workers.update(ws)
            fields.update(filter(None, lists.get(digest, "").split(",")))
    else:
        for w, fs in payload.get("disclosed", {}).items():
            workers.add(int(w))
            fields.update(fs)
    searches = payload.get("criteria", [])
    # A search that matched a few workers marks each of them (`ledger.entries.SEARCHED_BY`).
    searched_by = sorted(f.removeprefix(SEARCHED_BY) for f in fields if f.startswith(SEARCHED_BY))
    fields = {f for f in fields if not f.startswith(SEARCHED_BY)}
    return {
        "seq": entry.id,
        "at": entry.at.isoformat(),
        "office": offices.get(entry.office_id),
        "purpose": entry.purpose,
        # None: a service token, or the registry's own work (retention).
        "officer": None if entry.officer_id is None else {"id": entry.officer_id, "name": entry.officer_name},
        "caseRef": entry.case_ref,
        "workers": [encode_id("Worker", w) for w in sorted(workers)],
        "fields": sorted(fields),
        "criteria": sorted({name for s in searches for name in s["names"]}),
        "matched": sum(s["matched"] for s in searches) if searches else None,
        "searchedBy": searched_by,
        "searches": [{"list": s["at"], "criteria": s["names"], "matched": s["matched"]} for s in searches],
        "lookups": [
            {"criterion": x["criterion"], "outcome": x["outcome"]} for x in payload.get("lookups", [])
        ],
        "written": payload.get("written", []),
    }


def _human(line: dict[str, Any]) -> str:
    parts = [f"#{line['seq']}", line["at"], line["office"] or "?", line["purpose"] or "-"]
    parts.append(f"officer {line['officer']['id']}" if line["officer"] else "service")
    if line["caseRef"]:
        parts.append(f"case {line['caseRef']}")
    parts.append(f"{len(line['workers'])} worker(s)")
    if line["fields"]:
        parts.append("fields " + ",".join(line["fields"]))
    if line["searchedBy"]:
        parts.append(f"searched by {','.join(line['searchedBy'])}, matched")
    if line["criteria"]:
        parts.append(f"criteria {','.join(line['criteria'])} matched {line['matched']}")
    for lookup in line["lookups"]:
        parts.append(f"lookup {lookup['criterion']} {lookup['outcome']}")
    if line["written"]:
        parts.append(f"{len(line['written'])} write(s)")
    return "  ".join(parts)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="the disclosure ledger").add_subparsers(
        dest="audit_cmd", required=True
    )
    v = audit.add_parser(
        "verify", parents=[common], help="check the whole hash chain, its signatures and heads"
    )
    v.add_argument(
        "--public-key", type=Path, help="the pinned public key (PEM) every signature must verify under"
    )
    v.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        default=[],
        help="a checkpoint held elsewhere; the ledger must still hold its entry (repeatable)",
    )
    v.set_defaults(func=verify_ledger)
    audit.add_parser(
        "public-key", parents=[common], help="print the ledger's public key (PEM), for others to pin"
    ).set_defaults(func=print_public_key)
    c = audit.add_parser("checkpoint", parents=[common], help="write a signed checkpoint of the ledger's end")
    c.add_argument("--output", type=Path, help="file to write (default: standard output)")
    c.set_defaults(func=write_checkpoint)
    log = audit.add_parser("log", parents=[common], help="print entries, newest first")
    log.add_argument("--office", help="only entries of this office code")
    log.add_argument("--worker", help="only entries that disclosed this worker (global ID)")
    log.add_argument("--officer", help="only entries of the officer with this identifier")
    log.add_argument("--since", help="only entries at or after this ISO time")
    log.add_argument("--limit", type=int, default=100, help="at most this many entries (default 100)")
    log.add_argument("--json", action="store_true", help="one JSON object a line")
    log.set_defaults(func=log_entries)
