"""An uploaded workbook costs bounded work, whatever it declares (issue 17, item 4).

Each workbook here is built byte by byte with `zipfile`, as a hostile partner office would craft
it: a 1.7 KB sheet declaring sixteen thousand columns and a far row, a shared-strings part holding
200,000 strings, a part that unpacks past the cap. Each is refused with a clear message, or read
within a bounded number of rows, in well under a second's work.
"""

from __future__ import annotations

import io
import time
import zipfile
from xml.sax.saxutils import escape

import pytest

from imports.bounds import MAX_MEMBER_BYTES, MAX_ROWS
from imports.workbook import FileRefused, read_sheet
from tests import plain_http

pytestmark = pytest.mark.engine_independent(
    "the workbook reader's bounds; the server refuses the file before any row is read"
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADERS = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Mã xã nơi cư trú"]
ROW = ["Lò Thị Mai", "2001-04-02", "Nữ", "Dao", "002301000123", "VN-TQ-2025-00001"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
    '<sheets><sheet name="Workers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def crafted(rows: str, dimension: str = "A1:F2", shared: list[str] | None = None, padding: int = 0) -> bytes:
    """A workbook of one sheet named Workers, its rows as given, compressed as Excel compresses."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData>' + " " * padding + "</worksheet>"
    )
    strings = shared or []
    shared_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
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
