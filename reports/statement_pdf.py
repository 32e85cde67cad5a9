"""The worker's statement as a PDF, in the worker's language (vi, zh or en), with the registry's
report fonts (`reports.pdf`). Its tables are laid out row by row (`reports.stream_table`): a worker
with ten thousand disclosures gets every one of them, on a few hundred pages, in seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from locales import N_, gettext, render
from reports.statement import Statement
from reports.tables import Table, heading

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf (`reports.pdf`, `reports.stream_table`) is imported with the first statement made as a PDF:
# `serve` imports this module at start, and most servers never make one.

TITLE = N_("What the registry holds about you and who received it")
# A ledger entry that only counted the worker in an agreement's yearly figures (`ledger.entries.COUNTED_IN`).
COUNTED = N_("counted in an agreement's yearly figures; nothing about you was sent")
CJK_FROM = 0x2E80  # the first CJK block of Unicode: radicals, then punctuation, kana, ideographs
# Column widths (mm) of each table on a portrait A4 page with 10 mm margins (190 mm of text).
WIDTHS = {
    "held": (150.0, 40.0),
    "disclosures": (18.0, 46.0, 30.0, 52.0, 44.0),
    "corrections": (18.0, 50.0, 52.0, 70.0),
    "voids": (18.0, 50.0, 52.0, 70.0),
}


def _line(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the page (a line led by Chinese keeps its font: `reports.pdf.Document`)."""
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _draw(pdf: FPDF, table: Table, language: str) -> None:
    from reports.pdf import LATIN
    from reports.stream_table import StreamTable

    pdf.set_font(LATIN, "B", 11)
    _line(pdf, 8, heading(table.title, (language,)))
    if not table.rows:
        pdf.set_font(LATIN, "", 7)
        _line(pdf, 6, heading(N_("None"), (language,)))
    else:
        grid = StreamTable(pdf, WIDTHS[table.key])
        grid.header([heading(h, (language,)) for h in table.headers])
        for values in table.rows:
            grid.row([str(v) for v in values])
    pdf.ln(4)


def _chinese(statement: Statement) -> bool:
    """Whether any text of the statement needs Noto Sans CJK (a Chinese office's or officer's
    name, a statement in Chinese): only then is it loaded."""
    if statement.language == "zh":
        return True
    texts = {statement.full_name, statement.made_by}
    for d in statement.disclosures:
        texts.update((d.office, d.officer or "", d.purpose, *d.categories, *d.searched_by))
    for c in (*statement.corrections, *statement.voids):
        texts.update((c.office, c.what, c.reason or ""))
    texts.update(category for category, _count in statement.held)
    return any(ord(char) >= CJK_FROM for text in texts for char in text)


def statement_pdf(statement: Statement) -> bytes:
    from reports.pdf import LATIN, document

    language = statement.language
    # Bold is for titles and headers, in the statement's language: Chinese in bold only in Chinese.
    pdf = document(
        gettext(TITLE, language), orientation="portrait", cjk=_chinese(statement), cjk_bold=language == "zh"
    )
    pdf.add_page()
    pdf.set_font(LATIN, "B", 14)
    _line(pdf, 8, gettext(TITLE, language))
    pdf.set_font(LATIN, "", 10)
    for line in (
        render(N_("For: {name} ({worker})"), language, name=statement.full_name, worker=statement.worker),
        render(N_("Made on {day} by {office}"), language, day=statement.made_on, office=statement.made_by),
    ):
        _line(pdf, 6, line)
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
                        + [gettext(COUNTED, language)] * d.counted_in_figures
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
        _draw(pdf, table, language)
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
    _line(pdf, 5, note)
    return bytes(pdf.output())
