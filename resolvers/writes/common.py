"""What every write needs: finding a row the caller may see, and proving a new row is in scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.recorder import DisclosureRecorder
from models import AdminUnit, Correction
from policies.grants import Grant
from resolvers.errors import InputError, NotFoundError
from resolvers.listing import internal_id


@dataclass
class WriteContext:
    """What one write may use: the caller's scoped session and grant, the day it is made, the
    request's recorder (numbers looked up past the row scope), and the list of what was written (a
    write that also stores an override or a correction adds that row, so the ledger names it; the
    list is recorded only once the write is kept)."""

    session: Session
    grant: Grant
    today: dt.date
    recorder: DisclosureRecorder
    written: list[tuple[str, str, int]] = field(default_factory=list)

    def ledger(self, duty: str, row: Any) -> None:
        self.written.append((duty, type(row).__name__, row.id))

    def correct(self, row: Any, duty: str, fields: list[str], reason: str | None) -> None:
        """Keeps who changed which fields of `row`, when and why, and ledgers it."""
        self.session.flush()
        correction = Correction(
            record_type=type(row).__name__,
            record_id=row.id,
            duty=duty,
            fields=",".join(fields),
            reason=reason or "",
            office_id=self.grant.office.id,
        )
        self.session.add(correction)
        self.session.flush()
        self.ledger(duty, correction)


def find(session: Session, model: Any, field: str, global_id: str, type_name: str) -> Any:
    """The row behind a global ID, or NotFound: foreign and missing rows look the same."""
    row_id = internal_id(field, global_id, type_name)
    row = session.scalar(select(model).where(model.id == row_id))
    if row is None:
        raise NotFoundError(field, type_name)
    return row


def find_unit(session: Session, field: str, code: str | None) -> AdminUnit:
    unit = session.scalar(select(AdminUnit).where(AdminUnit.code == (code or "")[:64]))
    if unit is None:
        raise InputError(field, "no administrative unit with this code", "NOT_FOUND")
    return unit


def in_force(unit: AdminUnit, day: dt.date) -> bool:
    """Whether an administrative unit exists on a day (units close and open in reorganisations)."""
    return unit.valid_from <= day and (unit.valid_to is None or day <= unit.valid_to)


def require_in_scope(session: Session, row: Any, field: str) -> None:
    """After the insert: the caller must be able to see what it wrote (a district its own residents)."""
    session.flush()
    model = type(row)
    if session.scalar(select(model.id).where(model.id == row.id)) is None:
        raise InputError(field, "is outside your office's jurisdiction", "OUT_OF_JURISDICTION")


def set_status(session: Session, model: Any, field: str, global_id: str, type_name: str, status: Any) -> Any:
    """Moves a row the caller may see to another status (an enum member of the model's)."""
    row = find(session, model, field, global_id, type_name)
    row.status = type(row.status)(status.value)
    session.flush()
    return row
