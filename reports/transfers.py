"""The transfer register: the record Decree 13/2023 asks a controller to keep of data sent abroad.

Built from the ledger alone, per recipient office of the Chinese side (or the one asked for), over a
span of days: the purposes stated, the categories of data sent (`reports/categories.csv`), how many
persons and how many disclosures, the sensitive categories among them (ethnicity, health), and the
agreements and talks minutes that are the basis of the transfer (those whose Chinese party's unit
lies above or below the recipient's). It names no worker and shows no personal value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

import models
from ledger.entries import sent_fields
from locales import N_, gettext
from procedure.calendar import VIETNAM
from reports.statement import CATEGORY_WORDS, category_of, purpose_words
from reports.tables import Table, heading

TITLE = N_("Register of personal data transferred abroad")
HEADERS = (
    N_("Recipient"),
    N_("Purposes"),
    N_("Categories of data"),
    N_("Sensitive categories"),
    N_("Persons"),
    N_("Disclosures"),
    N_("Basis: agreements and talks minutes"),
)


@dataclass
class Recipient:
    code: str
    name: str
    purposes: list[str]
    categories: list[str]
    sensitive: list[str]
    persons: int
    disclosures: int
    basis: list[str]


# The registry is kept by the Vietnamese side: data goes abroad when an office of the other side
# receives it. Which side an office is on is data (the offices' `side`, `demo/reference.py`).
ABROAD = models.Side.CN


class NotAbroad(ValueError):
    """The recipient asked for is not an office abroad: what it received was no transfer abroad."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _recipients(session: Session, code: str | None) -> list[models.Office]:
    """The offices abroad, or the one asked for (none if no office has that code)."""
    offices = select(models.Office).order_by(models.Office.code)
    if code is not None:
        offices = offices.where(models.Office.code == code)
    found = list(session.scalars(offices))
    if code is not None and any(o.side != ABROAD for o in found):
        raise NotAbroad(code)
    return [o for o in found if o.side == ABROAD]


def _basis(session: Session, office: models.Office) -> list[str]:
    """The agreements (and their talks minutes) whose Chinese party is the office's unit, a unit
    above it or one inside it: jurisdictions nest."""
    if office.unit_id is None:
        return []
    closure = models.UnitClosure
    above = select(closure.ancestor_id).where(closure.descendant_id == office.unit_id)
    below = select(closure.descendant_id).where(closure.ancestor_id == office.unit_id)
    agreements = session.scalars(
        select(models.Agreement)
        .where(or_(models.Agreement.cn_unit_id.in_(above), models.Agreement.cn_unit_id.in_(below)))
        .order_by(models.Agreement.code)
    )
    basis = []
    for agreement in agreements:
        minutes = session.scalars(
            select(models.TalksMinutes.held_on)
            .where(models.TalksMinutes.agreement_id == agreement.id)
            .order_by(models.TalksMinutes.held_on)
        )
        days = [day.isoformat() for day in minutes]
        # Many rounds of talks: the first and last day and how many, so a row fits a printed page.
        held = ", ".join(days) if len(days) <= 3 else f"{days[0]} … {days[-1]} ({len(days)})"
        basis.append(
            f"{agreement.code} ({agreement.signed_on}): {agreement.title}" + (f" [{held}]" if held else "")
        )
    return basis


def transfer_register(
    session: Session, recipient: str | None, first: dt.date, last: dt.date, language: str
) -> list[Recipient]:
    """One row per recipient office abroad, from the ledger entries made from `first` to `last`
    (the registry's days, Vietnam's: `procedure.calendar`); `NotAbroad` for a recipient that is not
    an office abroad."""
    start = dt.datetime.combine(first, dt.time(), VIETNAM)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), VIETNAM)
    words = purpose_words()
    lw, le, fl = models.LedgerWorker, models.LedgerEntry, models.LedgerFieldList
    found = []
    for office in _recipients(session, recipient):
        rows = session.execute(
            select(le.id, le.purpose, lw.worker_id, fl.fields)
            .select_from(lw)
            .join(le, le.id == lw.entry_id)
            .join(fl, fl.id == lw.field_list_id)
            .where(le.office_id == office.id, le.at >= start, le.at < end)
        )
        entries: set[int] = set()
        persons: set[int] = set()
        purposes: set[str] = set()
        keys: dict[str, bool] = {}
        for entry_id, purpose, worker_id, fields in rows:
            sent = sent_fields(fields.split(","))
            if not sent:
                continue  # a search that matched the worker, figures that counted them: nothing sent
            entries.add(entry_id)
            persons.add(worker_id)
            purposes.add(purpose or "")
            for name in sent:
                category = category_of(name)
                keys[category.key] = category.sensitive
        found.append(
            Recipient(
                code=office.code,
                name=office.name,
                purposes=sorted(gettext(words.get(p, p), language) for p in purposes if p),
                categories=[gettext(CATEGORY_WORDS[k], language) for k in sorted(keys)],
                sensitive=[gettext(CATEGORY_WORDS[k], language) for k in sorted(keys) if keys[k]],
                persons=len(persons),
                disclosures=len(entries),
                basis=_basis(session, office),
            )
        )
    return found


def _table(rows: list[Recipient]) -> Table:
    return Table(
        "transfers",
        TITLE,
        HEADERS,
        [
            (
                f"{r.name} ({r.code})",
                "; ".join(r.purposes),
                "; ".join(r.categories),
                "; ".join(r.sensitive),
                r.persons,
                r.disclosures,
                "\n".join(r.basis),
            )
            for r in rows
        ],
    )


def register_json(rows: list[Recipient], span: tuple[dt.date, dt.date], language: str) -> bytes:
    data = {"from": span[0].isoformat(), "to": span[1].isoformat(), "recipients": [asdict(r) for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def register_xlsx(rows: list[Recipient], span: tuple[dt.date, dt.date], language: str) -> bytes:
    from openpyxl import Workbook  # the writers load with the first file they write

    from reports.xlsx import write_table

    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    write_table(workbook, _table(rows), (language,))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def register_pdf(rows: list[Recipient], span: tuple[dt.date, dt.date], language: str) -> bytes:
    from reports.pdf import LATIN, document

    pdf = document(gettext(TITLE, language))
    pdf.add_page()
    pdf.set_font(LATIN, "B", 14)
    pdf.multi_cell(
        0, 8, f"{heading(TITLE, (language,))}: {span[0]} – {span[1]}", new_x="LMARGIN", new_y="NEXT"
    )
    # One block per recipient, each line its own paragraph: a recipient with many purposes,
    # categories or agreements runs on to the next page, which a table row cannot.
    table = _table(rows)
    for row in table.rows:
        pdf.ln(3)
        pdf.set_font(LATIN, "B", 11)
        pdf.multi_cell(0, 6, str(row[0]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(LATIN, "", 9)
        for header, value in zip(table.headers[1:], row[1:], strict=True):
            line = f"{heading(header, (language,))}: {value}"
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


FORMATS = {"json": register_json, "xlsx": register_xlsx, "pdf": register_pdf}
