"""Whether an office may act on a day, and who acts for it once it has closed.

Offices are dated data (`offices.valid_from` .. `valid_to`, both days included, and a successor
link): the 2025 reorganisation closed Hà Giang's labour department and then every Hà Giang
provincial agency, and their successors took over. An office acts only while it is valid; outside
that, every door (HTTP, files, the CLI, `token issue`) refuses it with `OfficeClosed`, which names
the office acting in its place today, the end of its chain of successors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from locales import N_
from models import Office

# The longest chain of successors followed; offices form no cycle, this only bounds a bad row.
MAX_SUCCESSIONS = 20
PASSED_ON = N_(
    "the office {office} was in force until {last_day}; its duties passed to {successor} ({successor_code})"
)


@dataclass(frozen=True)
class Validity:
    """An office's days in force (None: open-ended) and, once closed, the office acting for it."""

    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_code: str | None = None
    successor_name: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class OfficeClosed(PermissionError):
    """The office is not in force on the day it tries to act: closed (naming its successor) or not
    yet open. Like `PurposeRefused`, keeps its English template and values apart for translation."""

    code = "OFFICE_CLOSED"

    def __init__(self, template: str, **params: str) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))


def refusal(office_code: str, validity: Validity, day: dt.date) -> OfficeClosed | None:
    """None while the office is valid on `day`, else the refusal to show."""
    if validity.valid_on(day):
        return None
    if validity.valid_from is not None and day < validity.valid_from:
        return OfficeClosed(
            N_("the office {office} acts only from {first_day}"),
            office=office_code,
            first_day=validity.valid_from.isoformat(),
        )
    last_day = validity.valid_to.isoformat() if validity.valid_to else ""
    if validity.successor_code is None:
        template = N_("the office {office} was in force until {last_day}")
        return OfficeClosed(template, office=office_code, last_day=last_day)
    return OfficeClosed(
        PASSED_ON,
        office=office_code,
        last_day=last_day,
        successor=validity.successor_name or "",
        successor_code=validity.successor_code,
    )


def validity_of(session: Session, office: Office, day: dt.date) -> Validity:
    """The office's dates and, if it has closed by `day`, the office acting for it on `day`: its
    successor, or that one's successor if it has closed too (Hà Giang's labour department passed
    to Hà Giang's Home Affairs department, which passed to Tuyên Quang's)."""
    validity = Validity(office.valid_from, office.valid_to)
    if office.valid_to is None or day <= office.valid_to or office.successor_id is None:
        return validity
    successor = session.get(Office, office.successor_id)
    for _ in range(MAX_SUCCESSIONS):
        if successor is None or successor.successor_id is None:
            break
        if successor.valid_to is None or day <= successor.valid_to:
            break
        successor = session.get(Office, successor.successor_id)
    if successor is None:
        return validity
    return Validity(office.valid_from, office.valid_to, successor.code, successor.name)


def check_office_on(session: Session, office: Office, day: dt.date) -> None:
    """Raises `OfficeClosed` unless the office is in force on `day`."""
    closed = refusal(office.code, validity_of(session, office, day), day)
    if closed is not None:
        raise closed
