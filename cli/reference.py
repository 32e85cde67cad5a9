"""`borderlabour reference load`: the offices, administrative units, border gates and agreements
that a production registry needs before its first token, without the demo's workers, employers
and talks minutes.

A freshly migrated database holds no office, so `token issue` has nothing to issue for. This
writes the reference data (`demo.reference`) in one transaction, says what it added and updated,
and a second run changes nothing, so it can run again after every upgrade that brings new
reference data (a merger, a new gate).
"""

from __future__ import annotations

import argparse

from cli.database import open_database, writing
from cli.language import say
from locales import N_

# One sentence a kind, so that each language words its own (demo.reference_loader.KINDS).
ADDED_UPDATED = {
    "units": N_("administrative units: {added} added, {updated} updated"),
    "offices": N_("offices: {added} added, {updated} updated"),
    "gates": N_("border gates: {added} added, {updated} updated"),
    "agreements": N_("agreements: {added} added, {updated} updated"),
}


def load(args: argparse.Namespace) -> int:
    from demo.reference_loader import KINDS, REQUIREMENTS, load_reference

    sessions = open_database(args.settings)
    with writing(sessions) as session:
        tally = load_reference(session)
    if not tally.changed:
        say(N_("the reference data was already loaded: nothing changed"))
        return 0
    for kind in KINDS:
        added, updated = sorted(tally.added[kind]), sorted(tally.updated[kind])
        if kind == REQUIREMENTS:  # a first requirement set is only ever added; later ones are the API's
            say(N_("requirement sets: {added} added"), added=len(added))
            continue
        say(ADDED_UPDATED[kind], added=len(added), updated=len(updated))
        if updated:
            say(N_("  updated: {codes}"), codes=", ".join(updated))
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    reference = commands.add_parser(
        "reference", help="the reference data: offices, administrative units, border gates, agreements"
    ).add_subparsers(dest="reference_cmd", required=True)
    reference.add_parser(
        "load",
        parents=[common],
        help="write the offices, units, gates and agreements (no demo data) into the database; "
        "a second run changes nothing",
    ).set_defaults(func=load)
