"""The demo true to the source documents (issue 22 item 6; seeds/, DOMAIN.md), read over HTTP.

The numbers are taken from the talks minutes the demo carries (the 01/11/2022 Lào Cai – Hà Khẩu
minutes restate the source: "05 biên bản hội đàm, 1.051 lao động ... Huệ Hồng" in 2016–2019), and
the yearly reports of those years must say the same, to both parties. The 2017 Baise placements are
the Mèo Vạc → Na Po pilot of the 2017 directive; the Săm Pun – Điền Bồng gate (Điền Bồng lies in
Funing, Wenshan) belongs to the Wenshan agreement.
"""

from __future__ import annotations

import re

from tests.test_agreement_report import same_but_withheld

REPORT = """query($a: ID!, $y: Int!) { agreementReport(agreementId: $a, year: $y) {
  totals { sent } byEmployer { key nameVi flows { sent } } byHomeDistrict { key flows { sent } }
  talksMinutes { heldOn summary } } }"""
GATES = "{ agreements { code borderGates { code } } }"
NAPO_EMPLOYERS = (
    """{ employers(first: 50, filter: {countyCode: "CN-GX-BS-NP"}) { nodes { socialCreditCode } } }"""
)
YEARS = (2016, 2017, 2018, 2019)


def _reports(client, code: str, years: tuple[int, ...]) -> dict[int, dict]:
    return {y: client.data(REPORT, {"a": code, "y": y})["agreementReport"] for y in years}


def _cited(as_office) -> tuple[int, int]:
    """(sets of minutes, workers at Huệ Hồng) as the 2022 minutes in the demo state them."""
    minutes = _reports(as_office("lc-home-affairs", "statistics"), "AGR-LC-HK", (2022,))[2022]["talksMinutes"]
    summary = next(m["summary"] for m in minutes if m["heldOn"] == "2022-11-01")
    found = re.search(r"(\d+) biên bản hội đàm, ([\d.]+) lao động tỉnh Lào Cai .*Huệ Hồng", summary)
    assert found, summary
    return int(found[1]), int(found[2].replace(".", ""))


def test_the_lao_cai_hekou_reports_of_2016_to_2019_hold_the_workers_and_minutes_the_2022_minutes_cite(
    as_office,
) -> None:
    minutes_cited, workers_cited = _cited(as_office)
    assert (minutes_cited, workers_cited) == (5, 1051)  # the source's figures (seeds/002_…)
    labour = _reports(as_office("lc-home-affairs", "statistics"), "AGR-LC-HK", YEARS)
    hekou = _reports(as_office("cn-hekou", "statistics"), "AGR-LC-HK", YEARS)
    # Both parties read the same figures, but for a small cell Hekou may not read (home district).
    assert same_but_withheld(labour, hekou) == []
    sent_at: dict[str, int] = {}
    for year in YEARS:
        for employer in labour[year]["byEmployer"]:
            sent_at[employer["nameVi"]] = sent_at.get(employer["nameVi"], 0) + employer["flows"]["sent"]
    assert sent_at == {"Công ty TNHH Khoa học Kỹ thuật Huệ Hồng": workers_cited}
    assert sum(labour[y]["totals"]["sent"] for y in YEARS) == workers_cited
    assert sum(len(labour[y]["talksMinutes"]) for y in YEARS) == minutes_cited


def test_the_2017_baise_placements_are_the_meo_vac_to_na_po_pilot(as_office) -> None:
    labour = as_office("tq-home-affairs", "statistics")
    report = _reports(labour, "AGR-HG-BS", (2017,))[2017]
    napo = {e["socialCreditCode"] for e in labour.data(NAPO_EMPLOYERS)["employers"]["nodes"]}
    assert report["totals"]["sent"] > 0
    assert {d["key"] for d in report["byHomeDistrict"] if d["flows"]["sent"]} == {"VN-HG-MEOVAC"}
    assert {e["key"] for e in report["byEmployer"] if e["flows"]["sent"]} <= napo


def test_the_sam_pun_dien_bong_gate_belongs_to_the_wenshan_agreement(as_office) -> None:
    agreements = as_office("tq-home-affairs").data(GATES)["agreements"]
    gates = {a["code"]: {g["code"] for g in a["borderGates"]} for a in agreements}
    assert "GATE-SAMPUN-TIANPENG" in gates["AGR-HG-WS"]
