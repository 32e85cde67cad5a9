"""The worker's statement as a PDF, in the worker's language (vi, zh or en), with the registry's
report fonts and tables (`reports.pdf`)."""

from __future__ import annotations

from locales import N_, gettext, render
from reports.pdf import LATIN, document, draw_table
from reports.statement import Statement
from reports.tables import Table

TITLE = N_("What the registry holds about you and who received it")


def statement_pdf(statement: Statement) -> bytes:
    language = statement.language
    languages = (language,)
    pdf = document(gettext(TITLE, language), orientation="portrait")
    pdf.add_page()
    pdf.set_font(LATIN, "B", 14)
    pdf.multi_cell(0, 8, gettext(TITLE, language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 10)
    for line in (
        render(N_("For: {name} ({worker})"), language, name=statement.full_name, worker=statement.worker),
        render(N_("Made on {day} by {office}"), language, day=statement.made_on, office=statement.made_by),
    ):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    tables = [
        Table("held", N_("The data held about you"), (N_("Category"), N_("Records")), statement.held),
        Table(
            "disclosures",
            N_("Who received your data"),
            (N_("Day"), N_("Office"), N_("Officer"), N_("Purpose"), N_("Data")),
            [
                (
                    d.day,
                    d.office,
                    d.officer or gettext(N_("(a system of the office)"), language),
                    d.purpose,
                    "; ".join(
                        d.categories
                        + [render(N_("searched for by {what}"), language, what=w) for w in d.searched_by]
                    ),
                )
                for d in statement.disclosures
            ],
        ),
        Table(
            "corrections",
            N_("Corrections of your data"),
            (N_("Day"), N_("Office"), N_("Data"), N_("Reason")),
            [(c.day, c.office, c.what, c.reason or "") for c in statement.corrections],
        ),
        Table(
            "voids",
            N_("Records declared void"),
            (N_("Day"), N_("Office"), N_("Data"), N_("Reason")),
            [(v.day, v.office, v.what, v.reason or "") for v in statement.voids],
        ),
    ]
    for table in tables:
        draw_table(pdf, table, languages)
    checkpoint = statement.checkpoint
    pdf.set_font(LATIN, "", 8)
    note = render(
        N_(
            "Complete up to ledger entry {seq} ({hash}), signed at {at}. The registry can prove it "
            "with this checkpoint: borderlabour audit verify --checkpoint"
        ),
        language,
        seq=checkpoint["seq"],
        hash=checkpoint["entryHash"],
        at=checkpoint["signedAt"],
    )
    pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
