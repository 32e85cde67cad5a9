"""The workers export as a clerk opens it, and read back by the import (issue 21, item 2).

Headers and values in the reader's language (`?lang=` or Accept-Language), dates as Excel dates,
each unit's name beside its code, widths fit to the text (a CJK character counts double), a frozen
header and an autofilter. Its columns are the import's: an export sent back is a dry run that
registers nothing, changes nothing, and names each row and cell that differs from the record.
"""

from __future__ import annotations

import datetime as dt
import io

import httpx
import pytest
from openpyxl import load_workbook

from spreadsheets.cells import display_width
from tests import plain_http

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE = "tq-home-affairs"
PURPOSE = "worker-registration"
FILTER = {"status": "DEPLOYED"}
VIETNAMESE = [
    "Mã hồ sơ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Trạng thái",
    "Dân tộc",
    "Số CCCD",
    "Số giấy thông hành",
    "Số hộ chiếu",
    "Số điện thoại",
    "Mã tỉnh nơi cư trú",
    "Tỉnh nơi cư trú",
    "Mã huyện nơi cư trú",
    "Huyện nơi cư trú",
    "Mã xã nơi cư trú",
    "Xã nơi cư trú",
]
WORKER = "query($id: ID!) { node(id: $id) { ... on Worker { phone homeCommune { code nameVi } } } }"


def export(live_server, **params: str) -> bytes:
    headers = {"Authorization": f"Bearer {live_server.tokens[OFFICE]}", "X-Purpose": PURPOSE}
    response = plain_http.get(
        f"{live_server.url}/exports/workers.xlsx", params=params, headers=headers, timeout=120
    )
    assert response.status_code == 200, response.text
    return response.content


def upload(live_server, content: bytes, **params: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {live_server.tokens[OFFICE]}",
        "X-Purpose": PURPOSE,
        "Content-Type": XLSX,
    }
    return plain_http.post(
        f"{live_server.url}/imports/workers", params=params, content=content, headers=headers, timeout=120
    )


@pytest.fixture(scope="module")
def vietnamese(live_server) -> bytes:
    return export(live_server, lang="vi", **FILTER)


def test_the_export_speaks_the_readers_language_with_dates_unit_names_and_fitted_columns(
    live_server, as_office, vietnamese
):
    sheet = load_workbook(io.BytesIO(vietnamese)).active
    header = [c.value for c in sheet[1]]
    assert sorted(header) == sorted(VIETNAMESE)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["Ngày sinh"].is_date and isinstance(first["Ngày sinh"].value, dt.datetime)
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[header.index("Giới tính")] for r in values} <= {"Nữ", "Nam"}
    # The status as `labels(enum:)` gives it in Vietnamese (first letter upper case), never DEPLOYED.
    labels = as_office(OFFICE, PURPOSE).data('{ labels(enum: "WorkerStatus") { value vi } }')["labels"]
    deployed = next(label["vi"] for label in labels if label["value"] == "DEPLOYED")
    assert {r[header.index("Trạng thái")].casefold() for r in values} == {deployed.casefold()}
    record = as_office(OFFICE, PURPOSE).data(WORKER, {"id": first["Mã hồ sơ"].value})["node"]
    assert (first["Mã xã nơi cư trú"].value, first["Xã nơi cư trú"].value) == (
        record["homeCommune"]["code"],
        record["homeCommune"]["nameVi"],
    )
    for column in range(1, len(header) + 1):
        letter = sheet.cell(row=1, column=column).column_letter
        widest = max(display_width(c.value) for c in sheet[letter] if c.value is not None)
        assert sheet.column_dimensions[letter].width >= min(widest, 60)

    chinese = load_workbook(io.BytesIO(export(live_server, lang="zh", **FILTER))).active
    assert chinese.cell(row=1, column=2).value == "姓名"
    sex = [c.value for c in chinese[1]].index("性别") + 1
    assert {chinese.cell(row=r, column=sex).value for r in range(2, chinese.max_row + 1)} <= {"女", "男"}
    # "姓名" is two characters, four cells wide: a column fit for CJK is at least that.
    assert chinese.column_dimensions["B"].width >= 4


def test_an_export_sent_back_is_a_dry_run_naming_the_rows_that_differ(live_server, as_office, vietnamese):
    unchanged = upload(live_server, vietnamese).json()
    assert unchanged["dryRun"] is True and unchanged["registered"] == 0 and unchanged["errors"] == []

    book = load_workbook(io.BytesIO(vietnamese))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    phone = header.index("Số điện thoại") + 1
    worker_id = sheet.cell(row=3, column=1).value
    before = as_office(OFFICE, PURPOSE).data(WORKER, {"id": worker_id})["node"]["phone"]
    sheet.cell(row=3, column=phone).value = "0999999999"
    out = io.BytesIO()
    book.save(out)
    edited = upload(live_server, out.getvalue(), partial="true").json()
    assert edited["dryRun"] is True and edited["registered"] == 0
    assert [(e["row"], e["column"], e["code"]) for e in edited["errors"]] == [
        (3, "Số điện thoại", "DIFFERS_FROM_RECORD")
    ]
    assert as_office(OFFICE, PURPOSE).data(WORKER, {"id": worker_id})["node"]["phone"] == before
