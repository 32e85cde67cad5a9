"""Every problem of an import row is a row error: never a 500, never a traceback (issue 21, item 1).

Random rows and cells (text, numbers, dates, booleans, blanks, too few or too many cells) are put
into a workbook with openpyxl and run through the import's own reading and checking code as the
registering office, as a dry run: what comes back is only row errors, each with a row, a code and
a message in every language. Over HTTP and from the CLI, the case the issue found: an empty sex
cell. Duplicates inside one file are "the same person twice in this file", not "already
registered"; a CCCD typed as a number is told why it is short.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bench.workbooks import worker_rows
from imports.columns import COLUMNS
from imports.workbook import read_sheet
from imports.workers import IMPORT_PURPOSE, import_in_chunks
from locales import LANGUAGES
from models import Office
from policies.sessions import internal_session
from policies.tokens import identity_of
from service.registry import Registry
from spreadsheets.cells import append_values
from tests import plain_http
from tests.conftest import OFFICER_ARGS, Database, run_cli

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE = "tq-home-affairs"
HEADERS = [c.name for c in COLUMNS]
SEX = "Giới tính"


@pytest.fixture(scope="module")
def communes(as_office) -> list[str]:
    units = as_office(OFFICE).data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')
    return [u["code"] for u in units["administrativeUnits"]]


def book_of(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Workers"
    append_values(sheet, headers)
    for row in rows:
        append_values(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.sampled_from(["", " ", "Nữ", "nam", "女", "MALE", "x", "2001-02-30", "31/12/1990", "002199012345"]),
    st.sampled_from(["VN-TQ-2025-X", "VN-HG-MEOVAC-SONVI", "CN-YN", "B1234567", "+84912345678"]),
)
random_rows = st.lists(cells, max_size=len(COLUMNS) + 2)
# A valid row (by its serial) with a few of its cells replaced: these reach registerWorker's checks.
changes = st.tuples(
    st.integers(0, 5000), st.dictionaries(st.integers(0, len(COLUMNS) - 1), cells, max_size=2)
)


def test_random_rows_and_cells_come_back_only_as_row_errors(
    registry: Registry, database: Database, communes: list[str]
):
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(Office).where(Office.code == OFFICE)).one()
        grant = registry.access.grant_for(identity_of(office))

    def run(work):
        return registry.run_for(
            grant,
            work,
            purpose=IMPORT_PURPOSE,
            request="hypothesis",
            token_id=None,
            officer=None,
            case_ref=None,
            writes=True,
        )

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(st.one_of(random_rows, changes), min_size=1, max_size=6))
    def check(drawn: list[Any]) -> None:
        table = []
        for item in drawn:
            if isinstance(item, tuple):
                row = worker_rows(1, communes, seed=item[0], serial_from=970_000 + item[0])[0]
                table.append([item[1].get(i, cell) for i, cell in enumerate(row)])
            else:
                table.append(item)
        sheet = read_sheet(book_of(HEADERS, table))
        outcome = import_in_chunks(
            run,
            grant,
            sheet,
            today=dt.date.today(),
            chunk_rows=registry.settings.import_chunk_rows,
            dry_run=True,
        )
        numbers = {number for number, _ in sheet.rows}
        reached.append(outcome.valid)
        assert outcome.registered == 0 and outcome.stopped is None
        assert outcome.valid + len({e.row for e in outcome.errors}) == len(sheet.rows)
        for error in outcome.errors:
            assert error.row in numbers and error.code and error.code.isupper()
            for language in LANGUAGES:
                assert error.answer(language)["message"]

    reached: list[int] = []
    check()
    assert sum(reached) > 0  # some rows passed every check: the random ones reached registerWorker


def upload(live_server, content: bytes, **params: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {live_server.tokens[OFFICE]}",
        "X-Purpose": "worker-registration",
        "Content-Type": XLSX,
        "Accept-Language": params.pop("lang", "en"),
    }
    return plain_http.post(
        f"{live_server.url}/imports/workers", params=params, content=content, headers=headers, timeout=120
    )


def vietnamese_book(rows: list[list[Any]]) -> bytes:
    return book_of(["Họ và tên", "Ngày sinh", SEX, "Dân tộc", "Số CCCD", "Mã xã nơi cư trú"], rows)


def test_lang_in_the_query_decides_the_imports_row_errors_over_accept_language(live_server, communes):
    """`?lang=zh` answers in Chinese as on every other route, even when the browser sends English."""
    row = worker_rows(1, communes, serial_from=961_000)[0][:6]
    row[2] = None
    answer = upload(live_server, vietnamese_book([row]), dryRun="true", lang="en-US,en;q=0.9")
    assert answer.json()["errors"][0]["message"] == "is required"
    headers = {
        "Authorization": f"Bearer {live_server.tokens[OFFICE]}",
        "X-Purpose": "worker-registration",
        "Content-Type": XLSX,
        "Accept-Language": "en-US,en;q=0.9",
    }
    answer = plain_http.post(
        f"{live_server.url}/imports/workers",
        params={"dryRun": "true", "lang": "zh"},
        content=vietnamese_book([row]),
        headers=headers,
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["errors"] == [{"row": 2, "column": SEX, "code": "REQUIRED", "message": "为必填项"}]


def test_an_empty_sex_is_a_row_error_over_http_and_from_the_cli(live_server, database, communes, tmp_path):
    row = worker_rows(1, communes, serial_from=960_000)[0][:6]
    row[2] = None
    answer = upload(live_server, vietnamese_book([row]), dryRun="true", lang="vi")
    assert answer.status_code == 200, answer.text
    assert answer.json()["errors"] == [
        {"row": 2, "column": SEX, "code": "REQUIRED", "message": "là bắt buộc"}
    ]

    path = tmp_path / "no-sex.xlsx"
    path.write_bytes(vietnamese_book([row]))
    marked = tmp_path / "checked.xlsx"
    done = run_cli(
        database,
        "import",
        "workers",
        str(path),
        "--office",
        OFFICE,
        *OFFICER_ARGS,
        "--dry-run",
        "--marked",
        str(marked),
        "--lang",
        "vi",
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert [e["code"] for e in json.loads(done.stdout)["errors"]] == ["REQUIRED"]
    checked = load_workbook(marked).worksheets[0]
    assert (checked["G1"].value, checked["G2"].value) == ("Lỗi", f"{SEX}: là bắt buộc")


def test_a_row_repeating_another_in_the_same_file_is_a_duplicate_in_the_file(live_server, communes):
    rows = worker_rows(3, communes, serial_from=961_000)
    rows[2] = list(rows[0])  # row 4 of the sheet is row 2's person again
    answer = upload(live_server, book_of(HEADERS, rows), dryRun="true").json()
    assert answer["valid"] == 2
    assert [(e["row"], e["code"]) for e in answer["errors"]] == [(4, "DUPLICATE_IN_FILE")]
    assert "row 2" in answer["errors"][0]["message"]
    assert all(e["code"] != "ALREADY_REGISTERED" for e in answer["errors"])


def test_a_cccd_typed_as_a_number_is_told_its_leading_zero_was_lost(live_server, communes):
    row = worker_rows(1, communes, serial_from=962_000)[0]
    row[4] = int(row[4])  # "002..." typed into a General cell: 2...
    errors = upload(live_server, book_of(HEADERS, [row]), dryRun="true").json()["errors"]
    assert [(e["column"], e["code"]) for e in errors] == [("nationalIdNumber", "INVALID_FORMAT")]
    assert "leading zero" in errors[0]["message"]
