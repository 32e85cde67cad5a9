"""The agreed procedure over HTTP (DOMAIN.md "The procedure", issue 9): each rule, each refusal code,
overrides, the event-driven lifecycle, the gate office's scope and the corrections.

Expectations come from the procedure text and the requirement data file it names
(procedure/requirements.toml: clearance 6 months, health 12 months, age 18, minimum wage 2000 CNY).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time

import pytest

from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from tests import procedure_steps as steps

_codes = itertools.count(int(time.time()) % 100_000)

AGREEMENT_STATUS = """mutation($input: UpdateAgreementStatusInput!) {
  updateAgreementStatus(input: $input) { agreement { status } errors { field code } } }"""
REQUIREMENTS = """query { agreements { id code requirements { clearanceValidMonths healthValidMonths minimumAge
  minimumMonthlyWageCny overridable } } }"""
UPDATE_VERSION = """mutation($input: UpdateAgreementRequirementsInput!) {
  updateAgreementRequirements(input: $input) {
    agreement { requirements { minimumAge minimumMonthlyWageCny validFrom validTo } } errors { field code } } }"""
UPDATE_REQUIREMENTS = """mutation($input: UpdateAgreementRequirementsInput!) {
  updateAgreementRequirements(input: $input) { agreement { requirements { minimumAge minimumMonthlyWageCny } }
  errors { field code } } }"""
CHANGE_STATUS = """mutation($input: ChangeWorkerStatusInput!) {
  changeWorkerStatus(input: $input) { worker { status } errors { field code } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Worker { status
  statusHistory { status from office { code } reason cause } } } }"""
OVERRIDES = (
    "query($id: ID!) { node(id: $id) { ... on Placement { overrides { rules reason office { code } } } } }"
)
UPDATE_WORKER = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { borderPassNumber } errors { field code } } }"""
CANCEL = """mutation($input: CancelPlacementInput!) {
  cancelPlacement(input: $input) { placement { status } errors { field code } } }"""
VOID = (
    """mutation($input: VoidRecordInput!) { voidRecord(input: $input) { recordId errors { field code } } }"""
)


def _codes_of(result: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


# -- 1. requirements as data ------------------------------------------------------------------


def test_each_agreement_shows_the_default_requirements_of_the_data_file(as_office) -> None:
    agreements = as_office("cn-hekou").data(REQUIREMENTS)["agreements"]
    hekou = next(a for a in agreements if a["code"] == "AGR-LC-HK")["requirements"]
    assert hekou == {
        "clearanceValidMonths": 6,
        "healthValidMonths": 12,
        "minimumAge": 18,
        "minimumMonthlyWageCny": "2000.00",
        "overridable": ["agreement-quota", "clearance-age", "employer-quota"],
    }


def test_labour_changes_an_agreements_requirements_and_the_rules_follow(as_office) -> None:
    code = steps.new_agreement(as_office)
    labour = as_office("lc-home-affairs")
    agreement, employer = steps.ids(labour, code, "CN-YN-HH-HK")
    changed = labour.data(UPDATE_REQUIREMENTS, {"input": {"agreementId": agreement, "minimumAge": 30}})
    assert changed["updateAgreementRequirements"]["errors"] == []
    assert changed["updateAgreementRequirements"]["agreement"]["requirements"]["minimumAge"] == 30
    worker = steps.ready(
        as_office, born=steps.today().replace(year=steps.today().year - 25) - dt.timedelta(days=3)
    )
    result = labour.data(steps.PLACE, {"input": steps.placement_input(worker, agreement, employer)})
    assert _codes_of(result["createPlacement"]) == {("workerId", "UNDERAGE")}


def test_a_requirement_change_starts_a_new_version_and_each_start_is_judged_by_the_rules_of_its_day(
    as_office,
) -> None:
    """Rules as data with validity dates: the change is in force from its validFrom; a placement
    starting before it is judged by the set in force then (minimum age 18), one starting after by
    the new set (30)."""
    labour = as_office("lc-home-affairs")
    agreement, employer = steps.ids(labour, steps.new_agreement(as_office), "CN-YN-HH-HK")
    since = steps.today() - dt.timedelta(days=3)
    changed = labour.data(
        UPDATE_VERSION,
        {"input": {"agreementId": agreement, "minimumAge": 30, "validFrom": since.isoformat()}},
    )["updateAgreementRequirements"]
    assert changed["errors"] == []
    assert changed["agreement"]["requirements"] == {
        "minimumAge": 30,
        "minimumMonthlyWageCny": "2000.00",  # left out: kept from the set in force before
        "validFrom": since.isoformat(),
        "validTo": None,
    }
    worker = steps.ready(
        as_office, born=steps.today().replace(year=steps.today().year - 25) - dt.timedelta(days=3)
    )
    today = steps.placement_input(worker, agreement, employer)
    assert _codes_of(labour.data(steps.PLACE, {"input": today})["createPlacement"]) == {
        ("workerId", "UNDERAGE")
    }
    before = steps.placement_input(worker, agreement, employer, startDate=steps.days_ago(5))
    assert labour.data(steps.PLACE, {"input": before})["createPlacement"]["errors"] == []


def test_a_new_requirement_version_must_start_after_the_current_one_and_not_in_the_future(as_office) -> None:
    labour = as_office("lc-home-affairs")
    agreement, _ = steps.ids(labour, steps.new_agreement(as_office), "CN-YN-HH-HK")
    first = {"agreementId": agreement, "minimumAge": 21, "validFrom": steps.days_ago(10)}
    assert labour.data(UPDATE_VERSION, {"input": first})["updateAgreementRequirements"]["errors"] == []
    for valid_from in (
        steps.days_ago(11),
        steps.days_ago(20),
        (steps.today() + dt.timedelta(days=1)).isoformat(),
    ):
        again = {"agreementId": agreement, "minimumAge": 25, "validFrom": valid_from}
        refused = labour.data(UPDATE_VERSION, {"input": again})["updateAgreementRequirements"]
        assert _codes_of(refused) == {("validFrom", "OUT_OF_RANGE")}, valid_from
    shown = labour.data(REQUIREMENTS)["agreements"]
    assert next(a for a in shown if a["id"] == agreement)["requirements"]["minimumAge"] == 21


def test_a_requirement_version_is_corrected_on_the_day_it_was_made(as_office) -> None:
    labour = as_office("lc-home-affairs")
    agreement, _ = steps.ids(labour, steps.new_agreement(as_office), "CN-YN-HH-HK")
    first = {"agreementId": agreement, "minimumAge": 21, "validFrom": steps.days_ago(10)}
    assert labour.data(UPDATE_VERSION, {"input": first})["updateAgreementRequirements"]["errors"] == []
    corrected = {"agreementId": agreement, "minimumAge": 23, "validFrom": steps.days_ago(10)}
    answer = labour.data(UPDATE_VERSION, {"input": corrected})["updateAgreementRequirements"]
    assert answer["errors"] == []
    assert answer["agreement"]["requirements"] == {
        "minimumAge": 23,
        "minimumMonthlyWageCny": "2000.00",
        "validFrom": steps.days_ago(10),
        "validTo": None,
    }
    # the correction replaced the day's version: a later version still starts after it
    later = {"agreementId": agreement, "minimumMonthlyWageCny": "2500", "validFrom": steps.days_ago(3)}
    shown = labour.data(UPDATE_VERSION, {"input": later})["updateAgreementRequirements"]
    assert shown["errors"] == []
    assert shown["agreement"]["requirements"]["minimumAge"] == 23


@pytest.mark.parametrize(("age", "accepted"), [(17, False), (1, False), (18, True)])
def test_a_minimum_age_below_the_laws_floor_of_18_is_refused(as_office, age: int, accepted: bool) -> None:
    labour = as_office("lc-home-affairs")
    agreement, _ = steps.ids(labour, steps.new_agreement(as_office), "CN-YN-HH-HK")
    answer = labour.data(UPDATE_REQUIREMENTS, {"input": {"agreementId": agreement, "minimumAge": age}})
    errors = _codes_of(answer["updateAgreementRequirements"])
    assert errors == (set() if accepted else {("minimumAge", "OUT_OF_RANGE")})


# -- 2. checks on createPlacement ---------------------------------------------------------------


def test_a_placement_needs_a_current_clear_clearance_and_a_fit_health_check(as_office) -> None:
    worker = steps.register(as_office, "VN-LC")
    result = steps.place(as_office, worker)
    assert _codes_of(result) == {("workerId", "PREREQUISITE_MISSING")}
    assert len(result["errors"]) == 2  # the clearance and the health check, reported at once
    old = steps.register(as_office, "VN-LC")
    steps.clear(as_office, old, clearance_days_ago=200)  # older than 6 months: overridable
    assert _codes_of(steps.place(as_office, old)) == {("workerId", "PREREQUISITE_MISSING")}


def test_a_worker_under_the_minimum_age_on_the_start_date_is_refused(as_office) -> None:
    seventeen = steps.today().replace(year=steps.today().year - 17) - dt.timedelta(days=30)
    worker = steps.ready(as_office, born=seventeen)
    assert _codes_of(steps.place(as_office, worker)) == {("workerId", "UNDERAGE")}


def test_a_suspended_worker_is_ineligible_and_a_second_open_placement_is_refused(as_office) -> None:
    labour = as_office("lc-home-affairs")
    worker = steps.ready(as_office)
    assert steps.place(as_office, worker)["errors"] == []
    assert _codes_of(steps.place(as_office, worker)) == {("workerId", "ALREADY_PLACED")}
    suspended = steps.ready(as_office)
    change = {"workerId": suspended, "status": "SUSPENDED", "reason": "Đang bị điều tra"}
    assert labour.data(CHANGE_STATUS, {"input": change})["changeWorkerStatus"]["errors"] == []
    assert _codes_of(steps.place(as_office, suspended)) == {("workerId", "INELIGIBLE_STATUS")}


def test_an_employer_outside_the_agreements_chinese_party_is_refused(as_office) -> None:
    worker = steps.ready(as_office, "VN-HG")
    labour = as_office("tq-home-affairs")
    agreement, _ = steps.ids(labour, "AGR-HG-WS", "CN-YN-WS-MLP")
    _, baise_employer = steps.ids(labour, "AGR-HG-BS", "CN-GX-BS-NP")
    result = labour.data(steps.PLACE, {"input": steps.placement_input(worker, agreement, baise_employer)})
    assert _codes_of(result["createPlacement"]) == {("employerId", "OUTSIDE_AGREEMENT")}


def test_an_agreement_not_in_force_is_refused(as_office) -> None:
    code = steps.new_agreement(as_office)
    labour = as_office("lc-home-affairs")
    agreement, employer = steps.ids(labour, code, "CN-YN-HH-HK")
    worker = steps.ready(as_office)
    before = labour.data(
        steps.PLACE, {"input": steps.placement_input(worker, agreement, employer, startDate="2023-12-01")}
    )
    assert ("startDate", "AGREEMENT_NOT_IN_FORCE") in _codes_of(before["createPlacement"])
    labour.data(AGREEMENT_STATUS, {"input": {"agreementId": agreement, "status": "SUSPENDED"}})
    suspended = labour.data(steps.PLACE, {"input": steps.placement_input(worker, agreement, employer)})
    assert _codes_of(suspended["createPlacement"]) == {("agreementId", "AGREEMENT_NOT_IN_FORCE")}


def test_quotas_and_the_minimum_wage_are_enforced_and_quotas_can_be_overridden_with_a_reason(
    as_office,
) -> None:
    labour = as_office("lc-home-affairs")
    code = steps.new_agreement(as_office, yearly_quota=1)
    agreement, _ = steps.ids(labour, code, "CN-YN-HH-HK")
    employer = steps.new_employer(as_office, quota=1)
    first = labour.data(
        steps.PLACE, {"input": steps.placement_input(steps.ready(as_office), agreement, employer)}
    )
    assert first["createPlacement"]["errors"] == []
    second_worker = steps.ready(as_office)
    second = labour.data(
        steps.PLACE, {"input": steps.placement_input(second_worker, agreement, employer, monthlyWageCny="1")}
    )
    assert _codes_of(second["createPlacement"]) == {
        ("employerId", "QUOTA_EXCEEDED"),
        ("agreementId", "QUOTA_EXCEEDED"),
        ("monthlyWageCny", "BELOW_MINIMUM_WAGE"),
    }
    reason = {"reason": "Hai bên đã thống nhất nâng hạn mức tại buổi hội đàm tháng này"}
    not_overridable = labour.data(
        steps.PLACE,
        {
            "input": steps.placement_input(
                second_worker, agreement, employer, monthlyWageCny="1", override=reason
            )
        },
    )
    assert ("monthlyWageCny", "BELOW_MINIMUM_WAGE") in _codes_of(not_overridable["createPlacement"])
    short = labour.data(
        steps.PLACE,
        {"input": steps.placement_input(second_worker, agreement, employer, override={"reason": "vì cần"})},
    )
    assert ("override.reason", "TOO_SHORT") in _codes_of(short["createPlacement"])
    overridden = labour.data(
        steps.PLACE, {"input": steps.placement_input(second_worker, agreement, employer, override=reason)}
    )
    assert overridden["createPlacement"]["errors"] == []
    shown = labour.data(OVERRIDES, {"id": overridden["createPlacement"]["placement"]["id"]})["node"][
        "overrides"
    ]
    assert shown == [
        {
            "rules": ["agreement-quota", "employer-quota"],
            "reason": reason["reason"],
            "office": {"code": "lc-home-affairs"},
        }
    ]


def test_an_office_without_the_override_duty_has_no_override_input(as_office) -> None:
    fields = '{ __type(name: "CreatePlacementInput") { inputFields { name } } }'
    assert "override" in {
        f["name"] for f in as_office("lc-home-affairs").data(fields)["__type"]["inputFields"]
    }
    assert as_office("cn-hekou").data(fields)["__type"] is None


# -- confirmation, crossings, dates, identity -------------------------------------------------


def test_a_start_is_confirmed_only_while_the_agreement_is_in_force_and_with_a_unique_permit(
    as_office,
) -> None:
    labour = as_office("lc-home-affairs")
    code = steps.new_agreement(as_office)
    agreement, employer = steps.ids(labour, code, "CN-YN-HH-HK")
    workers = [steps.ready(as_office) for _ in range(2)]
    placements = [
        labour.data(steps.PLACE, {"input": steps.placement_input(worker, agreement, employer)})[
            "createPlacement"
        ]["placement"]["id"]
        for worker in workers
    ]
    for worker in workers:  # the procedure's exit comes before the confirmation
        assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    permit = steps.work_permit()
    hekou = as_office("cn-hekou")
    assert (
        hekou.data(steps.CONFIRM, {"input": {"placementId": placements[0], "workPermitNumber": permit}})[
            "confirmPlacementStart"
        ]["errors"]
        == []
    )
    duplicate = hekou.data(
        steps.CONFIRM, {"input": {"placementId": placements[1], "workPermitNumber": permit}}
    )
    assert _codes_of(duplicate["confirmPlacementStart"]) == {("workPermitNumber", "DUPLICATE")}
    labour.data(AGREEMENT_STATUS, {"input": {"agreementId": agreement, "status": "SUSPENDED"}})
    suspended = hekou.data(
        steps.CONFIRM, {"input": {"placementId": placements[1], "workPermitNumber": steps.work_permit()}}
    )
    assert _codes_of(suspended["confirmPlacementStart"]) == {("placementId", "AGREEMENT_NOT_IN_FORCE")}


def test_an_exit_needs_a_placement_at_a_gate_of_its_agreement_and_crossings_alternate(as_office) -> None:
    worker = steps.ready(as_office)
    assert _codes_of(steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")) == {
        ("workerId", "NO_PLACEMENT")
    }
    assert steps.place(as_office, worker)["errors"] == []
    wrong_gate = steps.cross(
        as_office, "lc-border-guard", worker, "EXIT_VIETNAM", gate="GATE-THANHTHUY-TIANBAO"
    )
    assert _codes_of(wrong_gate) == {("gateCode", "GATE_NOT_IN_AGREEMENT")}
    entry_first = steps.cross(as_office, "lc-border-guard", worker, "ENTER_VIETNAM")
    assert _codes_of(entry_first) == {("direction", "CROSSING_OUT_OF_SEQUENCE")}
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    again = steps.cross(as_office, "lc-customs", worker, "EXIT_VIETNAM")
    assert _codes_of(again) == {("direction", "CROSSING_OUT_OF_SEQUENCE")}


def test_checks_and_crossings_may_be_neither_in_the_future_nor_before_birth(as_office) -> None:
    worker = steps.register(as_office, "VN-LC", born=dt.date(1996, 5, 4))
    future = (steps.today() + dt.timedelta(days=30)).isoformat()
    for office, query, field, day in (
        ("lc-health", steps.HEALTH_CHECK, "checkedOn", future),
        ("lc-health", steps.HEALTH_CHECK, "checkedOn", "1990-01-01"),
        ("lc-police", steps.CLEARANCE, "issuedOn", future),
    ):
        result = as_office(office).data(
            query,
            {"input": {"workerId": worker, field: day, "result": "FIT" if "health" in office else "CLEAR"}},
        )
        assert _codes_of(next(iter(result.values()))) == {(field, "OUT_OF_RANGE")}


def test_an_identity_number_contradicting_the_birth_date_or_a_taken_passport_is_refused(as_office) -> None:
    labour = as_office("lc-home-affairs", "worker-registration")
    commune = steps.a_commune(labour, "VN-LC")
    data = {
        "fullName": "Vàng Thị Dợ",
        "dateOfBirth": "1995-02-03",
        "sex": "FEMALE",
        "ethnicity": "Hmong",
        "nationalIdNumber": "010096123456",  # a man born in 1996
        "homeCommuneCode": commune,
    }
    refused = labour.data(steps.REGISTER, {"input": data})["registerWorker"]
    assert _codes_of(refused) == {("nationalIdNumber", "INCONSISTENT_IDENTITY")}
    serial = next(_codes)
    first = {**data, "nationalIdNumber": f"010195{serial:06d}", "passportNumber": f"C{serial:07d}"}
    assert labour.data(steps.REGISTER, {"input": first})["registerWorker"]["errors"] == []
    second = {**data, "nationalIdNumber": f"010195{serial + 1:06d}", "passportNumber": f"C{serial:07d}"}
    assert _codes_of(labour.data(steps.REGISTER, {"input": second})["registerWorker"]) == {
        ("passportNumber", "DUPLICATE")
    }


# -- 4. the lifecycle follows events ------------------------------------------------------------


def test_the_lifecycle_follows_the_events_from_registration_to_return(as_office) -> None:
    labour = as_office("lc-home-affairs")
    worker = steps.register(as_office, "VN-LC")
    assert steps.status(labour, worker) == "REGISTERED"
    steps.clear(as_office, worker)
    assert steps.status(labour, worker) == "CLEARED"
    placement = steps.place(as_office, worker)["placement"]["id"]
    # Crossed now, after the placement was planned: an hour earlier falls on the day before in Vietnam
    # between 00:00 and 01:00, before the partner's window opened, and the partner could not act on it.
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=0)["errors"] == []
    assert steps.status(labour, worker) == "DEPLOYED"
    hekou = as_office("cn-hekou")
    hekou.data(steps.CONFIRM, {"input": {"placementId": placement, "workPermitNumber": steps.work_permit()}})
    ended = hekou.data(
        steps.END,
        {"input": {"placementId": placement, "endDate": steps.today().isoformat(), "outcome": "COMPLETED"}},
    )
    assert ended["reportPlacementEnd"]["errors"] == []
    assert steps.status(labour, worker) == "DEPLOYED"  # still in China until the entry
    assert steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM", minutes_ago=0)["errors"] == []
    history = labour.data(HISTORY, {"id": worker})["node"]
    assert history["status"] == "RETURNED"
    assert [(h["from"], h["status"], h["cause"]) for h in history["statusHistory"]] == [
        (None, "REGISTERED", "registerWorker"),
        ("REGISTERED", "CLEARED", "recordHealthCheck"),
        ("CLEARED", "DEPLOYED", "recordCrossing"),
        ("DEPLOYED", "RETURNED", "recordCrossing"),
    ]


def test_a_negative_clearance_takes_cleared_back_and_absconding_is_recorded(as_office) -> None:
    labour = as_office("lc-home-affairs")
    worker = steps.ready(as_office)
    as_office("lc-police").data(
        steps.CLEARANCE, {"input": {"workerId": worker, "issuedOn": steps.days_ago(1), "result": "NOT_CLEAR"}}
    )
    assert steps.status(labour, worker) == "REGISTERED"
    runaway = steps.ready(as_office)
    placement = steps.place(as_office, runaway)["placement"]["id"]
    steps.cross(as_office, "lc-border-guard", runaway, "EXIT_VIETNAM", minutes_ago=0)  # after the placement
    hekou = as_office("cn-hekou")
    hekou.data(steps.CONFIRM, {"input": {"placementId": placement, "workPermitNumber": steps.work_permit()}})
    hekou.data(
        steps.END,
        {"input": {"placementId": placement, "endDate": steps.today().isoformat(), "outcome": "ABSCONDED"}},
    )
    assert steps.status(labour, runaway) == "ABSCONDED"


@pytest.mark.parametrize(
    ("target", "allowed"), [("DEPLOYED", False), ("SUSPENDED", True), ("CLEARED", False)]
)
def test_manual_status_changes_follow_the_table_and_keep_their_reason(
    as_office, target: str, allowed: bool
) -> None:
    labour = as_office("lc-home-affairs")
    worker = steps.register(as_office, "VN-LC")
    result = labour.data(
        CHANGE_STATUS,
        {"input": {"workerId": worker, "status": target, "reason": "Theo đề nghị của Công an tỉnh"}},
    )
    if allowed:
        assert result["changeWorkerStatus"]["errors"] == []
        last = labour.data(HISTORY, {"id": worker})["node"]["statusHistory"][-1]
        assert last == {
            "status": target,
            "from": "REGISTERED",
            "office": {"code": "lc-home-affairs"},
            "reason": "Theo đề nghị của Công an tỉnh",
            "cause": "changeWorkerStatus",
        }
    else:
        assert _codes_of(result["changeWorkerStatus"]) == {("status", "INVALID_TRANSITION")}


# -- 5. the gate's office at its gate ----------------------------------------------------------


def test_the_gate_office_records_crossings_of_workers_from_another_province_placed_through_its_gate(
    as_office,
) -> None:
    code = steps.new_agreement(as_office, gates=("GATE-THANHTHUY-TIANBAO",))  # a Hà Giang gate
    worker = steps.ready(as_office)  # a Lào Cai worker
    guard = as_office("tq-border-guard")
    before = steps.cross(as_office, "tq-border-guard", worker, "EXIT_VIETNAM", gate="GATE-THANHTHUY-TIANBAO")
    assert _codes_of(before) == {("workerId", "NOT_FOUND")}
    assert steps.place(as_office, worker, agreement=code)["errors"] == []
    exit_ = steps.cross(as_office, "tq-border-guard", worker, "EXIT_VIETNAM", gate="GATE-THANHTHUY-TIANBAO")
    assert exit_["errors"] == []
    assert steps.status(guard, worker) == "DEPLOYED"


# -- 6. corrections ---------------------------------------------------------------------------


def test_corrections_add_a_border_pass_cancel_a_planned_placement_and_void_a_crossing(as_office) -> None:
    labour = as_office("lc-home-affairs")
    worker = steps.register(as_office, "VN-LC", borderPassNumber=None)
    serial = next(_codes)
    added = labour.data(
        UPDATE_WORKER,
        {
            "input": {
                "workerId": worker,
                "borderPassNumber": f"LC{serial:07d}",
                "reason": "Cấp giấy thông hành sau khi đăng ký",
            }
        },
    )
    assert added["updateWorker"] == {"worker": {"borderPassNumber": f"LC{serial:07d}"}, "errors": []}
    steps.clear(as_office, worker)
    placement = steps.place(as_office, worker)["placement"]["id"]
    mistaken = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["crossing"]["id"]
    voided = as_office("lc-border-guard").data(
        VOID, {"input": {"recordId": mistaken, "reason": "Ghi nhầm người lao động"}}
    )
    assert voided["voidRecord"] == {"recordId": mistaken, "errors": []}
    void = as_office("lc-home-affairs").data(
        "query($id: ID!) { node(id: $id) { ... on Crossing { voidedAt voidReason } } }", {"id": mistaken}
    )
    assert void["node"]["voidReason"] == "Ghi nhầm người lao động" and void["node"]["voidedAt"]
    assert steps.status(labour, worker) == "CLEARED"  # the void exit deployed no one
    # the void exit counts for nothing: the next crossing must again be an exit
    assert _codes_of(steps.cross(as_office, "lc-border-guard", worker, "ENTER_VIETNAM")) == {
        ("direction", "CROSSING_OUT_OF_SEQUENCE")
    }
    cancelled = labour.data(
        CANCEL, {"input": {"placementId": placement, "reason": "Người lao động rút hồ sơ"}}
    )
    assert cancelled["cancelPlacement"] == {"placement": {"status": "CANCELLED"}, "errors": []}
    assert _codes_of(
        labour.data(CANCEL, {"input": {"placementId": placement, "reason": "lần nữa"}})["cancelPlacement"]
    ) == {("placementId", "INVALID_STATE")}


VOID_SAID = """mutation($input: VoidRecordInput!) {
  voidRecord(input: $input) { recordId errors { field code message } } }"""
CROSSINGS = """query($id: ID!) { node(id: $id) { ... on Worker { status
  crossings(first: 100) { id direction voidedAt } } } }"""
# locales/vi.po: the refusal of a void that would leave the crossings out of order.
LATER_FIRST_VI = (
    "các lượt xuất nhập cảnh còn lại sẽ không còn xen kẽ, bắt đầu bằng xuất cảnh: "
    "hãy hủy trước các lượt xuất nhập cảnh sau đó"
)


def _crossings_of(labour, worker: str) -> tuple[str, dict[str, tuple[str, bool]]]:
    """The worker's status, and each of its crossings' direction and whether it is void."""
    node = labour.data(CROSSINGS, {"id": worker})["node"]
    return node["status"], {c["id"]: (c["direction"], c["voidedAt"] is not None) for c in node["crossings"]}


def _judged(database, crossings: list[str]) -> dict[str, dict[str, str]]:
    """What `procedure check` reports about these crossings (other tests write beside them)."""
    set_keyring(Keyring.load(database.key_file))  # to name the crossings as the check does
    names = {f"Crossing {decode_id(c, 'Crossing')[1]}" for c in crossings}
    _, found = steps.procedure_check(database)
    return {record: rules for record, rules in found.items() if record in names}


def test_voiding_an_exit_an_entry_follows_is_refused_and_nothing_changes(database, as_office) -> None:
    """DOMAIN.md: exits and entries alternate, starting with an exit, and a void record counts for
    nothing. Without the exit the entry would come first, which recording it would be refused for;
    so the void is refused with the same code, and the later crossing is to be voided first."""
    labour, guard = as_office("lc-home-affairs"), as_office("lc-border-guard")
    worker = steps.ready(as_office)
    assert steps.place(as_office, worker)["errors"] == []
    exit_ = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")
    entry = steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM")
    assert exit_["errors"] == [] and entry["errors"] == []
    crossings = [exit_["crossing"]["id"], entry["crossing"]["id"]]
    before = _crossings_of(labour, worker)
    assert before[1] == {crossings[0]: ("EXIT_VIETNAM", False), crossings[1]: ("ENTER_VIETNAM", False)}
    assert _judged(database, crossings) == {}

    void = {"recordId": crossings[0], "reason": "Ghi nhầm người lao động"}
    refused = guard.query(VOID_SAID, {"input": void}, headers={"Accept-Language": "vi"})["data"]
    assert refused["voidRecord"] == {
        "recordId": None,
        "errors": [{"field": "recordId", "code": "CROSSING_OUT_OF_SEQUENCE", "message": LATER_FIRST_VI}],
    }

    assert _crossings_of(labour, worker) == before  # nothing voided, the status as it was
    assert _judged(database, crossings) == {}
    # The order is still exit, entry: the next crossing in order, an exit, is accepted.
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []


def test_voiding_the_latest_crossing_is_accepted_and_the_next_crossing_in_order_follows(
    database, as_office
) -> None:
    """A return voided as a mistake counts for nothing (DOMAIN.md): the worker's last crossing is its
    exit again, so it is DEPLOYED (in China) again, and the next crossing in order, an entry, is
    accepted and returns it. `procedure check` finds every crossing left in order."""
    labour, hekou = as_office("lc-home-affairs"), as_office("cn-hekou")
    worker = steps.ready(as_office)
    # Begun 3 days ago, left for 2 days ago, ended today: an exit is left for a placement not ended
    # on its day (procedure/rules.py, `placement_left_for`), and an end may not be in the future.
    placement = steps.place(as_office, worker, startDate=steps.days_ago(3))["placement"]["id"]
    exit_ = steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM", minutes_ago=2 * 24 * 60)
    assert exit_["errors"] == []
    confirm = {"placementId": placement, "workPermitNumber": steps.work_permit()}
    assert hekou.data(steps.CONFIRM, {"input": confirm})["confirmPlacementStart"]["errors"] == []
    end = {"placementId": placement, "endDate": steps.today().isoformat(), "outcome": "COMPLETED"}
    assert hekou.data(steps.END, {"input": end})["reportPlacementEnd"]["errors"] == []
    mistaken = steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM")
    assert mistaken["errors"] == []
    assert steps.status(labour, worker) == "RETURNED"

    void = {"recordId": mistaken["crossing"]["id"], "reason": "Ghi nhầm thời điểm nhập cảnh"}
    voided = as_office("lc-customs").data(VOID, {"input": void})["voidRecord"]
    assert voided == {"recordId": mistaken["crossing"]["id"], "errors": []}
    assert steps.status(labour, worker) == "DEPLOYED"

    back = steps.cross(as_office, "lc-customs", worker, "ENTER_VIETNAM")
    assert back["errors"] == []
    status, crossings = _crossings_of(labour, worker)
    assert status == "RETURNED"
    assert crossings == {
        exit_["crossing"]["id"]: ("EXIT_VIETNAM", False),
        mistaken["crossing"]["id"]: ("ENTER_VIETNAM", True),
        back["crossing"]["id"]: ("ENTER_VIETNAM", False),
    }
    assert _judged(database, list(crossings)) == {}


def test_only_the_chinese_office_sets_an_employers_approved_quota(as_office) -> None:
    fields = '{ __type(name: "UpdateEmployerInput") { inputFields { name } } }'
    assert "approvedQuota" in {f["name"] for f in as_office("cn-hekou").data(fields)["__type"]["inputFields"]}
    assert "approvedQuota" not in {
        f["name"] for f in as_office("lc-home-affairs").data(fields)["__type"]["inputFields"]
    }
