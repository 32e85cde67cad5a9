"""An uploaded workbook costs bounded work, whatever it declares (issue 17, item 4).

Each workbook here is built byte by byte with `zipfile`, as a hostile partner office would craft
it: a 1.7 KB sheet declaring sixteen thousand columns and a far row, a shared-strings part holding
200,000 strings, a part that unpacks past the cap. Each is refused with a clear message, or read
within a bounded number of rows, in well under a second's work. A sheet beside the workers' is never
opened: not to read the file, not to write its checked copy (`format=xlsx`).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook

from imports.bounds import MAX_MEMBER_BYTES, MAX_ROWS
from imports.marked import marked_workbook
from imports.rowerrors import RowError
from imports.workbook import FileRefused, Sheet, read_sheet
from tests import plain_http

pytestmark = pytest.mark.engine_independent(
    "the workbook reader's bounds; the server refuses the file before any row is read"
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADERS = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Mã xã nơi cư trú"]
ROW = ["Lò Thị Mai", "2001-04-02", "Nữ", "Dao", "002301000123", "VN-TQ-2025-00001"]

SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'{overrides}<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/></Types>'
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    parts = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{parts}<Relationship Id="rId{sheets + 1}" Type="{RELATIONS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def crafted(
    rows: str,
    dimension: str = "A1:F2",
    shared: list[str] | None = None,
    padding: int = 0,
    others: dict[str, str] | None = None,
) -> bytes:
    """A workbook whose sheet named Workers has the rows given, and after it the `others` (each
    sheet's name and the whole XML of its part, as given), compressed as Excel compresses."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData>' + " " * padding + "</worksheet>"
    )
    sheets = {"Workers": sheet, **(others or {})}
    strings = shared or []
    shared_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(list(sheets)))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        for n, part in enumerate(sheets.values(), start=1):
            book.writestr(f"xl/worksheets/sheet{n}.xml", part)
        book.writestr("xl/sharedStrings.xml", shared_xml)
    return out.getvalue()


def _timed_read(content: bytes) -> tuple[float, object]:
    started = time.perf_counter()
    try:
        outcome: object = read_sheet(content)
    except FileRefused as exc:
        outcome = exc
    return time.perf_counter() - started, outcome


def test_a_small_well_formed_crafted_workbook_is_read() -> None:
    sheet = read_sheet(crafted(_inline_row(1, HEADERS) + _inline_row(2, ROW)))
    assert [values[:6] for _, values in sheet.rows] == [ROW]


def test_a_sheet_declaring_sixteen_thousand_columns_and_a_far_row_is_read_in_bounded_work() -> None:
    content = crafted(_inline_row(1, HEADERS) + _inline_row(20_000, ROW), dimension="A1:XFD20000")
    assert len(content) < 2_000  # the 1.7 KB file
    seconds, outcome = _timed_read(content)
    assert seconds < 2, seconds
    if not isinstance(outcome, FileRefused):
        assert [(number, values[:6]) for number, values in outcome.rows] == [(20_000, ROW)]  # type: ignore[attr-defined]
        assert all(len(values) <= len(HEADERS) for _, values in outcome.rows)  # type: ignore[attr-defined]


def test_rows_are_counted_empty_or_not_so_a_row_past_the_limit_is_refused_quickly() -> None:
    last = 1_048_576
    content = crafted(_inline_row(1, HEADERS) + _inline_row(last, ROW), dimension=f"A1:XFD{last}")
    seconds, outcome = _timed_read(content)
    assert isinstance(outcome, FileRefused), outcome
    assert f"more than {MAX_ROWS} rows" in str(outcome)
    assert seconds < 5, seconds


def test_a_workbook_holding_200000_shared_strings_is_refused() -> None:
    strings = HEADERS + ROW + [f"chuỗi {n}" for n in range(200_000 - 12)]
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(6))
    row = "".join(f'<c r="{chr(65 + i)}2" t="s"><v>{6 + i}</v></c>' for i in range(6))
    content = crafted(f'<row r="1">{header}</row><row r="2">{row}</row>', shared=strings)
    seconds, outcome = _timed_read(content)
    assert isinstance(outcome, FileRefused), outcome
    assert "different texts" in str(outcome)
    assert seconds < 10, seconds


def test_a_part_that_unpacks_beyond_the_cap_is_refused_as_a_zip_bomb() -> None:
    content = crafted(_inline_row(1, HEADERS) + _inline_row(2, ROW), padding=MAX_MEMBER_BYTES + 1)
    assert len(content) < MAX_MEMBER_BYTES // 100  # it compresses a hundredfold and more
    seconds, outcome = _timed_read(content)
    assert isinstance(outcome, FileRefused), outcome
    assert "xl/worksheets/sheet1.xml" in str(outcome) and "MB" in str(outcome)


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_the_server_answers_a_crafted_workbook_quickly_and_in_the_readers_language(
    live_server, language: str
) -> None:
    last = 1_048_576
    content = crafted(_inline_row(1, HEADERS) + _inline_row(last, ROW), dimension=f"A1:XFD{last}")
    headers = {
        "Authorization": f"Bearer {live_server.tokens['tq-home-affairs']}",
        "Content-Type": XLSX,
        "X-Purpose": "worker-registration",
        "Accept-Language": language,
    }
    started = time.perf_counter()
    response = plain_http.post(
        f"{live_server.url}/imports/workers",
        params={"dryRun": "true"},
        content=content,
        headers=headers,
        timeout=60,
    )
    assert time.perf_counter() - started < 5
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_FILE"
    assert str(MAX_ROWS) in error["message"] and "more than" not in error["message"]


# The part of a sheet cut off halfway: a reader that opened it could not parse it.
UNREADABLE = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1">'
)


def _numbers(rows: int, columns: int) -> str:
    """A sheet of `rows` rows of `columns` numbers each: no text, so no shared string to count."""
    cells = "".join(f'<c r="{chr(65 + i)}{{n}}"><v>{i}</v></c>' for i in range(columns))
    body = "".join(f'<row r="{n}">' + cells.format(n=n) + "</row>" for n in range(1, rows + 1))
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'


def _checked(sheet: Sheet) -> Workbook:
    error = RowError(2, HEADERS[4], "INVALID_FORMAT", "must be 12 digits")
    return load_workbook(io.BytesIO(marked_workbook(sheet, [error], "en")))


def test_the_checked_copy_is_the_workers_sheet_alone_and_no_other_sheet_is_opened() -> None:
    content = crafted(_inline_row(1, HEADERS) + _inline_row(2, ROW), others={"notes": UNREADABLE})
    book = _checked(read_sheet(content))
    assert book.sheetnames == ["Workers"]
    assert list(book["Workers"].iter_rows(values_only=True)) == [
        (*HEADERS, "Errors"),
        (*ROW, f"{HEADERS[4]}: must be 12 digits"),
    ]


def test_an_extra_sheet_past_the_row_limit_costs_the_checked_copy_nothing() -> None:
    # Read at all, its 600,000 cells would break the row limit, and held in memory take hundreds of MB.
    notes = _numbers(MAX_ROWS + 10_000, 10)
    content = crafted(_inline_row(1, HEADERS) + _inline_row(2, ROW), others={"notes": notes})
    sheet = read_sheet(content)
    tracemalloc.start()
    try:
        book = _checked(sheet)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert book.sheetnames == ["Workers"] and book["Workers"].max_row == 2
    assert peak < 16 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"


def test_the_server_sends_the_checked_copy_of_a_workbook_whose_other_sheet_no_reader_could_open(
    live_server,
) -> None:
    content = crafted(_inline_row(1, HEADERS) + _inline_row(2, ROW), others={"notes": UNREADABLE})
    headers = {
        "Authorization": f"Bearer {live_server.tokens['tq-home-affairs']}",
        "Content-Type": XLSX,
        "X-Purpose": "worker-registration",
    }
    response = plain_http.post(
        f"{live_server.url}/imports/workers",
        params={"dryRun": "true", "format": "xlsx", "lang": "en"},
        content=content,
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX and response.headers["X-Import-Rows"] == "1"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Workers"]
    assert [c.value for c in book["Workers"][1]] == [*HEADERS, "Errors"]
