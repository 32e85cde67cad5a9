"""Each office may make exactly the writes of its duty; a refused or invalid write changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import procedure_steps as steps
from tests.paging import all_nodes
from tests.policy_expectations import IN_FORCE, OFFICES, grant

MUTATIONS = "{ __schema { mutationType { fields { name } } } }"
INPUT_FIELDS = '{ __type(name: "%s") { inputFields { name } } }'
# Duties that are an input field rather than a mutation: (input type, field).
INPUT_DUTIES = {
    "overrideProcedure": ("CreatePlacementInput", "override"),
    "setEmployerQuota": ("RegisterEmployerInput", "approvedQuota"),
}


def _expected_duties() -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {office: set() for office in OFFICES}
    for line in (
        (Path(__file__).parent / "expected_write_duties.csv").read_text(encoding="utf-8").splitlines()
    ):
        if line.strip() and not line.startswith("#"):
            duty, offices = (part.strip() for part in line.split(";"))
            for office in offices.split():
                expected[office].add(duty)
    return expected


EXPECTED_DUTIES = _expected_duties()


@pytest.mark.parametrize("office", IN_FORCE)
def test_an_office_has_exactly_the_writes_of_its_duties(office: str, as_office) -> None:
    client = as_office(office)
    mutation_type = client.data(MUTATIONS)["__schema"]["mutationType"]
    present = {f["name"] for f in mutation_type["fields"]} if mutation_type else set()
    for duty, (input_type, field) in INPUT_DUTIES.items():
        found = client.data(INPUT_FIELDS % input_type)["__type"]
        if found and field in {f["name"] for f in found["inputFields"]}:
            present.add(duty)
    assert present == EXPECTED_DUTIES[office]
    assert set(grant(office).writable) == EXPECTED_DUTIES[office]


REGISTER = """
mutation($input: RegisterWorkerInput!) {
  registerWorker(input: $input) { worker { id fullName homeDistrict { code } } errors { field message code } }
}"""


def _units(client, parent: str) -> list[str]:
    query = "query($p: String) { administrativeUnits(parentCode: $p) { code } }"
    return [u["code"] for u in client.data(query, {"p": parent})["administrativeUnits"]]


def _worker_input(commune: str, national_id: str, **overrides) -> dict:
    data = {
        "fullName": "Giàng Thị Mỷ",
        "dateOfBirth": "1998-04-12",
        "sex": "FEMALE",
        "ethnicity": "Hmong",
        "nationalIdNumber": national_id,
        "homeCommuneCode": commune,
        "borderPassNumber": "HG" + national_id[-7:],  # one border pass per person
        "phone": "0912345678",
    }
    data.update(overrides)
    return data


def _count(client) -> int:
    return client.data("{ workers(first: 0) { totalCount } }")["workers"]["totalCount"]


def test_a_write_outside_the_duty_fails_as_an_unknown_mutation(as_office) -> None:
    """The complete, valid document that registers a worker for Hà Giang's labour department is an
    unknown mutation for every office without the duty: refused for the duty, not for its input."""
    labour = as_office("tq-home-affairs", "worker-registration")
    commune = _units(labour, "VN-TQ-2025")[0]  # communes in force today lie directly under the province
    variables = {"input": _worker_input(commune, "002198064321")}
    outsiders = [code for code in IN_FORCE if "registerWorker" not in EXPECTED_DUTIES[code]]
    assert len(outsiders) > 10
    for code in outsiders:
        body = as_office(code).query(REGISTER, variables)
        messages = [e["message"] for e in body.get("errors", [])]
        unknown = (
            "Cannot query field 'registerWorker' on type 'Mutation'."
            if EXPECTED_DUTIES[code] - set(INPUT_DUTIES)
            else "The mutation operation is not supported by the schema."  # an office with no duty at all
        )
        # The mutation's input type is as absent as the mutation itself.
        assert sorted(messages) == sorted(["Unknown type 'RegisterWorkerInput'.", unknown]), (code, messages)
        assert body.get("data") is None, code
    # The same document and input write for an office whose duty it is.
    assert labour.data(REGISTER, variables)["registerWorker"]["errors"] == []


def test_labour_registers_a_worker_of_its_province(as_office) -> None:
    labour = as_office("tq-home-affairs", "worker-registration")
    commune = _units(labour, "VN-TQ-2025")[0]
    before = _count(labour)
    result = labour.data(REGISTER, {"input": _worker_input(commune, "002198001234")})["registerWorker"]
    assert result["errors"] == [] and result["worker"]["fullName"] == "Giàng Thị Mỷ"
    assert _count(labour) == before + 1


def test_invalid_input_is_refused_field_by_field_and_writes_nothing(as_office) -> None:
    labour = as_office("tq-home-affairs", "worker-registration")
    before = _count(labour)
    bad = _worker_input("NO-SUCH-COMMUNE", "12345", dateOfBirth="2024-01-01", fullName="  ")
    result = labour.data(REGISTER, {"input": bad})["registerWorker"]
    fields = {e["field"]: e["code"] for e in result["errors"]}
    assert fields == {
        "fullName": "REQUIRED",
        "dateOfBirth": "OUT_OF_RANGE",
        "nationalIdNumber": "INVALID_FORMAT",
        "homeCommuneCode": "NOT_FOUND",
    }
    assert result["worker"] is None and _count(labour) == before


def test_a_national_id_cannot_be_registered_twice(as_office) -> None:
    labour = as_office("lc-home-affairs", "worker-registration")
    commune = _units(labour, "VN-LC-2025")[0]
    first = labour.data(REGISTER, {"input": _worker_input(commune, "010198005555")})["registerWorker"]
    assert first["errors"] == []
    again = labour.data(REGISTER, {"input": _worker_input(commune, "010198005555")})["registerWorker"]
    assert {e["field"]: e["code"] for e in again["errors"]} == {
        "nationalIdNumber": "DUPLICATE",
        "borderPassNumber": "DUPLICATE",
    }


def test_labour_registers_the_residents_of_its_own_province_only(as_office) -> None:
    labour = as_office("tq-home-affairs", "worker-registration")
    own, foreign = _units(labour, "VN-TQ-2025")[0], _units(labour, "VN-LC-2025")[0]
    before = _count(labour)
    refused = labour.data(REGISTER, {"input": _worker_input(foreign, "002198007777")})["registerWorker"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("homeCommuneCode", "OUT_OF_JURISDICTION")
    ]
    accepted = labour.data(REGISTER, {"input": _worker_input(own, "002198007777")})["registerWorker"]
    assert accepted["errors"] == [] and accepted["worker"]["homeDistrict"] is None  # no district since 2025
    assert _count(labour) == before + 1


CREATE_PLACEMENT = """
mutation($input: CreatePlacementInput!) {
  createPlacement(input: $input) { placement { id status } errors { field code } }
}"""
CONFIRM = """
mutation($input: ConfirmPlacementStartInput!) {
  confirmPlacementStart(input: $input) { placement { id status workPermitNumber worker { status } } errors { field code } }
}"""


def _hekou_context(as_office) -> dict:
    worker = steps.register(as_office, "VN-LC")
    steps.clear(as_office, worker)
    agreement, employer = steps.ids(as_office("lc-home-affairs"), "AGR-LC-HK", "CN-YN-HH-HK")
    return {"worker": worker, "employer": employer, "agreement": agreement}


def test_a_placement_is_created_by_labour_and_confirmed_only_by_the_chinese_office_where_it_is(
    as_office,
) -> None:
    ids = _hekou_context(as_office)
    created = as_office("lc-home-affairs").data(
        CREATE_PLACEMENT,
        {
            "input": {
                "workerId": ids["worker"],
                "employerId": ids["employer"],
                "agreementId": ids["agreement"],
                "job": "Lắp ráp linh kiện điện tử",
                "monthlyWageCny": "3800",
                "startDate": steps.today().isoformat(),
            }
        },
    )["createPlacement"]
    assert created["errors"] == [] and created["placement"]["status"] == "PLANNED"
    assert steps.cross(as_office, "lc-border-guard", ids["worker"], "EXIT_VIETNAM")["errors"] == []
    permit = steps.work_permit()
    confirm = {"placementId": created["placement"]["id"], "workPermitNumber": permit}
    elsewhere = as_office("cn-wenshan").data(CONFIRM, {"input": confirm})["confirmPlacementStart"]
    assert elsewhere == {"placement": None, "errors": [{"field": "placementId", "code": "NOT_FOUND"}]}
    done = as_office("cn-hekou").data(CONFIRM, {"input": confirm})["confirmPlacementStart"]
    assert done["errors"] == []
    assert done["placement"]["status"] == "ACTIVE" and done["placement"]["workPermitNumber"] == permit
    twice = as_office("cn-hekou").data(CONFIRM, {"input": confirm})["confirmPlacementStart"]
    assert twice["errors"] == [{"field": "placementId", "code": "INVALID_STATE"}]


def test_labour_cannot_place_a_worker_of_another_province(as_office) -> None:
    ids = _hekou_context(as_office)
    result = as_office("tq-home-affairs").data(
        CREATE_PLACEMENT,
        {
            "input": {
                "workerId": ids["worker"],
                "employerId": ids["employer"],
                "agreementId": ids["agreement"],
                "job": "x",
                "monthlyWageCny": "3000",
                "startDate": steps.today().isoformat(),
            }
        },
    )["createPlacement"]
    assert {"field": "workerId", "code": "NOT_FOUND"} in result["errors"]


RECORD_CROSSING = """
mutation($input: RecordCrossingInput!) {
  recordCrossing(input: $input) { crossing { id direction recordedBy { code } } errors { field code } }
}"""


def _next_year() -> str:
    """A moment a year from now: no crossing can have happened then."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=366)).isoformat()


def test_the_border_guard_records_crossings_of_its_province_only(as_office) -> None:
    guard = as_office("lc-border-guard")
    holder = steps.register(as_office, "VN-LC")
    steps.clear(as_office, holder)
    assert steps.place(as_office, holder)["errors"] == []
    entry = {
        "workerId": holder,
        "gateCode": "GATE-LAOCAI-HEKOU",
        "direction": "EXIT_VIETNAM",
        "crossedAt": steps.moment(5),
        "document": "BORDER_PASS",
    }
    foreign = as_office("tq-border-guard").data(RECORD_CROSSING, {"input": entry})["recordCrossing"]
    assert foreign["errors"] == [{"field": "workerId", "code": "NOT_FOUND"}]
    recorded = guard.data(RECORD_CROSSING, {"input": entry})["recordCrossing"]
    assert recorded["errors"] == [] and recorded["crossing"]["recordedBy"] == {"code": "lc-border-guard"}
    bad = guard.data(RECORD_CROSSING, {"input": {**entry, "gateCode": "NOPE", "crossedAt": _next_year()}})
    assert {e["field"] for e in bad["recordCrossing"]["errors"]} == {"gateCode", "crossedAt"}


def test_health_and_police_record_their_checks(as_office) -> None:
    health = as_office("tq-health")
    worker = all_nodes(health, "workers", "id")[0]["id"]
    hc = health.data(
        "mutation($w: ID!, $on: Date!) { recordHealthCheck(input: {workerId: $w, checkedOn: $on, result: FIT, "
        'notes: "Huyết áp bình thường"}) { healthCheck { notes result } errors { field } } }',
        {"w": worker, "on": steps.days_ago(2)},
    )["recordHealthCheck"]
    assert hc == {"healthCheck": {"notes": "Huyết áp bình thường", "result": "FIT"}, "errors": []}
    police = as_office("tq-police")
    pc = police.data(
        "mutation($w: ID!, $on: Date!) { recordPoliceClearance(input: {workerId: $w, issuedOn: $on, result: CLEAR}) "
        "{ policeClearance { result } errors { field } } }",
        {"w": worker, "on": steps.days_ago(1)},
    )["recordPoliceClearance"]
    assert pc == {"policeClearance": {"result": "CLEAR"}, "errors": []}


def test_either_side_updates_an_incident_it_is_party_to(as_office) -> None:
    hekou = as_office("cn-hekou", "incident-handling")
    worker = all_nodes(hekou, "workers", "id")[0]["id"]
    reported = hekou.data(
        "mutation($w: ID!, $on: Date!) { reportIncident(input: {workerId: $w, kind: WAGE_DISPUTE, occurredOn: $on, "
        'description: "Chậm trả lương tháng trước"}) { incident { id status reportedBy { code } } errors { field } } }',
        {"w": worker, "on": steps.days_ago(3)},
    )["reportIncident"]
    incident = reported["incident"]["id"]
    assert reported["incident"]["reportedBy"] == {"code": "cn-hekou"}
    update = 'mutation($i: ID!) { updateIncident(input: {incidentId: $i, status: IN_PROGRESS, handling: "Đã làm việc với công ty"}) { incident { status } errors { field code } } }'  # noqa: E501
    assert as_office("lc-home-affairs", "incident-handling").data(update, {"i": incident})[
        "updateIncident"
    ] == {
        "incident": {"status": "IN_PROGRESS"},
        "errors": [],
    }
    assert as_office("cn-wenshan", "incident-handling").data(update, {"i": incident})["updateIncident"] == {
        "incident": None,
        "errors": [{"field": "incidentId", "code": "NOT_FOUND"}],
    }
