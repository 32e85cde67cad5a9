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
categories come back on every row, and `text()` spent most of a row encoding them again. A row's
rectangles and text objects are written to the page as one piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont

from reports.pdf import CJK, LATIN

HEADER_FILL = (230, 236, 245)
ROW_FILL = (246, 248, 251)
RULE = (120, 120, 120)
PAD = 1.0  # mm inside each cell, left and right


class StreamTable:
    """Rows drawn as they come, in columns of the given widths (mm), at `size` points."""

    def __init__(self, pdf: FPDF, widths: Sequence[float], size: float = 7, line_height: float = 4) -> None:
        self.pdf, self.widths, self.size, self.line = pdf, tuple(widths), size, line_height
        latin = pdf.fonts[LATIN.lower()]
        assert isinstance(latin, TTFFont)  # the reports' documents embed DejaVu (`reports.pdf`)
        self._latin = set(latin.cmap)  # the code points DejaVu draws
        self._cjk = CJK.lower() in pdf.fonts  # loaded only for a text that needs it
        self._chars: dict[tuple[str, bool], float] = {}
        self._wrapped: dict[tuple[str, float], list[str]] = {}
        self._runs: dict[tuple[str, bool], list[tuple[Any, str, float]]] = {}
        self._header: tuple[str, ...] = ()
        self._shaded = False

    def _family(self, char: str) -> str:
        if ord(char) in self._latin or char.isspace() or not self._cjk:
            return LATIN
        return CJK

    def _font(self, family: str, bold: bool) -> Any:
        """The font of a run: its bold face if the document has one, else its regular face."""
        key = family.lower()
        return self.pdf.fonts.get(key + "B" if bold else key) or self.pdf.fonts[key]

    def _width(self, text: str, bold: bool) -> float:
        total = 0.0
        for char in text:
            width = self._chars.get((char, bold))
            if width is None:
                family = self._family(char)
                self.pdf.set_font(
                    family, "B" if bold and self._font(family, bold).fontkey.endswith("B") else "", self.size
                )
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

    def _runs_of(self, line: str, bold: bool) -> list[tuple[Any, str, float]]:
        """(font, encoded text, width) of each run of one line, split where the font that has the
        glyph changes; encoded as `FPDF.text` encodes it, which picks the glyphs into the subset."""
        key = (line, bold)
        runs = self._runs.get(key)
        if runs is None:
            texts: list[tuple[str, str]] = []
            for char in line:
                family = self._family(char)
                if texts and texts[-1][0] == family:
                    texts[-1] = (family, texts[-1][1] + char)
                else:
                    texts.append((family, char))
            fonts = [self._font(family, bold) for family, _ in texts]
            runs = self._runs[key] = [
                (font, font.encode_text(text), self._width(text, bold))
                for font, (_, text) in zip(fonts, texts, strict=True)
            ]
        return runs

    def _draw(self, values: Sequence[str], bold: bool, fill: tuple[int, int, int] | None) -> None:
        """One row: its cells' rectangles, then their lines of text, written to the page at once.
        The font is set by this row's own text objects, not left to fpdf, which sets a fallback
        font inside `q … Q` (a cell's text) and believes it still set after the `Q` undid it."""
        pdf = self.pdf
        cells = [self._wrap(v, w, bold) for v, w in zip(values, self.widths, strict=True)]
        height = max(len(c) for c in cells) * self.line + 1
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:  # a header for the rows that follow on the new page
                self._draw(self._header, True, HEADER_FILL)
        k, top = pdf.k, pdf.h - pdf.get_y()
        x = pdf.l_margin
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.1)
        if fill is not None:
            pdf.set_fill_color(*fill)
        paint = "B" if fill is not None else "S"
        boxes = []
        for width in self.widths:
            boxes.append(f"{x * k:.2f} {top * k:.2f} {width * k:.2f} {-height * k:.2f} re {paint}")
            x += width
        pdf._out("\n".join(boxes))
        pdf.set_fill_color(0)  # text is drawn in the fill colour: black
        texts, font_set, x = [], None, pdf.l_margin
        for lines, width in zip(cells, self.widths, strict=True):
            for n, line in enumerate(lines):
                at, baseline = x + PAD, top - 0.5 - self.line * (n + 0.78)
                for font, encoded, run_width in self._runs_of(line, bold):
                    if font is not font_set:
                        texts.append(pdf._set_font_for_page(font, self.size))
                        font_set = font
                    texts.append(f"BT {at * k:.2f} {baseline * k:.2f} Td {encoded} ET")
                    at += run_width
            x += width
        pdf._out("\n".join(texts))
        pdf.current_font_is_set_on_page = False  # fpdf's next text sets its own font again
        pdf.set_xy(pdf.l_margin, pdf.h - top + height)

    def header(self, names: Sequence[str]) -> None:
        self._header = tuple(names)
        self._draw(self._header, True, HEADER_FILL)

    def row(self, values: Sequence[str]) -> None:
        self._shaded = not self._shaded
        self._draw(values, False, ROW_FILL if self._shaded else None)
