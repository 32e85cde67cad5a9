"""`borderlabour statistics check|rebuild`: the counts of workers per commune and status, against the rows.

The statistics read `worker_counts`, which triggers keep in step with every write. `check` proves
they are (exit 1 and one line per difference if not); `rebuild` recounts them from the rows, for
an operator who changed the rows with the triggers off (a restore of one table, say).
"""

from __future__ import annotations

import argparse
import sys

from cli.database import open_database, writing
from cli.language import say
from locales import N_


def check_counts(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import AdminUnit
    from models.worker_counts import drift

    sessions = open_database(args.settings)
    with sessions() as session:
        found = drift(session)
        in_drift = {commune for commune, _ in found}
        units = select(AdminUnit.id, AdminUnit.code).where(AdminUnit.id.in_(in_drift))
        codes: dict[int, str] = {unit_id: code for unit_id, code in session.execute(units)}
    if not found:
        say(N_("worker counts OK: they equal the rows"))
        return 0
    for (commune, status), (kept, counted) in sorted(found.items()):
        say(
            N_("DRIFT {commune} {status}: kept {kept}, rows {rows}"),
            commune=codes.get(commune, commune),
            status=status,
            kept=kept,
            rows=counted,
            file=sys.stderr,
        )
    say(
        N_("{n} count(s) differ from the rows: run `borderlabour statistics rebuild`"),
        n=len(found),
        file=sys.stderr,
    )
    return 1


def rebuild_counts(args: argparse.Namespace) -> int:
    from models.worker_counts import recount

    sessions = open_database(args.settings)
    with writing(sessions) as session:  # the server's writers wait while the counts are rebuilt
        keys = recount(session)
    say(N_("worker counts rebuilt from the rows: {n} (commune, status) pairs"), n=keys)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    statistics = commands.add_parser("statistics", help="the counts the statistics read").add_subparsers(
        dest="statistics_cmd", required=True
    )
    statistics.add_parser(
        "check", parents=[common], help="compare the kept counts with the rows (exit 1 on a difference)"
    ).set_defaults(func=check_counts)
    statistics.add_parser(
        "rebuild", parents=[common], help="recount the kept counts from the rows"
    ).set_defaults(func=rebuild_counts)
