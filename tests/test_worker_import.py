"""The spreadsheet import of workers, over HTTP and from the CLI, checked through the API's own lists.

What the issue asks: a template with Vietnamese headers; a dry run that checks every row with the
rules of registerWorker; all rows or none (or the valid ones with ?partial=true), in one transaction;
uploading the same file again registers nothing twice (ALREADY_REGISTERED); a malformed file, a
wrong sheet, a formula or a 20 MB upload is refused with a clear error and nothing is written.
"""

from __future__ import annotations

import io
import json

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from bench.workbooks import INPUT_HEADERS, workbook, worker_rows
from tests import plain_http
from tests.conftest import OFFICER_ARGS, run_cli

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Since July 2025 registrations use the communes in force today, under the merged provinces; the
# Mèo Vạc district committee registers no one new, Tuyên Quang's Home Affairs department does.
DISTRICT = "tq-home-affairs"
FIND = "query($n: String!) { workers(first: 5, filter: {nationalIdNumber: $n}) { nodes { fullName homeCommune { code } } } }"
VIETNAMESE_HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Mã xã nơi cư trú",
    "Số giấy thông hành",
    "Số hộ chiếu",
    "Số điện thoại",
]


@pytest.fixture(scope="module")
def communes(as_office) -> list[str]:
    units = as_office(DISTRICT).data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')
    return [u["code"] for u in units["administrativeUnits"]]


def upload(
    live_server,
    content: bytes,
    office: str = DISTRICT,
    purpose: str | None = "worker-registration",
    **params: str,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}", "Content-Type": XLSX}
    if purpose:
        headers["X-Purpose"] = purpose
    headers.update(params.pop("headers", {}))  # type: ignore[arg-type]
    return plain_http.post(
        f"{live_server.url}/imports/workers", params=params, content=content, headers=headers, timeout=120
    )


def registered(as_office, national_id: str) -> list[dict]:
    return as_office(DISTRICT, "worker-registration").data(FIND, {"n": national_id})["workers"]["nodes"]


def test_the_template_has_the_vietnamese_labels_and_a_filled_template_passes_a_dry_run(
    live_server, as_office, communes
):
    response = plain_http.get(
        f"{live_server.url}/imports/workers/template.xlsx",
        headers={"Authorization": f"Bearer {live_server.tokens[DISTRICT]}"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == VIETNAMESE_HEADERS
    for row in worker_rows(3, communes, serial_from=910_000):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    answer = upload(live_server, out.getvalue(), dryRun="true")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"rows": 3, "registered": 0, "valid": 3, "dryRun": True, "errors": []}
    assert registered(as_office, worker_rows(1, communes, serial_from=910_000)[0][4]) == []


def test_a_file_with_an_error_registers_nothing_unless_partial_and_a_second_upload_nothing_twice(
    live_server, as_office, communes
):
    rows = worker_rows(4, communes, serial_from=920_000)
    rows[2][4] = "12ab"  # row 4 of the sheet: not 12 digits
    content = workbook(rows)

    refused = upload(live_server, content, headers={"Accept-Language": "vi"}).json()
    assert (refused["rows"], refused["registered"], refused["valid"]) == (4, 0, 3)
    assert refused["errors"] == [
        {"row": 4, "column": "nationalIdNumber", "code": "INVALID_FORMAT", "message": "phải gồm 12 chữ số"}
    ]
    assert all(registered(as_office, r[4]) == [] for r in rows)

    partial = upload(live_server, content, partial="true").json()
    assert (partial["registered"], [e["code"] for e in partial["errors"]]) == (3, ["INVALID_FORMAT"])
    first = registered(as_office, rows[0][4])
    assert first == [{"fullName": rows[0][0], "homeCommune": {"code": rows[0][5]}}]

    again = upload(live_server, content, partial="true").json()
    assert again["registered"] == 0
    assert sorted((e["row"], e["code"]) for e in again["errors"]) == [
        (2, "ALREADY_REGISTERED"),
        (3, "ALREADY_REGISTERED"),
        (4, "INVALID_FORMAT"),
        (5, "ALREADY_REGISTERED"),
    ]
    assert len(registered(as_office, rows[0][4])) == 1
    # Another office uploading the same people learns only that the numbers are taken.
    other = upload(live_server, workbook(rows[:1]), office="lc-home-affairs").json()
    assert {e["code"] for e in other["errors"]} == {"DUPLICATE"}  # the CCCD and the border pass


def _two_sheets() -> bytes:
    book = Workbook()
    book.active.title = "Danh sách"
    book.create_sheet("Ghi chú")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_formula(rows: list[list]) -> bytes:
    rows[0][0] = '=CONCATENATE("Giàng ", "Mai")'
    return workbook(rows)


@pytest.mark.parametrize(
    ("name", "make", "status", "code"),
    [
        ("malformed", lambda rows: b"PK\x03\x04 this is not a workbook", 400, "INVALID_FILE"),
        ("wrong sheet", lambda rows: _two_sheets(), 400, "INVALID_FILE"),
        (
            "unknown column",
            lambda rows: workbook(rows, (*INPUT_HEADERS[:-1], "telephone")),
            400,
            "INVALID_FILE",
        ),
        ("formula", _with_formula, 400, "INVALID_FILE"),
        ("20 MB", lambda rows: workbook(rows) + b"\0" * (20 * 1024 * 1024), 413, "TOO_LARGE"),
    ],
)
def test_an_unusable_file_is_refused_with_a_clear_error_and_nothing_is_written(
    live_server, as_office, communes, name, make, status, code
):
    rows = worker_rows(2, communes, serial_from=930_000 + 10 * len(name))
    answer = upload(live_server, make(rows), partial="true")
    assert answer.status_code == status, answer.text
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == code and error["message"]
    assert registered(as_office, rows[1][4]) == []


@pytest.mark.parametrize(
    ("office", "purpose", "status", "code"),
    [
        (DISTRICT, None, 400, "PURPOSE_REQUIRED"),
        (DISTRICT, "placement-verification", 403, "PURPOSE_REFUSED"),
        ("tq-police", "security-clearance", 403, "FORBIDDEN"),
    ],
)
def test_an_import_needs_the_registration_duty_and_purpose(
    live_server, communes, office, purpose, status, code
):
    answer = upload(
        live_server, workbook(worker_rows(1, communes, serial_from=940_000)), office=office, purpose=purpose
    )
    assert answer.status_code == status
    assert answer.json()["errors"][0]["extensions"]["code"] == code


def test_the_cli_imports_with_a_progress_bar_and_a_dry_run(database, as_office, communes, tmp_path):
    rows = worker_rows(3, communes, serial_from=950_000)
    path = tmp_path / "workers.xlsx"
    path.write_bytes(workbook(rows))
    dry = run_cli(database, "import", "workers", str(path), "--office", DISTRICT, *OFFICER_ARGS, "--dry-run")
    assert json.loads(dry.stdout)["valid"] == 3 and "3/3 rows" in dry.stderr
    assert registered(as_office, rows[0][4]) == []
    done = run_cli(
        database, "import", "workers", str(path), "--office", DISTRICT, *OFFICER_ARGS, "--lang", "zh"
    )
    assert json.loads(done.stdout)["registered"] == 3 and "3/3 行" in done.stderr
    assert len(registered(as_office, rows[2][4])) == 1
