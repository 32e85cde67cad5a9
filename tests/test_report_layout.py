"""The report's documents laid out for the meeting, as the issue asks: opened as a clerk opens them.

Workbooks are opened with openpyxl; PDFs read with `pdftotext` and a page rendered with `pdftoppm`.
The focal offices expected are the demo's offices in force today (demo/reference.py): Lào Cai's
Department of Home Affairs (which took over the labour department's duties in 2025) and Hekou's
labour market office for AGR-LC-HK.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import httpx
import pytest
from openpyxl import load_workbook

from tests import plain_http
from tests.conftest import OFFICER_ARGS, run_cli

AGREEMENT, YEAR = "AGR-LC-HK", 2024
LAO_CAI = "Sở Nội vụ tỉnh Lào Cai"
HEKOU = "河口瑶族自治县劳动力市场管理办公室"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def _get(live_server, office: str, path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}", "X-Purpose": "statistics"}
    response = plain_http.get(f"{live_server.url}{path}", headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def zh_book(live_server):
    response = _get(live_server, "cn-hekou", f"/reports/agreements/{AGREEMENT}/{YEAR}.xlsx?lang=zh")
    assert f'filename="{AGREEMENT}-report-{YEAR}.xlsx"' in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


@pytest.fixture(scope="module")
def pdf(live_server) -> bytes:
    response = _get(live_server, "lc-home-affairs", f"/reports/agreements/{AGREEMENT}/{YEAR}.pdf")
    assert f'filename="{AGREEMENT}-report-{YEAR}.pdf"' in response.headers["content-disposition"]
    return response.content


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_every_sheet_name_is_a_whole_short_name_within_excels_31_characters(live_server, zh_book):
    vi_book = load_workbook(
        io.BytesIO(
            _get(live_server, "lc-home-affairs", f"/reports/agreements/{AGREEMENT}/{YEAR}.xlsx").content
        )
    )
    assert vi_book.sheetnames[:4] == [
        "Trang bìa",
        "Tổng hợp",
        "Theo chủ sử dụng lao động",
        "Theo huyện cư trú",
    ]
    assert "Xuất nhập cảnh theo tháng" in vi_book.sheetnames
    assert zh_book.sheetnames[:2] == ["封面", "合计"] and "按月出入境" in zh_book.sheetnames
    assert all(len(name) <= 31 for name in vi_book.sheetnames + zh_book.sheetnames)


def test_the_cover_names_the_agreement_in_chinese_the_year_the_office_and_when(zh_book):
    rows = {row[0].value: row[1] for row in zh_book["封面"].iter_rows() if row[0].value}
    assert rows["协议"].value == AGREEMENT and rows["年份"].value == YEAR
    assert rows["协议名称（中文）"].value == "越南老街省与中国河口瑶族自治县跨境劳务管理协议"
    assert rows["协议名称（越南文）"].value.startswith("Hợp tác quản lý lao động qua biên giới")
    assert rows["编制单位"].value.startswith(HEKOU)
    made = rows["编制时间"]
    assert made.is_date and abs(made.value - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        hours=1
    )
    focal = [row[1].value for row in zh_book["封面"].iter_rows() if row[0].value == "牵头单位"]
    assert [name.split(" (")[0] for name in focal] == [LAO_CAI, HEKOU]


def test_numbers_carry_separators_wages_carry_yuan_and_dates_are_dates(zh_book):
    totals = zh_book["合计"]
    assert totals["B2"].data_type == "n" and totals["B2"].number_format == "#,##0"
    wages = zh_book["工资（人民币）"]
    money = [c for row in wages.iter_rows(min_row=2, min_col=5) for c in row]
    assert money and all(c.number_format == '#,##0.00 "CNY"' and c.data_type == "n" for c in money)
    minutes = zh_book["会谈纪要"]
    held = [row[0] for row in minutes.iter_rows(min_row=2)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in held)


def test_columns_fit_chinese_text_counted_double(zh_book):
    sheet = zh_book["按用工单位"]
    names = [c.value for c in sheet["C"][1:] if c.value]
    assert names
    assert sheet.column_dimensions["C"].width >= max(_width(n) for n in names)


def test_every_table_filters_and_prints_landscape_one_page_wide_with_its_header_on_each_page(zh_book):
    for sheet in zh_book.worksheets[1:]:
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_crossings_are_a_gate_by_month_table(zh_book, as_office):
    sheet = zh_book["按月出入境"]
    headers = [c.value for c in sheet[1]]
    assert headers[4:] == [f"{m:02d}" for m in range(1, 13)] + ["合计"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows and all(row[-1] == sum(row[4:16]) for row in rows)
    gid = next(
        a["id"]
        for a in as_office("cn-hekou", "statistics").data("{ agreements { id code } }")["agreements"]
        if a["code"] == AGREEMENT
    )
    query = f"query($id: ID!) {{ agreementReport(agreementId: $id, year: {YEAR}) {{ crossingsByGateAndMonth"
    figures = as_office("cn-hekou", "statistics").data(
        query + " { gate month exits entries } } }", {"id": gid}
    )["agreementReport"]["crossingsByGateAndMonth"]
    expected: dict[tuple[str, str], list[int]] = {}
    for c in figures:
        for label, key in (("出境", "exits"), ("入境", "entries")):
            expected.setdefault((c["gate"], label), [0] * 12)[c["month"] - 1] += c[key]
    assert {(r[0], r[3]): r[4:16] for r in rows} == expected


@needs_poppler
def test_the_pdf_has_page_numbers_the_issuing_office_the_date_and_both_signature_lines(pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = text.count("\f")
    assert f"Trang 1/{pages} / 第 1 页，共 {pages} 页" in text
    assert f"Trang {pages}/{pages}" in text
    now = dt.datetime.now(dt.UTC)
    assert LAO_CAI in text
    assert any(f"{day:%Y-%m-%d}" in text for day in (now, now - dt.timedelta(hours=1)))  # made just now
    assert "Chữ ký của cơ quan đầu mối hai bên / 双方牵头单位签字" in text
    assert "Phía Việt Nam / 越方" in text and "Phía Trung Quốc / 中方" in text
    assert HEKOU in text
    assert text.count("Họ và tên / 姓名:") == 2 and text.count("Chữ ký / 签字:") == 2
    assert "越南老街省与中国河口瑶族自治县跨境劳务管理协议" in text


@needs_poppler
def test_the_pdf_sets_numbers_with_separators_and_chinese_in_a_bold_face(pdf):
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "NotoSansCJKSCBold" in fonts and "NotoSansCJKSC " in fonts
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    wages = [
        line for line in text.stdout.decode().splitlines() if "," in line and line.strip()[-1:].isdigit()
    ]
    assert any("," in w.split()[-1] for w in wages)  # Vietnamese decimal comma, e.g. 3.291,67


@needs_poppler
def test_a_report_in_chinese_sets_every_line_in_a_font(live_server):
    """A line starting in Chinese (the fallback font) left the next line with no font (pdftotext:
    "No font in show") or in the Chinese font's glyphs: the Vietnamese title under the Chinese one
    came out as noise. Every line is readable, in both languages."""
    response = _get(live_server, "cn-hekou", f"/reports/agreements/{AGREEMENT}/{YEAR}.pdf?lang=zh")
    shown = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    assert b"No font" not in shown.stderr, shown.stderr.decode()
    text = shown.stdout.decode()
    assert "越南老街省与中国河口瑶族自治县跨境劳务管理协议" in text
    assert "Hợp tác quản lý lao động qua biên giới giữa tỉnh Lào Cai (Việt Nam)" in text
    assert "双方牵头单位签字" in text and HEKOU in text


@needs_poppler
def test_the_first_page_renders_with_its_chart_axis(pdf, tmp_path):
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "report.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000


def test_the_cli_report_logs_nothing_about_fonts(database, tmp_path):
    out = tmp_path / "report.pdf"
    result = run_cli(
        database,
        *("report", "agreement", "--office", "cn-hekou", "--agreement", AGREEMENT, "--year", str(YEAR)),
        *OFFICER_ARGS,
        *("--format", "pdf", "--output", str(out)),
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert "fontTools" not in result.stderr and "INFO" not in result.stderr


def test_a_report_made_as_of_a_past_day_names_the_focal_offices_of_that_day(database, tmp_path):
    out = tmp_path / "report.xlsx"
    run_cli(
        database,
        *("report", "agreement", "--office", "hg-labour", "--as-of", "2024-12-31"),
        *OFFICER_ARGS,
        *(
            "--agreement",
            "AGR-HG-BS",
            "--year",
            "2024",
            "--format",
            "xlsx",
            "--lang",
            "vi",
            "--output",
            str(out),
        ),
    )
    cover = load_workbook(out)["Trang bìa"]
    rows = [(row[0].value, row[1].value) for row in cover.iter_rows()]
    focal = [value.split(" (")[0] for label, value in rows if label == "Cơ quan đầu mối"]
    assert focal == ["Sở Lao động – Thương binh và Xã hội tỉnh Hà Giang", "百色市人力资源和社会保障局"]
