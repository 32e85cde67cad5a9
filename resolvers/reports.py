"""Finding the agreement a report is asked for, within the caller's row scope."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.entries import COUNTED_IN
from ledger.recorder import DisclosureRecorder
from models import Agreement, Office, OfficeSigningKey, ReportSignature, Side, TalksMinutes
from models.opaque import InvalidIdError, decode_id
from policies.cells import SmallCells
from policies.sessions import GRANT_KEY, aggregate_scope
from procedure.calendar import today
from reports.actions import last_years_items
from reports.figures import AgreementFigures, agreement_figures
from reports.signing import SignatureMark, figures_digest, verifies
from reports.withholding import for_reader
from resolvers.errors import InputError, NotFoundError

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
    the workers they were counted from, marked `ledger.entries.COUNTED_IN`. The figures come
    as the office may see them (`reports.withholding`): every format lays out the same cells."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            "year", "must be between {first} and {last}", "OUT_OF_RANGE", first=FIRST_YEAR, last=LAST_YEAR
        )
    agreement = find_agreement(session, reference)
    with aggregate_scope(session):  # the same figures for both parties, whatever windows are open
        figures = with_evaluation(session, agreement_figures(session, agreement, year))
    for worker in figures.workers:
        recorder.disclosed(worker, (COUNTED_IN,))
    # The small-cell rule for the office asking, once, before any format lays the figures out.
    return agreement, for_reader(figures, SmallCells(session.info.get(GRANT_KEY)))


def signatures_of(session: Session, figures: AgreementFigures) -> tuple[SignatureMark, ...]:
    """Each focal office's latest signature of the figures, and whether it holds for them now."""
    digest = figures_digest(figures)
    rows = session.execute(
        select(ReportSignature, OfficeSigningKey.public_key, Office)
        .join(OfficeSigningKey, OfficeSigningKey.id == ReportSignature.key_id)
        .join(Office, Office.id == ReportSignature.office_id)
        .where(ReportSignature.agreement_id == figures.agreement_id, ReportSignature.year == figures.year)
        .order_by(ReportSignature.signed_at, ReportSignature.id)
    )
    latest = {office.id: (row, key, office) for row, key, office in rows}
    return tuple(
        SignatureMark(
            office=office.code,
            office_name=office.name,
            side=office.side.value,
            public_key=key,
            signature=row.signature,
            digest=row.digest,
            signed_at=row.signed_at.astimezone(dt.UTC).isoformat(),
            valid=row.digest == digest and verifies(key, row.signature, digest),
        )
        for row, key, office in sorted(latest.values(), key=lambda t: (t[2].side != Side.VN, t[2].code))
    )


def with_evaluation(session: Session, figures: AgreementFigures) -> AgreementFigures:
    """The figures with what the meeting needs beside them: the signatures (and last year's
    action items)."""
    return dataclasses.replace(
        figures,
        signatures=signatures_of(session, figures),
        action_items=last_years_items(session, figures.agreement_id, figures.year, today()),
        digest=figures_digest(figures),
    )


def minutes_rows(session: Session, figures: AgreementFigures) -> list[TalksMinutes]:
    ids = [m.id for m in figures.minutes]
    if not ids:
        return []
    return list(
        session.scalars(select(TalksMinutes).where(TalksMinutes.id.in_(ids)).order_by(TalksMinutes.held_on))
    )
