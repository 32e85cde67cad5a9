"""A long table laid out row by row, for a worker's statement with thousands of disclosures.

fpdf2's `table()` lays every cell out twice with `multi_cell` (about 10 ms a row here): a worker
with ten thousand disclosures waited well over a minute for the PDF, against a promise of 10 s
(issue 19). This table measures each character once per font, wraps each distinct text once per
column width, and draws each line with `text()`, so a row costs tens of microseconds and the page
is written as soon as it is full. It looks like the reports' tables (`reports.pdf.draw_table`):
a shaded bold header repeated on every page, every other row shaded, thin rules round each cell.

`text()` does not fall back to another font for a glyph the current one lacks (`cell()` does, at
a hundred times the cost), so each line is cut into runs by font here: DejaVu where it has the
glyph, Noto Sans CJK otherwise, as the reports' documents set their fallback. Each run is written
as `text()` writes it (a text object in the current font, its glyphs picked into the font's
subset), but encoded once per distinct run: in a statement the same office names, purposes and
categories come back on every row, and `text()` spent most of a row encoding them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from reports.pdf import CJK, LATIN

HEADER_FILL = (230, 236, 245)
ROW_FILL = (246, 248, 251)
RULE = (120, 120, 120)
PAD = 1.0  # mm inside each cell, left and right


class StreamTable:
    """Rows drawn as they come, in columns of the given widths (mm), at `size` points."""

    def __init__(self, pdf: FPDF, widths: Sequence[float], size: float = 7, line_height: float = 4) -> None:
        self.pdf, self.widths, self.size, self.line = pdf, tuple(widths), size, line_height
        self._latin = set(pdf.fonts[LATIN.lower()].cmap)  # the code points DejaVu draws
        self._chars: dict[tuple[str, bool], float] = {}
        self._wrapped: dict[tuple[str, float], list[str]] = {}
        self._runs: dict[str, list[tuple[str, str]]] = {}
        self._encoded: dict[tuple[str, bool, str], str] = {}
        self._font_set: tuple[str, bool] | None = None  # the font this row's text set last
        self._header: tuple[str, ...] = ()
        self._shaded = False

    def _family(self, char: str) -> str:
        return LATIN if ord(char) in self._latin or char.isspace() else CJK

    def _width(self, text: str, bold: bool) -> float:
        total = 0.0
        for char in text:
            width = self._chars.get((char, bold))
            if width is None:
                self.pdf.set_font(self._family(char), "B" if bold else "", self.size)
                width = self._chars[(char, bold)] = self.pdf.get_string_width(char)
            total += width
        return total

    def _wrap(self, text: str, width: float, bold: bool) -> list[str]:
        """The lines of `text` in a column `width` wide: greedy by words, a word wider than the
        column (a Chinese phrase has no spaces) cut between characters."""
        key = (("B" if bold else "") + text, width)
        if key in self._wrapped:
            return self._wrapped[key]
        room = width - 2 * PAD
        lines: list[str] = []
        for paragraph in text.split("\n") or [""]:
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self._width(candidate, bold) <= room:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = ""
                for char in word:
                    if line and self._width(line + char, bold) > room:
                        lines.append(line)
                        line = ""
                    line += char
            lines.append(line)
        self._wrapped[key] = lines
        return lines

    def _runs_of(self, line: str) -> list[tuple[str, str]]:
        """(font family, text) runs of one line, split where the font that has the glyph changes."""
        runs = self._runs.get(line)
        if runs is None:
            runs = []
            for char in line:
                family = self._family(char)
                if runs and runs[-1][0] == family:
                    runs[-1] = (family, runs[-1][1] + char)
                else:
                    runs.append((family, char))
            self._runs[line] = runs
        return runs

    def _text(self, x: float, y: float, family: str, bold: bool, run: str) -> None:
        """`run` at (x, baseline y) in `family`, as `FPDF.text` writes it (which this mirrors)."""
        pdf = self.pdf
        pdf.set_font(family, "B" if bold else "", self.size)
        font = pdf.current_font
        assert font is not None
        # Set here, not when fpdf believes it unset: fpdf sets a fallback font inside `q … Q`
        # (a cell's text) and then believes it still set after the `Q` has undone it.
        if self._font_set != (family, bold):
            pdf._out(pdf._set_font_for_page(font, pdf.font_size_pt))
            self._font_set = (family, bold)
        key = (family, bold, run)
        encoded = self._encoded.get(key)
        if encoded is None:
            encoded = self._encoded[key] = font.encode_text(run)
        pdf._out(f"BT {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} Td {encoded} ET")

    def _draw(self, values: Sequence[str], bold: bool, fill: tuple[int, int, int] | None) -> None:
        pdf = self.pdf
        cells = [self._wrap(v, w, bold) for v, w in zip(values, self.widths, strict=True)]
        height = max(len(c) for c in cells) * self.line + 1
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:  # a header for the rows that follow on the new page
                self._draw(self._header, True, HEADER_FILL)
        x, y = pdf.l_margin, pdf.get_y()
        self._font_set = None
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.1)
        if fill is not None:
            pdf.set_fill_color(*fill)
        for width in self.widths:
            pdf.rect(x, y, width, height, style="DF" if fill is not None else "D")
            x += width
        pdf.set_fill_color(0)  # text is drawn in the fill colour: black
        x = pdf.l_margin
        for lines, width in zip(cells, self.widths, strict=True):
            for n, line in enumerate(lines):
                at = x + PAD
                for family, run in self._runs_of(line):
                    self._text(at, y + 0.5 + self.line * (n + 0.78), family, bold, run)
                    at += self._width(run, bold)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    def header(self, names: Sequence[str]) -> None:
        self._header = tuple(names)
        self._draw(self._header, True, HEADER_FILL)

    def row(self, values: Sequence[str]) -> None:
        self._shaded = not self._shaded
        self._draw(values, False, ROW_FILL if self._shaded else None)
