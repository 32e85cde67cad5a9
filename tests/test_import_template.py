"""The import template a district clerk can fill in, a checked file sent back marked, a browser form.

What the issue asks of the template: a drop-down list for every enum (sex), a sheet of the communes
in force with code and name, an example row, a frozen header, identity columns formatted as text,
and a guide in the reader's language (?lang= or Accept-Language) with each column's format. A failed
dry run can come back as its sheet of workers with an error column and its faulty cells marked; a
browser form (multipart) uploads; `/imports` is a page of the service itself.
"""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from bench.workbooks import INPUT_HEADERS, workbook, worker_rows
from imports.marked import marked_workbook
from imports.rowerrors import RowError
from imports.workbook import read_sheet
from spreadsheets.cells import append_values
from tests import plain_http

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE = "tq-home-affairs"
CLOSED_COMMUNE = "VN-HG-MEOVAC-SONVI"  # closed in the 2025 reorganisation (issue 21, README)
IDENTITY_HEADERS = ("Số CCCD", "Số giấy thông hành", "Số hộ chiếu", "Số điện thoại")


def get(live_server, path: str, **headers: str) -> httpx.Response:
    auth = {"Authorization": f"Bearer {live_server.tokens[OFFICE]}"}
    return plain_http.get(f"{live_server.url}{path}", headers=auth | headers, timeout=60)


@pytest.fixture(scope="module")
def communes_in_force(as_office) -> set[str]:
    units = as_office(OFFICE).data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')
    return {u["code"] for u in units["administrativeUnits"]}


@pytest.fixture(scope="module")
def chinese_template(live_server):
    response = get(live_server, "/imports/workers/template.xlsx?lang=zh")
    assert response.status_code == 200, response.text
    return load_workbook(io.BytesIO(response.content))


def test_the_template_has_lists_communes_an_example_a_frozen_header_and_text_identity_columns(
    chinese_template, communes_in_force
):
    workers, example, units, guide = chinese_template.worksheets
    headers = [c.value for c in workers[1]]
    assert workers.freeze_panes == "A2"
    lists = {
        next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in workers.data_validations.dataValidation
    }
    sex = headers.index("Giới tính") + 1
    assert set(lists[sex].strip('"').casefold().split(",")) == {"nữ", "nam"}
    commune = headers.index("Mã xã nơi cư trú") + 1
    assert units.title in lists[commune]  # the commune list is the sheet of communes
    for header in IDENTITY_HEADERS:
        assert workers.cell(row=2, column=headers.index(header) + 1).number_format == "@"

    codes = {row[0] for row in units.iter_rows(min_row=2, values_only=True)}
    # The communes of the office's province in force today (its jurisdiction), no closed one.
    assert codes == communes_in_force and CLOSED_COMMUNE not in codes
    assert all(row[1] for row in units.iter_rows(min_row=2, values_only=True))  # each with its name

    assert [c.value for c in example[1]] == headers and example.max_row == 2
    assert units.title == "乡镇（社）名录" and guide.title == "填写说明"
    guide_rows = list(guide.iter_rows(values_only=True))
    assert guide_rows[0][:4] == ("列", "输入字段名", "必填", "格式")
    formats = {row[1]: row[3] for row in guide_rows[1:]}
    assert "12 位数字" in formats["nationalIdNumber"] and all(formats.values())


def test_the_example_row_copied_into_the_sheet_passes_a_dry_run(live_server):
    content = get(live_server, "/imports/workers/template.xlsx").content
    book = load_workbook(io.BytesIO(content))
    workers, example = book.worksheets[0], book.worksheets[1]
    workers.append([c.value for c in example[2]])
    out = io.BytesIO()
    book.save(out)
    answer = upload(live_server, out.getvalue(), dryRun="true").json()
    assert (answer["rows"], answer["valid"], answer["errors"]) == (1, 1, [])


def upload(live_server, content: bytes, **params: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {live_server.tokens[OFFICE]}",
        "X-Purpose": "worker-registration",
        "Content-Type": XLSX,
    }
    return plain_http.post(
        f"{live_server.url}/imports/workers", params=params, content=content, headers=headers, timeout=120
    )


def test_a_failed_dry_run_comes_back_as_the_workbook_with_its_errors_marked(live_server, communes_in_force):
    rows = worker_rows(3, sorted(communes_in_force), serial_from=963_000)
    right, rows[1][4] = rows[1][4], "12ab"  # row 3: not 12 digits
    answer = upload(live_server, workbook(rows), dryRun="true", format="xlsx", lang="vi")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    assert (answer.headers["X-Import-Valid"], answer.headers["X-Import-Errors"]) == ("2", "1")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [*INPUT_HEADERS, "Lỗi"]
    assert [sheet.cell(row=r, column=len(header)).value for r in (2, 3, 4)] == [
        None,
        "nationalIdNumber: phải gồm 12 chữ số",
        None,
    ]
    marked = {c.coordinate for row in sheet.iter_rows() for c in row if c.fill.fgColor.rgb.endswith("FFC7CE")}
    assert marked == {"E3", "J3"}
    # Corrected and sent back, the error column is ignored.
    sheet["E3"] = right
    out = io.BytesIO()
    sheet.parent.save(out)
    again = upload(live_server, out.getvalue(), dryRun="true").json()
    assert (again["valid"], again["errors"]) == (3, [])


def test_a_browser_form_uploads_the_workbook_and_the_upload_page_is_the_services_own(
    live_server, communes_in_force
):
    rows = worker_rows(2, sorted(communes_in_force), serial_from=964_000)
    answer = plain_http.post(
        f"{live_server.url}/imports/workers",
        params={"dryRun": "true"},
        files={"file": ("workers.xlsx", workbook(rows), XLSX)},
        headers={"Authorization": f"Bearer {live_server.tokens[OFFICE]}", "X-Purpose": "worker-registration"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["rows"], answer.json()["valid"]) == (2, 2)

    page = plain_http.get(f"{live_server.url}/imports?lang=vi", timeout=30)
    assert page.status_code == 200 and "Nhập danh sách người lao động" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)  # no external asset
    script = re.search(r'<script src="([^"]+)"', page.text)
    assert script and plain_http.get(f"{live_server.url}{script.group(1)}", timeout=30).status_code == 200


def test_a_checked_workbook_keeps_a_name_like_a_formula_as_text():
    book = Workbook()
    sheet = book.active
    sheet.title = "Workers"
    append_values(sheet, INPUT_HEADERS)
    append_values(sheet, ['=HYPERLINK("http://x","Xem")', None, None, None, "12ab"])
    out = io.BytesIO()
    book.save(out)
    read = read_sheet(out.getvalue())
    error = RowError(2, "nationalIdNumber", "INVALID_FORMAT", "=must be 12 digits")
    marked = marked_workbook(read, [error], "en")
    with zipfile.ZipFile(io.BytesIO(marked)) as files:
        assert not re.search(rb"<(\w+:)?f[ >/]", files.read("xl/worksheets/sheet1.xml"))
    cells = load_workbook(io.BytesIO(marked)).active
    assert (cells["A2"].data_type, cells["J2"].data_type) == ("s", "s")
