"""The fonts a PDF report embeds: DejaVu Sans for Vietnamese, Noto Sans CJK SC for Chinese.

They come from Debian's `fonts-dejavu-core` and `fonts-noto-cjk` packages (`.ci/run` installs them);
`BORDERLABOUR_FONT_DIRS` adds folders to search, for machines that keep fonts elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from locales import N_

SEARCH_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
PACKAGES = "fonts-dejavu-core fonts-noto-cjk"


class FontsMissing(RuntimeError):
    """The report needs fonts this machine lacks; the message says which packages provide them."""

    def __init__(self, font: str) -> None:
        self.template = N_("the PDF report needs the font {font}: install the Debian packages {packages}")
        self.params = {"font": font, "packages": PACKAGES}
        super().__init__(self.template.format(**self.params))


@dataclass(frozen=True)
class ReportFonts:
    latin: Path
    latin_bold: Path
    cjk: Path
    cjk_bold: Path
    cjk_index: int


def _find(name: str) -> Path:
    extra = [d for d in os.environ.get("BORDERLABOUR_FONT_DIRS", "").split(os.pathsep) if d]
    for folder in (*extra, *SEARCH_DIRS):
        for path in Path(folder).rglob(name) if Path(folder).is_dir() else ():
            return path
    raise FontsMissing(name)


@cache
def report_fonts() -> ReportFonts:
    # Imported here: `FontsMissing` is known to every command's error messages, the font reader is
    # needed only when a PDF is made.
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

    cjk = _find("NotoSansCJK-Regular.ttc")
    names = [font["name"].getDebugName(1) for font in TTCollection(str(cjk), lazy=True).fonts]
    # The Regular and Bold collections of fonts-noto-cjk hold their faces in the same order.
    index = next((i for i, n in enumerate(names) if n and n.endswith("CJK SC")), 0)
    return ReportFonts(
        _find("DejaVuSans.ttf"), _find("DejaVuSans-Bold.ttf"), cjk, _find("NotoSansCJK-Bold.ttc"), index
    )
