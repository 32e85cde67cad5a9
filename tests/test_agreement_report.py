"""The agreement's yearly report: both sides get the same figures, and the figures are what the lists say.

The expected figures are counted here from the API's own lists (placements, incidents, crossings),
read by the Vietnamese labour department, following the definitions the issue and
`reports/figures.py` state: sent = started in the year; in China = started and not ended on
31 December; returned / terminated early / absconded = ended in the year with that status.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from tests.paging import all_nodes

YEAR = 2024
PAIRS = [("AGR-HG-BS", "tq-home-affairs", "cn-baise"), ("AGR-LC-HK", "lc-home-affairs", "cn-hekou")]

REPORT = """
query($id: ID!, $year: Int!) { agreementReport(agreementId: $id, year: $year) {
  year yearlyQuota
  totals { sent inChina returned absconded terminatedEarly }
  byEmployer { key flows { sent inChina returned absconded terminatedEarly } }
  byHomeDistrict { key flows { sent inChina returned absconded terminatedEarly } }
  incidents { kind status count } medianDaysToResolve
  wagesByEmployer { key placements minimum median mean maximum }
  quotaByEmployer { key approvedQuota sent inChina }
  crossingsByGateAndMonth { gate month exits entries }
  workersInChinaByMonth
  talksMinutes { heldOn }
  bySex { key flows { sent inChina returned absconded terminatedEarly } }
  byAgeBand { key flows { sent inChina returned absconded terminatedEarly } }
  recruitmentCost { placements medianFeeVnd withContractWage medianMonthsOfWage }
  wageArrears { cases amountCny settled amountSettledCny medianDaysToSettle }
  injuries { injuries placements perThousand }
  returns { ended onTime late notReturned }
  quotaUseByMonth { month sent sentToDate quotaLeft }
} }"""
WITHHELD = "< 5"  # policies/small_cells.toml: the threshold is 5


def report(as_office, office: str, agreement_id: str, year: int = YEAR) -> dict:
    return as_office(office, "statistics").data(REPORT, {"id": agreement_id, "year": year})["agreementReport"]


def agreement_id(as_office, office: str, code: str) -> str:
    agreements = as_office(office, "statistics").data("{ agreements { id code } }")["agreements"]
    return next(a["id"] for a in agreements if a["code"] == code)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def flows(placements: list[dict], year: int) -> dict[str, int]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    started = [p for p in placements if p["status"] != "PLANNED"]

    def ended(status: str) -> int:
        return sum(1 for p in started if p["status"] == status and first <= _day(p["endDate"]) <= last)

    return {
        "sent": sum(1 for p in started if first <= _day(p["startDate"]) <= last),
        "inChina": sum(1 for p in started if in_china(p, last)),
        "returned": ended("COMPLETED"),
        "absconded": ended("ABSCONDED"),
        "terminatedEarly": ended("TERMINATED"),
    }


def in_china(p: dict, day: dt.date) -> bool:
    end = _day(p["endDate"])
    return p["status"] != "PLANNED" and _day(p["startDate"]) <= day and (end is None or end > day)


def same_but_withheld(ours, theirs, where: str = "") -> list[str]:
    """Where the partner's figures differ from ours other than by a small cell shown as "< 5"."""
    if isinstance(ours, dict) and isinstance(theirs, dict) and ours.keys() == theirs.keys():
        return [d for k in ours for d in same_but_withheld(ours[k], theirs[k], f"{where}.{k}")]
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [
            d
            for n, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in same_but_withheld(a, b, f"{where}[{n}]")
        ]
    if ours == theirs or (theirs == WITHHELD and isinstance(ours, int) and ours < 5):
        return []
    return [f"{where}: {ours!r} / {theirs!r}"]


@pytest.mark.parametrize(("code", "vietnamese", "chinese"), PAIRS)
def test_both_sides_of_an_agreement_see_the_same_yearly_figures(as_office, code, vietnamese, chinese):
    """The same figures, save the counts under 5 of a breakdown by a field the Chinese office may not
    read (the workers' home district), which it gets as "< 5"; everything else is equal."""
    ours = report(as_office, vietnamese, agreement_id(as_office, vietnamese, code))
    theirs = report(as_office, chinese, agreement_id(as_office, chinese, code))
    assert ours["totals"]["sent"] > 0
    assert not same_but_withheld(ours, theirs)
    withheld_only_by_district = {k: v for k, v in theirs.items() if k != "byHomeDistrict"}
    assert withheld_only_by_district == {k: v for k, v in ours.items() if k != "byHomeDistrict"}


@pytest.mark.parametrize(("code", "office", "_"), PAIRS)
def test_report_figures_match_counts_made_from_the_api_lists(as_office, code, office, _):
    client = as_office(office, "statistics")
    gid = agreement_id(as_office, office, code)
    got = report(as_office, office, gid)
    placements = all_nodes(
        client,
        "placements",
        "id status startDate endDate monthlyWageCny employer { socialCreditCode approvedQuota }"
        " worker { id homeDistrict { code } }",
        f', filter: {{agreementId: "{gid}"}}',
    )
    first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

    assert got["totals"] == flows(placements, YEAR)
    for key, by in (("byEmployer", "employer"), ("byHomeDistrict", "worker")):
        groups: dict[str, list[dict]] = defaultdict(list)
        for p in placements:
            if by == "worker" and p["worker"]["homeDistrict"] is None:
                continue  # registered after the district level ended (1 July 2025): in no district's row
            groups[
                p["employer"]["socialCreditCode"] if by == "employer" else p["worker"]["homeDistrict"]["code"]
            ].append(p)
        expected = {k: flows(v, YEAR) for k, v in groups.items()}
        expected = {k: v for k, v in expected.items() if any(v.values())}
        assert {row["key"]: row["flows"] for row in got[key]} == expected

    in_force = [
        p
        for p in placements
        if p["status"] != "PLANNED"
        and _day(p["startDate"]) <= last
        and (p["endDate"] is None or _day(p["endDate"]) >= first)
    ]
    wages: dict[str, list[Decimal]] = defaultdict(list)
    for p in in_force:
        wages[p["employer"]["socialCreditCode"]].append(Decimal(p["monthlyWageCny"]))
    cent = Decimal("0.01")
    assert {w["key"]: w for w in got["wagesByEmployer"]} == {
        k: {
            "key": k,
            "placements": len(v),
            "minimum": str(min(v).quantize(cent)),
            "median": str(Decimal(statistics.median(v)).quantize(cent)),
            "mean": str((sum(v) / len(v)).quantize(cent)),
            "maximum": str(max(v).quantize(cent)),
        }
        for k, v in wages.items()
    }
    by_employer = defaultdict(list)
    for p in in_force:
        by_employer[p["employer"]["socialCreditCode"]].append(p)
    assert {q["key"]: (q["approvedQuota"], q["sent"], q["inChina"]) for q in got["quotaByEmployer"]} == {
        k: (v[0]["employer"]["approvedQuota"], flows(v, YEAR)["sent"], flows(v, YEAR)["inChina"])
        for k, v in by_employer.items()
    }
    month_ends = [dt.date(YEAR + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 13)]
    assert got["workersInChinaByMonth"] == [sum(in_china(p, end) for p in placements) for end in month_ends]

    ours = {p["id"] for p in placements}
    incidents = [
        i
        for i in all_nodes(client, "incidents", "kind status occurredOn resolvedOn placement { id }")
        if i["placement"] and i["placement"]["id"] in ours and first <= _day(i["occurredOn"]) <= last
    ]
    counts = Counter((i["kind"], i["status"]) for i in incidents)
    assert {(i["kind"], i["status"]): i["count"] for i in got["incidents"]} == counts
    days = [(_day(i["resolvedOn"]) - _day(i["occurredOn"])).days for i in incidents if i["resolvedOn"]]
    assert got["medianDaysToResolve"] == (statistics.median(days) if days else None)

    agreements = client.data("{ agreements { code borderGates { code } } }")["agreements"]
    gates = {g["code"] for a in agreements if a["code"] == code for g in a["borderGates"]}
    workers = {p["worker"]["id"] for p in placements}
    crossings: Counter = Counter()
    for c in all_nodes(client, "crossings", "direction crossedAt gate { code } worker { id }"):
        at = dt.datetime.fromisoformat(c["crossedAt"]).astimezone(dt.UTC)
        if at.year == YEAR and c["gate"]["code"] in gates and c["worker"]["id"] in workers:
            crossings[(c["gate"]["code"], at.month, c["direction"])] += 1
    assert {
        (c["gate"], c["month"], d): c[k]
        for c in got["crossingsByGateAndMonth"]
        for d, k in (("EXIT_VIETNAM", "exits"), ("ENTER_VIETNAM", "entries"))
        if c[k]
    } == crossings


def test_an_agreement_outside_the_office_region_does_not_exist_for_its_report(as_office):
    hekou = agreement_id(as_office, "lc-home-affairs", "AGR-LC-HK")
    body = as_office("tq-home-affairs", "statistics").query(REPORT, {"id": hekou, "year": YEAR})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["data"] is None


def test_the_wage_table_exists_only_for_offices_that_may_read_wages(as_office):
    baise = agreement_id(as_office, "tq-home-affairs", "AGR-HG-BS")
    query = "query($id: ID!) { agreementReport(agreementId: $id, year: 2024) { wagesByEmployer { key } } }"
    police = as_office("tq-police", "security-clearance").query(query, {"id": baise})
    assert police["errors"][0]["message"] == "Cannot query field 'wagesByEmployer' on type 'AgreementReport'."
    totals = "query($id: ID!) { agreementReport(agreementId: $id, year: 2024) { totals { sent } } }"
    assert as_office("tq-police", "security-clearance").data(totals, {"id": baise}) == as_office(
        "tq-home-affairs", "statistics"
    ).data(totals, {"id": baise})
