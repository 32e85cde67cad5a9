"""Finding the agreement a report is asked for, within the caller's row scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.recorder import DisclosureRecorder
from models import Agreement, TalksMinutes
from policies.cells import SmallCells
from policies.sessions import GRANT_KEY, aggregate_scope
from reports.figures import AgreementFigures, agreement_figures
from reports.withholding import for_reader
from resolvers.errors import InputError, NotFoundError
from resolvers.opaque import InvalidIdError, decode_id

FIRST_YEAR, LAST_YEAR = 2000, 2100


def find_agreement(session: Session, reference: str, field: str = "agreementId") -> Agreement:
    """By global ID or by code; an agreement outside the caller's scope is reported as not existing."""
    try:
        type_name, row_id = decode_id(reference)
        condition = Agreement.id == row_id if type_name == "Agreement" else None
    except InvalidIdError:
        condition = Agreement.code == reference[:64]
    agreement = session.scalars(select(Agreement).where(condition)).first() if condition is not None else None
    if agreement is None:
        raise NotFoundError(field, "Agreement")
    return agreement


def yearly_figures(
    session: Session, recorder: DisclosureRecorder, reference: str, year: int
) -> tuple[Agreement, AgreementFigures]:
    """The agreement's figures for `year`. Aggregates send no worker's data, but the ledger names
    the workers they were counted from, as disclosed by `Query.agreementReport`. The figures come
    as the office may see them (`reports.withholding`): every format lays out the same cells."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            "year", "must be between {first} and {last}", "OUT_OF_RANGE", first=FIRST_YEAR, last=LAST_YEAR
        )
    agreement = find_agreement(session, reference)
    with aggregate_scope(session):  # the same figures for both parties, whatever windows are open
        figures = agreement_figures(session, agreement, year)
    for worker in figures.workers:
        recorder.disclosed(worker, ("Query.agreementReport",))
    # The small-cell rule for the office asking, once, before any format lays the figures out.
    return agreement, for_reader(figures, SmallCells(session.info.get(GRANT_KEY)))


def minutes_rows(session: Session, figures: AgreementFigures) -> list[TalksMinutes]:
    ids = [m.id for m in figures.minutes]
    if not ids:
        return []
    return list(
        session.scalars(select(TalksMinutes).where(TalksMinutes.id.in_(ids)).order_by(TalksMinutes.held_on))
    )
