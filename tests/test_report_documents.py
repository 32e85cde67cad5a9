"""The report's documents for the meeting, over HTTP and from the CLI: opened as a reader would open them.

xlsx files are opened with openpyxl; PDFs are read with `pdftotext` (poppler-utils). Headers are
expected in Vietnamese and Chinese as the catalogues (locales/vi.po, locales/zh.po) give them.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import httpx
import pytest
from openpyxl import load_workbook

from tests import plain_http
from tests.conftest import OFFICER_ARGS, run_cli

AGREEMENT, YEAR = "AGR-LC-HK", 2024
TOTALS = "{ agreementReport(agreementId: $id, year: %d) { totals { sent inChina returned absconded terminatedEarly } byEmployer { nameZh } } }"
WORKERS_OF_REPORT = (
    '{ placements(first: 1, filter: {agreementId: $id, startedAfter: "%d-01-01", startedBefore: "%d-12-31",'
    " status: [ACTIVE, COMPLETED, TERMINATED, ABSCONDED]}) { nodes { worker { id } } } }"
)
DISCLOSURES = (
    "query($id: ID!) { node(id: $id) { ... on Worker { disclosures { office { code } purpose fields } } } }"
)


def _agreement_id(as_office, office: str) -> str:
    agreements = as_office(office, "statistics").data("{ agreements { id code } }")["agreements"]
    return next(a["id"] for a in agreements if a["code"] == AGREEMENT)


def _report(as_office, office: str) -> dict:
    gid = _agreement_id(as_office, office)
    query = "query($id: ID!) " + TOTALS % YEAR
    return as_office(office, "statistics").data(query, {"id": gid})["agreementReport"]


def _get(
    live_server, office: str, path: str, purpose: str | None = "statistics", **headers: str
) -> httpx.Response:
    sent = {"Authorization": f"Bearer {live_server.tokens[office]}", **headers}
    if purpose:
        sent["X-Purpose"] = purpose
    return plain_http.get(f"{live_server.url}{path}", headers=sent, timeout=60)


def test_the_xlsx_report_has_a_sheet_per_table_with_vietnamese_and_chinese_headers(live_server, as_office):
    response = _get(live_server, "cn-hekou", f"/reports/agreements/{AGREEMENT}/{YEAR}.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 9
    totals = book["Tổng hợp"]
    headers = [c.value for c in totals[1]]
    assert "Đã đưa đi / 派出" in headers and "Tại Trung Quốc cuối năm / 年末在华" in headers
    row = dict(zip(headers, (c.value for c in totals[2]), strict=True))
    figures = _report(as_office, "cn-hekou")["totals"]
    assert row["Đã đưa đi / 派出"] == figures["sent"]
    assert row["Tại Trung Quốc cuối năm / 年末在华"] == figures["inChina"]
    assert row["Đã về nước / 已回国"] == figures["returned"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_report_carries_vietnamese_and_chinese_text(live_server, as_office):
    response = _get(live_server, "lc-home-affairs", f"/reports/agreements/{AGREEMENT}/{YEAR}.pdf")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Hợp tác quản lý lao động qua biên giới giữa tỉnh Lào Cai" in text  # the agreement's title
    assert "Số người lao động tại Trung Quốc theo tháng" in text and "每月在华务工人员数" in text  # the chart
    employers = [e["nameZh"] for e in _report(as_office, "lc-home-affairs")["byEmployer"]]
    assert employers and all(name in text for name in employers)


def test_a_report_needs_the_statistics_purpose_and_says_so_in_the_readers_language(live_server):
    path = f"/reports/agreements/{AGREEMENT}/{YEAR}.xlsx"
    missing = _get(live_server, "cn-hekou", path, purpose=None, **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    assert (
        "X-Purpose" in missing.json()["errors"][0]["message"]
        and "请" in missing.json()["errors"][0]["message"]
    )
    other = _get(live_server, "cn-hekou", path, purpose="crossing-control", **{"Accept-Language": "vi"})
    assert other.status_code == 403
    assert other.json()["errors"][0]["message"] == "yêu cầu này cần mục đích statistics"
    unknown = _get(live_server, "cn-hekou", f"/reports/agreements/AGR-HG-BS/{YEAR}.xlsx")
    assert unknown.status_code == 404  # the Baise agreement does not exist for Hekou


def test_a_report_is_ledgered_for_the_workers_it_was_counted_from(live_server, as_office):
    assert _get(live_server, "cn-hekou", f"/reports/agreements/{AGREEMENT}/{YEAR}.json").status_code == 200
    gid = _agreement_id(as_office, "lc-home-affairs")
    placed = as_office("lc-home-affairs").data(
        "query($id: ID!) " + WORKERS_OF_REPORT % (YEAR, YEAR), {"id": gid}
    )
    worker = placed["placements"]["nodes"][0]["worker"]["id"]
    seen = as_office("lc-home-affairs", "data-subject-request", "HS-2026/0001").data(
        DISCLOSURES, {"id": worker}
    )["node"]
    assert {
        "office": {"code": "cn-hekou"},
        "purpose": "statistics",
        "fields": ["Query.agreementReport"],
    } in seen["disclosures"]


def test_the_cli_writes_the_same_figures_as_the_api(database, as_office, tmp_path):
    out = tmp_path / "report.json"
    run_cli(
        database,
        *(
            "report",
            "agreement",
            "--office",
            "lc-home-affairs",
            "--agreement",
            AGREEMENT,
            "--year",
            str(YEAR),
        ),
        *OFFICER_ARGS,
        *("--format", "json", "--output", str(out)),
    )
    totals = json.loads(out.read_text())["totals"]
    figures = _report(as_office, "lc-home-affairs")["totals"]
    assert (totals["sent"], totals["in_china"], totals["returned"]) == (
        figures["sent"],
        figures["inChina"],
        figures["returned"],
    )
    xlsx = tmp_path / "report.xlsx"
    run_cli(
        database,
        *("report", "agreement", "--office", "cn-hekou", "--agreement", AGREEMENT, "--year", str(YEAR)),
        *OFFICER_ARGS,
        *("--format", "xlsx", "--lang", "zh", "--output", str(xlsx)),
    )
    assert "合计" in load_workbook(xlsx).sheetnames


def test_the_cli_refuses_an_agreement_outside_the_office_in_its_language(database):
    result = run_cli(
        database,
        *("report", "agreement", "--office", "cn-hekou", "--agreement", "AGR-HG-BS", "--year", str(YEAR)),
        *OFFICER_ARGS,
        *("--format", "pdf", "--lang", "vi", "--output", "/dev/null"),
        check=False,
    )
    assert result.returncode == 1
    assert "không có thỏa thuận nào có ID này" in result.stderr
