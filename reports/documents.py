"""The report's documents: one function per format, chosen by name (`xlsx`, `pdf`, `json`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from models.opaque import encode_id
from reports.cover import ReportCover
from reports.figures import AgreementFigures

# The purpose a report is asked for, by HTTP or the command line.
REPORT_PURPOSE = "statistics"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, frozenset):
        return None
    raise TypeError(type(value).__name__)


def report_json(
    figures: AgreementFigures,
    languages: tuple[str, ...],
    wages: bool = True,
    cover: ReportCover | None = None,
) -> bytes:
    """The figures as they are; `languages` and the cover do not apply (names come in Vietnamese and
    Chinese; the figures are the same whoever asks).

    Rows are named as the API names them, by global ID (or code), never by a database row number."""
    data = dataclasses.asdict(figures)
    data.pop("workers")
    data["agreement_id"] = encode_id("Agreement", figures.agreement_id)
    for minutes in data["minutes"]:
        minutes["id"] = encode_id("TalksMinutes", minutes["id"])
    if not wages:
        data.pop("wages")
    for part in figures.withheld:  # hidden means absent
        data.pop(part, None)
    data.pop("withheld")
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2).encode()


def report_pdf(
    figures: AgreementFigures, languages: tuple[str, ...], wages: bool, cover: ReportCover
) -> bytes:
    """`reports.pdf`, loaded on the first PDF: the PDF library and its fonts take a noticeable part
    of a process's start, and most processes (a command, a server) never make a PDF."""
    from reports.pdf import report_pdf as made

    return made(figures, languages, wages, cover)


def report_xlsx(
    figures: AgreementFigures, languages: tuple[str, ...], wages: bool, cover: ReportCover
) -> bytes:
    """`reports.xlsx`, loaded on the first workbook report."""
    from reports.xlsx import report_xlsx as made

    return made(figures, languages, wages, cover)


Writer = Callable[[AgreementFigures, tuple[str, ...], bool, ReportCover], bytes]
FORMATS: dict[str, tuple[str, Writer]] = {
    "xlsx": (XLSX_TYPE, report_xlsx),
    "pdf": ("application/pdf", report_pdf),
    "json": ("application/json", report_json),
}


def render_report(
    figures: AgreementFigures, fmt: str, languages: tuple[str, ...], wages: bool, cover: ReportCover
) -> bytes:
    return FORMATS[fmt][1](figures, languages, wages, cover)


def report_file_name(figures: AgreementFigures, fmt: str) -> str:
    """e.g. `AGR-LC-HK-report-2024.pdf`: the agreement's code first, so the meeting's files sort by it."""
    return f"{figures.code}-report-{figures.year}.{fmt}"
