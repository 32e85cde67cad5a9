"""`borderlabour windows check|rebuild`: each placement's kept window day, against its definition.

A partner office's row scopes read `placements.window_closes`, which triggers keep on every write
that moves a window (migration 0023). `check` proves every kept day equals the definition
(`policies.windows.closes`; exit 1 and one line per placement if not); `rebuild` sets the days that
differ, for an operator who changed rows with the triggers off (a restore of one table, say).
"""

from __future__ import annotations

import argparse
import sys

from cli.database import open_database, writing
from cli.language import say
from locales import N_


def check_windows(args: argparse.Namespace) -> int:
    from policies.windows import drifted

    sessions = open_database(args.settings)
    with sessions() as session:
        found = drifted(session)
    if not found:
        say(N_("window days OK: each placement's kept day equals its definition"))
        return 0
    for placement, kept, computed in found:
        say(
            N_("DRIFT placement {placement}: kept {kept}, defined {computed}"),
            placement=placement,
            kept=kept or "-",
            computed=computed or "-",
            file=sys.stderr,
        )
    say(
        N_("{n} window day(s) differ from their definition: run `borderlabour windows rebuild`"),
        n=len(found),
        file=sys.stderr,
    )
    return 1


def rebuild_windows(args: argparse.Namespace) -> int:
    from policies.windows import rebuild

    sessions = open_database(args.settings)
    with writing(sessions) as session:  # the server's writers wait while the days are set
        changed = rebuild(session)
    say(N_("window days rebuilt from their definition: {n} placement(s) changed"), n=changed)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    windows = commands.add_parser(
        "windows", help="the last day of each partner window, kept on the placements"
    ).add_subparsers(dest="windows_cmd", required=True)
    windows.add_parser(
        "check", parents=[common], help="compare each kept day with its definition (exit 1 on a difference)"
    ).set_defaults(func=check_windows)
    windows.add_parser(
        "rebuild", parents=[common], help="set each kept day that differs from its definition"
    ).set_defaults(func=rebuild_windows)
