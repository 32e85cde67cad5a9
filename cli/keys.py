"""`borderlabour keys rotate`: a new data key, every sealed value re-sealed, no downtime; `keys export`
and `keys import` (`cli.key_bundle`): the keys backed up apart from the database, encrypted."""

from __future__ import annotations

import argparse

from cli import key_bundle, signing
from cli.database import open_database
from cli.errors import CommandFailed
from cli.language import say
from locales import N_


def _progress(line: str) -> None:
    print(line, flush=True)  # an operator following a long rotation through a pipe sees it as it goes


def rotate_keys(args: argparse.Namespace) -> int:
    from models.rekeying import BATCH_SIZE, GRACE_SECONDS, RotationBusy, rotate

    sessions = open_database(args.settings)
    key_file = args.settings.key_path
    batch_size = BATCH_SIZE if args.batch_size is None else args.batch_size
    grace = GRACE_SECONDS if args.grace is None else args.grace
    try:
        done = rotate(sessions, key_file, batch_size=batch_size, grace=grace, progress=_progress)
    except RotationBusy as exc:
        raise CommandFailed("{reason}", reason=exc) from None
    rows = ", ".join(f"{table} {n}" for table, n in done.rows.items()) or "none"
    say(N_("rotated to data key {key} in {seconds} s"), key=done.new_key, seconds=f"{done.seconds:.1f}")
    say(N_("  re-sealed {n} values in rows of: {rows}"), n=done.values, rows=rows)
    if done.unreadable:
        say(
            N_("  {n} values could not be opened (unknown key or tampered) and were left as is"),
            n=done.unreadable,
        )
    if done.retired:
        say(N_("  retired key(s) {keys}: no stored value uses them any more"), keys=", ".join(done.retired))
    for kid, count in done.still_used.items():
        say(
            N_(
                "  kept key {key}: {n} values still use it (stored values: run `borderlabour keys rotate`"
                " again later; the ledger's sealed search criteria keep it for good)"
            ),
            key=kid,
            n=count,
        )
    say(N_("  back up {path} now: it holds the new key"), path=key_file)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    keys = commands.add_parser(
        "keys", help="manage the keys: sealed values' data keys, offices' signing keys"
    )
    sub = keys.add_subparsers(dest="keys_cmd", required=True)
    r = sub.add_parser(
        "rotate",
        parents=[common],
        help="add a new active data key, re-seal every value under it, retire unused keys",
    )
    # No defaults here: they are `models.rekeying`'s, which the command imports when it runs.
    r.add_argument("--batch-size", type=int, default=None, help="rows per transaction")
    r.add_argument(
        "--grace",
        type=float,
        default=None,
        help="seconds to wait for writes begun under the old key before the last pass",
    )
    r.set_defaults(func=rotate_keys)
    signing.register_keys(sub, common)
    key_bundle.register(sub, common)
