"""`borderlabour procedure check`: every violation of the procedure's rules in a database.

For data the API did not write (the demo, a generated benchmark dataset, an import from another
system): it judges each record by the rules the API applies to each step (see
`procedure.violations`), prints a count per rule and the first violations, and exits 1 if any.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from cli.database import open_database
from cli.errors import FAILURE
from cli.language import say, words
from locales import N_


def check(args: argparse.Namespace) -> int:
    from procedure.calendar import today
    from procedure.violations import violations

    sessions = open_database(args.settings)
    started = time.monotonic()
    with sessions() as session:
        found = violations(session, today())
    elapsed = time.monotonic() - started
    for v in found[: args.show]:
        print(f"{v.record}\t{v.rule}\t{v.detail}")
    per_rule = Counter(v.rule for v in found)
    summary = ", ".join(f"{rule}: {n:,}" for rule, n in sorted(per_rule.items())) or words(N_("none"))
    say(
        N_("{n} violations ({summary}) in {seconds} s"),
        n=f"{len(found):,}",
        summary=summary,
        seconds=f"{elapsed:.1f}",
        file=sys.stderr,
    )
    return FAILURE if found else 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    procedure = commands.add_parser("procedure", help="the agreed procedure").add_subparsers(
        dest="procedure_cmd", required=True
    )
    c = procedure.add_parser(
        "check", parents=[common], help="report every violation of the procedure's rules in the database"
    )
    c.add_argument("--show", type=int, default=50, help="how many violations to print (default 50)")
    c.set_defaults(func=check)
