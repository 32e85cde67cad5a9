"""`borderlabour policy explain-row`: whether an office sees a worker today, through which placement,
and until which day.

It asks the database the same questions the row scopes ask (`policies.scopes`), so its answer is the
registry's, not a second reading of the rule.
"""

from __future__ import annotations

import argparse

from cli.database import open_database
from cli.errors import UsageError
from cli.language import say, words
from locales import N_


def _worker_row_id(reference: str) -> int:
    from models.opaque import InvalidIdError, decode_id

    try:
        return decode_id(reference, "Worker")[1]
    except InvalidIdError as exc:
        if reference.isdigit():
            return int(reference)
        raise UsageError("{worker!r} is not a worker's ID", worker=reference) from exc


def explain_row(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import Agreement, Office, Worker
    from models.opaque import encode_id
    from policies.access import AccessControl
    from policies.scopes import partner_windows, row_criteria
    from policies.sessions import internal_session
    from policies.tokens import identity_of
    from policies.windows import TODAY
    from schema.builder import policy_catalogue, write_duties  # here: the schema's types load slowly

    sessions = open_database(args.settings)
    access = AccessControl(policy_catalogue(), write_duties(), args.settings.policy_dir)
    worker_id = _worker_row_id(args.worker)
    with internal_session(sessions) as session:
        office = session.scalars(select(Office).where(Office.code == args.office)).first()
        if office is None:
            raise UsageError("unknown office {code!r}", code=args.office)
        grant = access.grant_for(identity_of(office))
        exists = session.scalar(select(Worker.id).where(Worker.id == worker_id)) is not None
        in_scope = select(Worker.id).where(Worker.id == worker_id, row_criteria(grant)[Worker])
        seen = exists and session.scalar(in_scope) is not None
        windows = session.execute(partner_windows(grant, worker_id)).all()
        codes = dict(session.execute(select(Agreement.id, Agreement.code)).tuples().all())
        today = session.scalar(select(TODAY))
    shown = encode_id("Worker", worker_id)
    scopes = ", ".join(sorted(grant.row_scopes)) or words(N_("none"))
    if not exists:
        say(N_("no worker {worker}"), worker=shown)
        return 1
    sees = N_("{office} SEES worker {worker} on {day} (row scopes: {scopes})")
    hidden = N_("{office} DOES NOT SEE worker {worker} on {day} (row scopes: {scopes})")
    say(sees if seen else hidden, office=office.code, worker=shown, day=today, scopes=scopes)
    if seen and not windows:
        say(N_("  through a scope with no window (the worker's home unit, or a gate of the office's)"))
    open_until = []
    for row in windows:
        ends = (
            words(N_("open while the placement has not ended"))
            if row.closes is None
            else words(N_("until {day}"), day=row.closes)
        )
        say(
            N_(
                "  placement {placement} ({agreement}, {status}, {start} - {finish}): "
                "window from {opens} {ends}: {state}"
            ),
            placement=encode_id("Placement", row.id),
            agreement=codes.get(row.agreement_id, "?"),
            status=row.status.value,
            start=row.start_date,
            finish=row.end_date or "…",
            opens=row.opens,
            ends=ends,
            state=words(N_("OPEN")) if row.open else words(N_("closed")),
        )
        if row.open:
            open_until.append(row.closes)
    if seen and windows:
        if any(day is None for day in open_until):
            say(
                N_(
                    "  seen until: the placement ends "
                    "(and then partnerAccessDays after its end or the return)"
                )
            )
        elif open_until:
            say(N_("  seen until: {day}"), day=max(open_until))
    return 0 if seen else 1
