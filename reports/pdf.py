"""The report as a PDF for the meeting (fpdf2): a cover block, the chart of workers in China month by
month, then every table, with Vietnamese and Chinese text in embedded, subsetted fonts."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from locales import N_
from reports.figures import AgreementFigures
from reports.fonts import report_fonts
from reports.tables import Table, heading, report_tables

LATIN, CJK = "DejaVu", "NotoCJK"


def document(title: str = N_("Agreement evaluation"), orientation: str = "landscape") -> FPDF:
    """An A4 document with the registry's fonts: Vietnamese in DejaVu, Chinese in Noto Sans CJK."""
    fonts = report_fonts()
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(LATIN, "", fonts.latin)
    pdf.add_font(LATIN, "B", fonts.latin_bold)
    pdf.add_font(CJK, "", fonts.cjk, collection_font_number=fonts.cjk_index)
    # Characters DejaVu lacks (Chinese) are taken from Noto Sans CJK, bold or not.
    pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_title(title)
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
                row.cell(_text(value))
    pdf.ln(4)


def report_pdf(figures: AgreementFigures, languages: tuple[str, ...], wages: bool = True) -> bytes:
    pdf = document()
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
            draw_table(pdf, table, languages)
    return bytes(pdf.output())
