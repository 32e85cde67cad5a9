"""The worker's protection on a placement and wage arrears (issue 22), over real HTTP: written by the
Vietnamese labour office and by the Chinese office where the employer is, read back by both; a part
already recorded changes only with a reason; arrears are reported, then settled once.

Who may read and write these is decided in tests/expected_access.csv and
tests/expected_write_duties.csv (checked for every office by test_visibility_matrix and
test_write_duties); here, that the writes do what they say.
"""

from __future__ import annotations

import pytest

from tests import procedure_steps as steps
from tests.paging import all_nodes

PROTECTION = (
    "contractSignedOn contractMonths contractWeeklyHours contractWage contractCurrency"
    " injuryInsurer injuryPolicyNumber injuryInsuranceValidTo healthInsurer healthPolicyNumber"
    " healthInsuranceValidTo orientationOn orientationProvider recruitmentFeeVnd recruitmentFeeItems"
)
RECORD = (
    "mutation($input: RecordPlacementProtectionInput!) { recordPlacementProtection(input: $input) {"
    " placement { id PROTECTION } errors { field code } } }".replace("PROTECTION", PROTECTION)
)
REPORT_ARREARS = (
    "mutation($input: ReportWageArrearsInput!) { reportWageArrears(input: $input) {"
    " wageArrears { id periodFrom periodTo amountCny reportedOn reportedBy { code } settledOn } errors { field code } } }"
)
SETTLE = (
    "mutation($input: SettleWageArrearsInput!) { settleWageArrears(input: $input) {"
    " wageArrears { id settledOn amountSettledCny } errors { field code } } }"
)
READ = "query($id: ID!) { node(id: $id) { ... on Placement { %s wageArrears { id amountCny reportedBy { code } settledOn amountSettledCny } } } }"


@pytest.fixture(scope="module")
def placement(as_office) -> str:
    """An active Lào Cai – Hekou placement that started after the years other tests report on."""
    client = as_office("lc-home-affairs")
    agreements = client.data("{ agreements { id code } }")["agreements"]
    hekou = next(a["id"] for a in agreements if a["code"] == "AGR-LC-HK")
    active = all_nodes(
        client,
        "placements",
        "id startDate",
        f', filter: {{agreementId: "{hekou}", status: [ACTIVE], startedAfter: "2025-01-01"}}',
    )
    assert active, "the demo has active Hekou placements started in 2025"
    return active[-1]["id"]


def test_labour_and_the_employers_chinese_office_record_the_protection_both_read(
    as_office, placement
) -> None:
    labour, hekou = as_office("lc-home-affairs"), as_office("cn-hekou")
    contract = {
        "placementId": placement,
        "contractSignedOn": "2025-05-20",
        "contractMonths": 12,
        "contractWeeklyHours": 48,
        "contractWage": "3900",
        "contractCurrency": "CNY",
        "orientationOn": "2025-05-25",
        "orientationProvider": "Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
        "recruitmentFeeVnd": 2_300_000,
        "recruitmentFeeItems": ["giấy thông hành", "khám sức khỏe"],
        # The demo recorded the contract as drafted; the signed one replaces it, with the reason.
        "reason": "Cập nhật theo hợp đồng đã ký và biên lai phí tuyển dụng người lao động nộp.",
    }
    written = labour.data(RECORD, {"input": contract})["recordPlacementProtection"]
    assert written["errors"] == []
    insurance = {
        "placementId": placement,
        "injuryInsurer": "中国人民财产保险股份有限公司",
        "injuryPolicyNumber": "GS-TEST-0001",
        "injuryInsuranceValidTo": "2026-06-01",
        "healthInsurer": "中国人寿保险股份有限公司",
        "healthPolicyNumber": "YL-TEST-0001",
        "healthInsuranceValidTo": "2026-06-01",
        "reason": "Công ty mua lại bảo hiểm theo hợp đồng đã ký, số đơn mới.",
    }
    assert hekou.data(RECORD, {"input": insurance})["recordPlacementProtection"]["errors"] == []
    expected = {**contract, **insurance, "contractWage": "3900.00"}
    for key in ("placementId", "reason"):
        expected.pop(key)
    for client in (labour, hekou):
        seen = client.data(READ % PROTECTION, {"id": placement})["node"]
        assert {k: seen[k] for k in expected} == expected


def test_a_recorded_part_changes_only_with_a_reason(as_office, placement) -> None:
    labour = as_office("lc-home-affairs")
    first = {"placementId": placement, "contractWeeklyHours": 44}
    labour.data(RECORD, {"input": {**first, "reason": "Hợp đồng ghi 44 giờ mỗi tuần."}})
    change = {"placementId": placement, "contractWeeklyHours": 40}
    refused = labour.data(RECORD, {"input": change})["recordPlacementProtection"]
    assert refused == {"placement": None, "errors": [{"field": "reason", "code": "REQUIRED"}]}
    reason = "Phụ lục hợp đồng ngày 01/07/2025 giảm giờ làm xuống 40 giờ mỗi tuần."
    kept = labour.data(RECORD, {"input": {**change, "reason": reason}})["recordPlacementProtection"]
    assert kept["errors"] == [] and kept["placement"]["contractWeeklyHours"] == 40


def test_invalid_protection_is_refused_field_by_field(as_office, placement) -> None:
    bad = {
        "placementId": placement,
        "contractCurrency": "yuan",
        "contractWeeklyHours": 100,
        "recruitmentFeeVnd": -5,
        "recruitmentFeeItems": ["đi lại, ăn ở"],
    }
    refused = as_office("lc-home-affairs").data(RECORD, {"input": bad})["recordPlacementProtection"]
    assert refused["placement"] is None
    assert sorted(e["field"] for e in refused["errors"]) == [
        "contractCurrency",
        "contractWeeklyHours",
        "recruitmentFeeItems.0",
        "recruitmentFeeVnd",
    ]


def test_wage_arrears_are_reported_by_either_side_and_settled_once(as_office, placement) -> None:
    labour, hekou = as_office("lc-home-affairs"), as_office("cn-hekou")
    owed = {
        "placementId": placement,
        "periodFrom": "2025-09-01",
        "periodTo": "2025-09-30",
        "amountCny": "1850",
    }
    elsewhere = as_office("cn-wenshan").data(REPORT_ARREARS, {"input": owed})["reportWageArrears"]
    assert elsewhere == {"wageArrears": None, "errors": [{"field": "placementId", "code": "NOT_FOUND"}]}
    reported = hekou.data(REPORT_ARREARS, {"input": owed})["reportWageArrears"]
    assert reported["errors"] == []
    arrears = reported["wageArrears"]
    assert arrears["reportedBy"] == {"code": "cn-hekou"} and arrears["settledOn"] is None
    seen = labour.data(READ % "id", {"id": placement})["node"]["wageArrears"]
    assert {"id": arrears["id"], "amountCny": "1850.00", "reportedBy": {"code": "cn-hekou"},
            "settledOn": None, "amountSettledCny": None} in seen  # fmt: skip
    settle = {"wageArrearsId": arrears["id"], "settledOn": arrears["reportedOn"], "amountSettledCny": "1850"}
    settled = labour.data(SETTLE, {"input": settle})["settleWageArrears"]
    assert settled["errors"] == [] and settled["wageArrears"]["amountSettledCny"] == "1850.00"
    again = hekou.data(SETTLE, {"input": settle})["settleWageArrears"]
    assert again["errors"] == [{"field": "wageArrearsId", "code": "INVALID_STATE"}]


REQUIRE = """mutation($input: UpdateAgreementRequirementsInput!) { updateAgreementRequirements(input: $input) {
  agreement { id requirements { protectionBeforeExit } } errors { field code } } }"""


def test_an_agreement_may_require_the_protection_recorded_before_the_exit(as_office) -> None:
    """As data per agreement (issue 22): a new Lào Cai – Hekou agreement requires the contract and the
    insurance; the border guard's exit is refused until labour and cn-hekou have recorded them."""
    labour = as_office("lc-home-affairs")
    code = steps.new_agreement(as_office)
    agreement, _ = steps.ids(labour, code, "CN-YN-HH-HK")
    unknown = labour.data(REQUIRE, {"input": {"agreementId": agreement, "protectionBeforeExit": ["visa"]}})
    assert unknown["updateAgreementRequirements"]["errors"] == [
        {"field": "protectionBeforeExit", "code": "INVALID"}
    ]
    required = labour.data(
        REQUIRE, {"input": {"agreementId": agreement, "protectionBeforeExit": ["insurance", "contract"]}}
    )["updateAgreementRequirements"]
    assert required["agreement"]["requirements"] == {"protectionBeforeExit": ["contract", "insurance"]}

    worker = steps.ready(as_office)
    placed = steps.place(as_office, worker, agreement=code)
    assert placed["errors"] == []
    placement = placed["placement"]["id"]
    refused = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")
    assert refused["errors"] == [{"field": "workerId", "code": "PROTECTION_MISSING"}]

    contract = {"placementId": placement, "contractSignedOn": steps.days_ago(5), "contractMonths": 12,
                "contractWage": "3800", "contractCurrency": "CNY"}  # fmt: skip
    assert labour.data(RECORD, {"input": contract})["recordPlacementProtection"]["errors"] == []
    still = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")
    assert still["errors"] == [{"field": "workerId", "code": "PROTECTION_MISSING"}]
    insurance = {"placementId": placement, "injuryInsurer": "中国人民财产保险股份有限公司",
                 "injuryPolicyNumber": "GS-EXIT-0001", "healthInsurer": "中国人寿保险股份有限公司",
                 "healthPolicyNumber": "YL-EXIT-0001"}  # fmt: skip
    assert (
        as_office("cn-hekou").data(RECORD, {"input": insurance})["recordPlacementProtection"]["errors"] == []
    )
    crossed = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")
    assert crossed["errors"] == [] and crossed["crossing"]["direction"] == "EXIT_VIETNAM"
