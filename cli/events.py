"""`borderlabour events scan-due`: raise the due alerts now, as the scheduler inside `serve` does.

For an operator who wants the alerts without waiting for the next scan, a cron job on a registry run
without `serve`, and the tests. Two scans at once (this one and `serve`'s, or two of these) tell
each alert once: the database's unique key decides (`events.due`).
"""

from __future__ import annotations

import argparse

from cli.database import open_database
from cli.language import say


def scan_due(args: argparse.Namespace) -> int:
    from events.due import raise_due
    from policies.sessions import internal_session
    from procedure import calendar as clock

    sessions = open_database(args.settings)
    day = clock.today()
    with internal_session(sessions) as session:
        raised = raise_due(session, day)
    for due in raised:
        say(
            "{kind} {record} {id} due {day}",
            kind=due.kind,
            record=due.record_type,
            id=due.record_id,
            day=due.due_on.isoformat(),
        )
    say("due alerts raised on {day}: {count}", day=day.isoformat(), count=len(raised))
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    events = commands.add_parser("events", help="the event outbox: due alerts").add_subparsers(
        dest="events_cmd", required=True
    )
    events.add_parser(
        "scan-due", parents=[common], help="raise the due alerts now (each once, as serve's scheduler does)"
    ).set_defaults(func=scan_due)
