"""What a report says about itself: the agreement in each language, who made it and when, and the
focal office of each side, who sign it.

The agreement's title is stored in Vietnamese, as signed; the Chinese reader gets the same agreement
named from its parties' Chinese names (`AGREEMENT_TITLE`, translated by the catalogue). The focal
offices are the offices holding a focal role (`focal_roles.csv`, roles as `policies/offices.csv`
names them) at the agreement's units, followed through their successors to the one acting on the
day the report is made: Hà Giang's labour department of 2017 signs today as Tuyên Quang's
Department of Home Affairs.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from locales import N_, gettext
from models import Agreement, Office
from procedure.calendar import day_of

AGREEMENT_TITLE = N_(
    "Agreement on managing cross-border labour between {vn_party} (Viet Nam) and {cn_party} (China)"
)
SIDES = ("VN", "CN")


@dataclass(frozen=True)
class Signatory:
    side: str
    office_code: str
    office_name: str


@dataclass(frozen=True)
class ReportCover:
    code: str
    titles: dict[str, str]
    """The agreement's title by language (vi as signed, zh and en from the parties' names)."""
    issued_by: str
    issued_at: dt.datetime
    signatories: tuple[Signatory, ...]

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["vi"]


@cache
def focal_roles() -> dict[str, str]:
    with (Path(__file__).with_name("focal_roles.csv")).open(encoding="utf-8") as source:
        rows = csv.DictReader(line for line in source if not line.startswith("#"))
        return {row["side"].strip(): row["role"].strip() for row in rows}


def agreement_titles(agreement: Agreement) -> dict[str, str]:
    vn, cn = agreement.vn_unit, agreement.cn_unit
    titles = {"vi": agreement.title}
    for language, vn_name, cn_name in (
        ("zh", vn.name_zh or vn.name_vi, cn.name_zh or cn.name_vi),
        ("en", vn.name_vi, cn.name_vi),
    ):
        titles[language] = gettext(AGREEMENT_TITLE, language).format(vn_party=vn_name, cn_party=cn_name)
    return titles


def _acting(office: Office, day: dt.date) -> Office:
    seen = {office.id}
    while office.valid_to is not None and office.valid_to < day and office.successor is not None:
        office = office.successor
        if office.id in seen:
            break
        seen.add(office.id)
    return office


def focal_offices(
    session: Session, agreement: Agreement, day: dt.date, roles_of: Callable[[str], list[str]]
) -> tuple[Signatory, ...]:
    """The office of each side that signs the agreement's report on `day`, Vietnamese side first."""
    roles = focal_roles()
    found = []
    for side, unit_id in (("VN", agreement.vn_unit_id), ("CN", agreement.cn_unit_id)):
        offices = session.scalars(
            select(Office).where(Office.unit_id == unit_id, Office.side == side).order_by(Office.code)
        ).all()
        focal = [o for o in offices if roles.get(side) in roles_of(o.code)]
        if focal:
            acting = _acting(min(focal, key=lambda o: o.valid_from or dt.date.min), day)
            found.append(Signatory(side, acting.code, acting.name))
    return tuple(found)


def report_cover(
    session: Session,
    agreement: Agreement,
    issued_by: str,
    roles_of: Callable[[str], list[str]],
    now: dt.datetime | None = None,
    acting_on: dt.date | None = None,
) -> ReportCover:
    """`acting_on`: the day the issuing office acts on (a report made as of a past day names the
    focal offices of that day); made `now` all the same."""
    at = now or dt.datetime.now(dt.UTC)
    return ReportCover(
        agreement.code,
        agreement_titles(agreement),
        issued_by,
        at,
        focal_offices(session, agreement, acting_on or day_of(at), roles_of),  # the registry's day
    )
