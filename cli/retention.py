"""`borderlabour retention plan|apply`: de-identify the workers whose data the retention rules let go.

`plan` counts, per kind of record and per home province, what `apply` would erase on a day, and
writes nothing. `apply` erases it in batches (one transaction and one ledger entry each), with a
progress bar on a terminal; run it again after an interruption and it finishes the job.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cli.database import open_database
from cli.errors import CommandFailed
from cli.language import cell, say, words
from locales import N_
from retention.rules import KINDS, MAX_DAYS, RetentionRules, RulesRefused, load_rules
from settings import SetupError

if TYPE_CHECKING:
    from ledger.entries import Appended

MAX_BATCH = 10_000


def _rules(args: argparse.Namespace) -> RetentionRules:
    path = args.rules if args.rules is not None else args.settings.policy_dir / "retention.toml"
    try:
        return load_rules(path)
    except RulesRefused as exc:
        raise SetupError("{reason}", reason=str(exc)) from None


def _as_of(text: str | None) -> dt.date:
    from procedure.calendar import today

    if text is None:
        return today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise SetupError("--as-of: {text!r} is not a day (e.g. 2026-12-01)", text=text) from None
    if abs((day - today()).days) > MAX_DAYS:
        raise SetupError("--as-of: {day} is more than a hundred years from today", day=day)
    return day


def plan_command(args: argparse.Namespace) -> int:
    from retention.erasure import plan

    rules = _rules(args)
    day = _as_of(args.as_of)
    sessions = open_database(args.settings)
    with sessions() as session:
        found = plan(session, rules, day)
    if args.json:
        print(json.dumps(found.as_json(), indent=2))
        return 0
    provinces = sorted({p for counts in found.counts.values() for p in counts})
    kind, total = words(N_("kind")), words(N_("total"))
    width = max([len(kind) * 2, *(len(k) for k in KINDS)])
    say(N_("de-identification due on {day}: {n} worker(s) (nothing written)"), day=day, n=found.workers)
    print(" ".join([cell(kind, width), *(f"{p:>10}" for p in provinces), cell(total, 10, right=True)]))
    for kind in KINDS:
        counts = found.counts[kind]
        cells = [f"{counts.get(p, 0):>10}" for p in provinces]
        print(" ".join([f"{kind:<{width}}", *cells, f"{sum(counts.values()):>10}"]))
    return 0


class ProgressBar:
    """One line on stderr, redrawn at most ten times a second; nothing when stderr is not a terminal."""

    def __init__(self, width: int = 30) -> None:
        self.width, self.drawn, self.shown = width, 0.0, sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        label = words(N_("workers"))
        print(f"\r[{bar}] {done}/{total} {label}", end="" if done < total else "\n", file=sys.stderr)


def apply_command(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from ledger.checkpoints import sign_checkpoint
    from ledger.entries import Asked, request_hash
    from ledger.keys import LedgerFiles, advance_head, load_signing_key
    from models import Office, Side
    from procedure.calendar import today
    from retention.erasure import PURPOSE, Ledger, apply

    if not 1 <= args.batch <= MAX_BATCH:
        raise SetupError("--batch: {n} is not a batch size (1 to {most})", n=args.batch, most=MAX_BATCH)
    rules = _rules(args)
    sessions = open_database(args.settings)
    files = LedgerFiles.beside_keys(args.settings.key_path)
    key = load_signing_key(files.signing_key)
    with sessions() as session:
        office = session.scalars(
            select(Office).where(Office.side == Side.REGISTRY).order_by(Office.id)
        ).first()
        office_id = office.id if office is not None else None
    if office_id is None:
        raise CommandFailed(
            "no registry office to name in the ledger: the registry has no office of side REGISTRY"
        )
    request = request_hash("retention apply", {"batch": args.batch, "rules": str(args.rules or "")}, None)

    def committed(appended: Appended) -> None:
        advance_head(files.head, sign_checkpoint(key, appended.seq, appended.entry_hash, appended.at))

    day = today()
    done = apply(
        sessions,
        rules,
        day,
        Ledger(key, Asked(office_id, None, PURPOSE, request), committed),
        batch=args.batch,
        progress=ProgressBar(),
        stall_in_batch=args.stall_in_batch,
    )
    erased = ", ".join(f"{kind} {done.records[kind]}" for kind in KINDS)
    say(
        N_(
            "de-identified {n} worker(s) on {day} in {batches} batch(es), {entries}; records erased: {erased}"
        ),
        n=done.deidentified,
        day=day,
        batches=done.batches,
        entries=words(N_("1 ledger entry"))
        if len(done.entries) == 1
        else words(N_("{n} ledger entries"), n=len(done.entries)),
        erased=erased,
    )
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    retention = commands.add_parser(
        "retention", help="de-identify the workers whose data the retention rules let go"
    ).add_subparsers(dest="retention_cmd", required=True)
    rules = argparse.ArgumentParser(add_help=False)
    rules.add_argument(
        "--rules",
        type=Path,
        default=None,
        help="the rules file (default: retention.toml in the policy folder)",
    )
    p = retention.add_parser(
        "plan", parents=[common, rules], help="count what apply would erase; write nothing"
    )
    p.add_argument("--as-of", default=None, help="the day to plan for (default: today)")
    p.add_argument("--json", action="store_true", help="the counts as JSON")
    p.set_defaults(func=plan_command)
    a = retention.add_parser("apply", parents=[common, rules], help="erase it, in batches, ledgered")
    a.add_argument("--batch", type=int, default=500, help="workers per transaction (default 500)")
    # For the tests of an interrupted run: stop in batch N before its commit, until killed.
    a.add_argument("--stall-in-batch", type=int, default=None, help=argparse.SUPPRESS)
    a.set_defaults(func=apply_command)
