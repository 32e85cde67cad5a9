"""The report as a PDF for the meeting (fpdf2): a cover block, the chart of workers in China month by
month, then every table, with Vietnamese and Chinese text in embedded, subsetted fonts."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from locales import N_
from reports.figures import AgreementFigures
from reports.fonts import report_fonts
from reports.signing import figures_digest
from reports.tables import Table, heading, report_tables

LATIN, CJK = "DejaVu", "NotoCJK"


def _document() -> FPDF:
    fonts = report_fonts()
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(LATIN, "", fonts.latin)
    pdf.add_font(LATIN, "B", fonts.latin_bold)
    pdf.add_font(CJK, "", fonts.cjk, collection_font_number=fonts.cjk_index)
    # Characters DejaVu lacks (Chinese) are taken from Noto Sans CJK, bold or not.
    pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_title(N_("Agreement evaluation"))
    pdf.set_creator("Border Labour Registry")
    return pdf


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _chart(pdf: FPDF, values: list[int], title: str) -> None:
    """A bar per month; the bar's height is the number of placements in China at the month's end."""
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    left, top, width, height = pdf.l_margin + 10, pdf.get_y() + 4, 240.0, 55.0
    peak = max(values) or 1
    step = width / len(values)
    pdf.set_draw_color(80, 80, 80)
    pdf.line(left, top + height, left + width, top + height)
    pdf.line(left, top, left, top + height)
    pdf.set_font(LATIN, "", 8)
    for month, value in enumerate(values, start=1):
        bar = height * value / peak
        x = left + (month - 1) * step + step * 0.15
        pdf.set_fill_color(31, 119, 180)
        pdf.rect(x, top + height - bar, step * 0.7, bar, style="F")
        pdf.set_xy(x, top + height - bar - 5)
        pdf.cell(step * 0.7, 5, str(value), align="C")
        pdf.set_xy(x, top + height + 1)
        pdf.cell(step * 0.7, 5, f"{month:02d}", align="C")
    pdf.set_xy(pdf.l_margin, top + height + 10)
    pdf.set_fill_color(255, 255, 255)


def _table(pdf: FPDF, table: Table, languages: tuple[str, ...]) -> None:
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, heading(table.title, languages), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 7)
    if not table.rows:
        pdf.cell(0, 6, heading(N_("None"), languages), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        return
    with pdf.table(
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
        cell_fill_color=(246, 248, 251),
        cell_fill_mode="ROWS",
        line_height=4,
        text_align="LEFT",
    ) as grid:
        head = grid.row()
        for header in table.headers:
            head.cell(heading(header, languages))
        for values in table.rows:
            row = grid.row()
            for value in values:
                row.cell(_text(value))
    pdf.ln(4)


def report_pdf(figures: AgreementFigures, languages: tuple[str, ...], wages: bool = True) -> bytes:
    pdf = _document()
    pdf.add_page()
    pdf.set_font(LATIN, "B", 15)
    title = f"{heading(N_('Agreement evaluation'), languages)} {figures.year}"
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 10)
    pdf.multi_cell(0, 6, f"{figures.code}: {figures.title}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _chart(pdf, figures.in_china_by_month, heading(N_("Workers in China by month"), languages))
    for table in report_tables(figures, languages, wages):
        if table.key != "in_china_by_month":
            _table(pdf, table, languages)
    _signatures(pdf, figures, languages)
    return bytes(pdf.output())


def _signatures(pdf: FPDF, figures: AgreementFigures, languages: tuple[str, ...]) -> None:
    """The focal offices' signatures of the figures (`reports.signing`): who signed, when, and
    whether the signature still holds for the figures printed here, with the digest signed."""
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, heading(N_("Signatures"), languages), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 8)
    digest = figures_digest(figures)
    pdf.multi_cell(
        0, 5, f"{heading(N_('Digest of the figures'), languages)}: {digest}", new_x="LMARGIN", new_y="NEXT"
    )
    if not figures.signatures:
        pdf.cell(0, 6, heading(N_("Not signed"), languages), new_x="LMARGIN", new_y="NEXT")
    for mark in figures.signatures:
        verdict = N_("valid") if mark.valid else N_("not valid for these figures")
        line = f"{mark.office} ({mark.office_name}), {mark.signed_at[:19].replace('T', ' ')} UTC: "
        pdf.multi_cell(0, 5, line + heading(verdict, languages), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(LATIN, "", 6)
        pdf.multi_cell(0, 4, f"Ed25519 {mark.signature}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(LATIN, "", 8)
