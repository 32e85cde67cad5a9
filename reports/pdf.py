"""The report as a PDF for the meeting (fpdf2): a cover block naming the agreement in each language,
the chart of workers in China month by month, every table, and the block where the focal office of
each side signs; every page says which office made it, when, and its number.

Vietnamese and Chinese text are set in embedded, subsetted fonts (DejaVu Sans, Noto Sans CJK SC,
each with its bold face); numbers are right-aligned with the first reader language's separators.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any, TypeVar

from fpdf import FPDF
from fpdf.fonts import FontFace

from locales import N_, format_number, gettext
from reports.cover import ReportCover
from reports.figures import AgreementFigures
from reports.fonts import report_fonts
from reports.signing import figures_digest
from reports.tables import Table, heading, report_tables

LATIN, CJK = "DejaVu", "NotoCJK"
D = TypeVar("D", bound=FPDF)
TITLE, MADE_BY, MADE_ON, OFFICE = N_("Agreement evaluation"), N_("Made by"), N_("Made on"), N_("Office")
# fontTools reports every glyph table it subsets at INFO: a report is not the place for that.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class Document(FPDF):
    """fpdf2 with its font state kept true across lines that start in the fallback font.

    A line whose first glyph DejaVu lacks (a Chinese header) gets its font set inside the `q … Q`
    fpdf may wrap the line in, and fpdf then believes that font still set after `Q`: the next line
    showed text with no font (pdftotext: "No font in show"; a viewer drops it). After such a line
    the font is set again by the next one. Every PDF of the registry is made from this class."""

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> bool:
        unset = not self.current_font_is_set_on_page  # only then does fpdf set it inside the line
        try:
            return bool(super()._render_styled_text_line(*args, **kwargs))
        finally:
            if unset:
                self.current_font_is_set_on_page = False


class ReportDocument(Document):
    """A landscape A4 document whose footer names the issuing office, the date and the page."""

    def __init__(self, cover: ReportCover, languages: tuple[str, ...]) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.cover, self.languages = cover, languages

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(LATIN, "", 7)
        self.set_text_color(90, 90, 90)
        made = f"{self.cover.issued_by} · {self.cover.issued_at:%Y-%m-%d %H:%M} UTC"
        page = " / ".join(
            dict.fromkeys(
                gettext(N_("Page {page} of {pages}"), lang).format(page=self.page_no(), pages="{nb}")
                for lang in self.languages
            )
        )
        self.cell(0, 5, f"{self.cover.code} · {made}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")
        self.set_text_color(0, 0, 0)


def _document(cover: ReportCover, languages: tuple[str, ...]) -> ReportDocument:
    pdf = ReportDocument(cover, languages)
    pdf.set_auto_page_break(auto=True, margin=14)
    return with_fonts(pdf, f"{gettext(TITLE, languages[0])} {cover.code}")


def document(title: str, orientation: str = "landscape", cjk: bool = True, cjk_bold: bool = True) -> FPDF:
    """An A4 document with the registry's fonts (a worker's statement, `reports.statement_pdf`).
    Without `cjk`, DejaVu alone, for a text known to hold no Chinese; without `cjk_bold`, Chinese
    in bold text is set in the regular face (loading and subsetting a face of Noto Sans CJK is
    most of a short document's time)."""
    pdf = Document(orientation=orientation, format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    return with_fonts(pdf, title, cjk, cjk_bold)


def with_fonts(pdf: D, title: str, cjk: bool = True, cjk_bold: bool = True) -> D:
    """Vietnamese in DejaVu, Chinese in Noto Sans CJK, bold or not; the document's title."""
    fonts = report_fonts()
    pdf.add_font(LATIN, "", fonts.latin)
    pdf.add_font(LATIN, "B", fonts.latin_bold)
    if cjk:
        pdf.add_font(CJK, "", fonts.cjk, collection_font_number=fonts.cjk_index)
        if cjk_bold:
            pdf.add_font(CJK, "B", fonts.cjk_bold, collection_font_number=fonts.cjk_index)
        # Characters DejaVu lacks (Chinese) are taken from Noto Sans CJK, in the same weight.
        pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_title(title)
    pdf.set_creator("Border Labour Registry")
    return pdf


def _shown(value: Any, language: str) -> tuple[str, str]:
    """A cell's text and alignment: numbers right-aligned with separators, text left."""
    if value is None:
        return "", "LEFT"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return (value.isoformat() if isinstance(value, dt.date) else str(value)), "LEFT"
    decimals = 2 if isinstance(value, Decimal) else 1 if isinstance(value, float) else 0
    return format_number(value, language, decimals), "RIGHT"


def _ticks(peak: int) -> list[int]:
    """Round steps for the y-axis (1, 2 or 5 times a power of ten), at most five above zero."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if peak <= 5 * step:
                return list(range(0, -(-peak // step) * step + 1, step))
        magnitude *= 10


def _chart(pdf: FPDF, values: list[int | str], title: str, language: str) -> None:
    """A bar per month over a y-axis of placements in China at the month's end (no bar for a count
    withheld as "< 5", whose text stands alone)."""
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    left, top, width, height = pdf.l_margin + 16, pdf.get_y() + 4, 230.0, 55.0
    heights = [v if isinstance(v, int) else 0 for v in values]
    ticks = _ticks(max(heights) or 1)
    peak = ticks[-1]
    step = width / len(values)
    pdf.set_font(LATIN, "", 7)
    for tick in ticks:
        y = top + height - height * tick / peak
        pdf.set_draw_color(225, 225, 225)
        pdf.line(left, y, left + width, y)
        pdf.set_draw_color(80, 80, 80)
        pdf.line(left - 1.5, y, left, y)
        pdf.set_xy(left - 16, y - 2.5)
        pdf.cell(14, 5, format_number(tick, language), align="R")
    pdf.line(left, top + height, left + width, top + height)
    pdf.line(left, top, left, top + height)
    for month, (value, count) in enumerate(zip(values, heights, strict=True), start=1):
        bar = height * count / peak
        x = left + (month - 1) * step + step * 0.15
        pdf.set_fill_color(31, 119, 180)
        pdf.rect(x, top + height - bar, step * 0.7, bar, style="F")
        pdf.set_xy(x, top + height - bar - 5)
        pdf.cell(
            step * 0.7, 5, format_number(value, language) if isinstance(value, int) else value, align="C"
        )
        pdf.set_xy(x, top + height + 1)
        pdf.cell(step * 0.7, 5, f"{month:02d}", align="C")
    pdf.set_xy(pdf.l_margin, top + height + 10)
    pdf.set_fill_color(255, 255, 255)


def draw_table(pdf: FPDF, table: Table, languages: tuple[str, ...]) -> None:
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
                text, align = _shown(value, languages[0])
                row.cell(text, align=align)
    pdf.ln(4)


def _cover_block(
    pdf: FPDF, figures: AgreementFigures, cover: ReportCover, languages: tuple[str, ...]
) -> None:
    pdf.set_font(LATIN, "B", 15)
    title = f"{heading(TITLE, languages)} {figures.year}"
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "B", 10)
    pdf.multi_cell(0, 6, figures.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 10)
    for language in dict.fromkeys((*languages, "vi")):
        pdf.multi_cell(0, 5.5, cover.title(language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 9)
    made = f"{heading(MADE_BY, languages)}: {cover.issued_by}"
    when = f"{heading(MADE_ON, languages)}: {cover.issued_at:%Y-%m-%d %H:%M} UTC"
    pdf.multi_cell(0, 5, f"{made}\n{when}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def signature_block(pdf: FPDF, cover: ReportCover, languages: tuple[str, ...]) -> None:
    """The block where the focal office of each side signs: one column per office, with its
    office, and lines for the signer's name, the date and the signature.

    Kept together on one page; a signature made in the registry is set in its column's space."""
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, heading(N_("Signatures of the focal offices"), languages), new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y()
    column = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for i, signatory in enumerate(cover.signatories[:2]):
        x = pdf.l_margin + i * column
        side = N_("Vietnamese side") if signatory.side == "VN" else N_("Chinese side")
        pdf.set_xy(x, top)
        pdf.set_font(LATIN, "B", 9)
        pdf.multi_cell(column - 8, 5, heading(side, languages), new_x="LEFT", new_y="NEXT")
        pdf.set_font(LATIN, "", 9)
        office = f"{heading(OFFICE, languages)}: {signatory.office_name}"
        pdf.multi_cell(column - 8, 5, office, new_x="LEFT", new_y="NEXT", align="L")
        for label in (N_("Name"), N_("Date"), N_("Signature")):
            pdf.ln(6)
            pdf.set_x(x)
            pdf.cell(40, 5, f"{heading(label, languages)}:")
            line_y = pdf.get_y() + 5
            pdf.set_draw_color(120, 120, 120)
            pdf.line(x + 40, line_y, x + column - 10, line_y)
            pdf.set_xy(x, line_y)
    pdf.set_y(pdf.get_y() + 6)


def report_pdf(
    figures: AgreementFigures, languages: tuple[str, ...], wages: bool, cover: ReportCover
) -> bytes:
    pdf = _document(cover, languages)
    pdf.add_page()
    _cover_block(pdf, figures, cover, languages)
    chart_title = heading(N_("Workers in China by month"), languages)
    _chart(pdf, figures.in_china_by_month, chart_title, languages[0])
    for table in report_tables(figures, languages, wages):
        if table.key != "in_china_by_month":
            draw_table(pdf, table, languages)
    signature_block(pdf, cover, languages)
    _signatures(pdf, figures, languages)
    return bytes(pdf.output())


def _signatures(pdf: FPDF, figures: AgreementFigures, languages: tuple[str, ...]) -> None:
    """The focal offices' signatures of the figures (`reports.signing`): who signed, when, and
    whether the signature still holds for the figures printed here, with the digest signed."""
    pdf.set_font(LATIN, "B", 11)
    pdf.cell(0, 8, heading(N_("Signatures"), languages), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 8)
    digest = figures.digest or figures_digest(figures)  # the full figures', whatever this copy withholds
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
