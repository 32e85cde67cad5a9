"""Units and offices change as dated data (DOMAIN.md; issue 9 item 7): the 2025 mergers are rows
with successor links, not code, and jurisdictions follow them. The closed offices act again here only
inside `back_in_force`, to compare what they saw in their time with what their successors see."""

from __future__ import annotations

import re
from pathlib import Path

from tests import procedure_steps as steps
from tests.office_history import back_in_force
from tests.paging import all_nodes

ROOT = Path(__file__).resolve().parent.parent
COUNT = "{ workers(first: 0) { totalCount } }"
FIRST = "{ workers(first: 5) { nodes { id homeProvince { code } homeDistrict { code } } } }"


def _total(client) -> int:
    return client.data(COUNT)["workers"]["totalCount"]


SUCCESSIONS = (  # DOMAIN.md, "Parties": (successor in force today, predecessor)
    ("tq-home-affairs", "hg-labour"),
    ("tq-home-affairs", "hg-home-affairs"),
    ("lc-home-affairs", "lc-labour"),
    ("tq-police", "hg-police"),
    ("tq-health", "hg-health"),
    ("tq-border-guard", "hg-border-guard"),
    ("tq-home-affairs", "hg-meo-vac"),
)


def test_a_successor_office_sees_every_worker_registered_under_its_predecessor_units(
    as_office, database, live_server
) -> None:
    with back_in_force(database, live_server, *{predecessor for _, predecessor in SUCCESSIONS}):
        for successor, predecessor in SUCCESSIONS:
            before = {w["id"] for w in all_nodes(as_office(predecessor), "workers", "id")}
            after = {w["id"] for w in all_nodes(as_office(successor), "workers", "id")}
            assert before and before <= after, (successor, predecessor)


def test_the_demos_historical_records_keep_their_units(as_office) -> None:
    for worker in as_office("tq-home-affairs").data(FIRST)["workers"]["nodes"]:
        assert worker["homeProvince"] == {"code": "VN-HG"}
        assert worker["homeDistrict"]["code"].startswith("VN-HG-")


def test_a_worker_registered_with_a_post_merger_commune_is_in_scope(as_office, database, live_server) -> None:
    office = as_office("tq-home-affairs", "worker-registration")
    before = _total(office)
    born = steps.today().replace(year=steps.today().year - 30)
    data = {
        "fullName": "Thào Mí Dính",
        "dateOfBirth": born.isoformat(),
        "sex": "FEMALE",
        "ethnicity": "Hmong",
        "nationalIdNumber": steps.cccd("VN-HG", born, True, 777_001),
        "homeCommuneCode": "VN-TQ-2025-MEOVAC",
    }
    result = office.data(steps.REGISTER, {"input": data})["registerWorker"]
    assert result["errors"] == []
    assert _total(office) == before + 1
    shown = office.data(
        "query($id: ID!) { node(id: $id) { ... on Worker { homeProvince { code } homeDistrict { code } } } }",
        {"id": result["worker"]["id"]},
    )["node"]
    assert shown == {"homeProvince": {"code": "VN-TQ-2025"}, "homeDistrict": None}
    # the predecessor's office does not reach a commune made after its time
    with back_in_force(database, live_server, "hg-labour"):
        seen = as_office("hg-labour").query(
            "query($id: ID!) { node(id: $id) { id } }", {"id": result["worker"]["id"]}
        )
    assert seen["data"]["node"] is None


UNITS = """query($p: String, $c: Country, $on: Date) {
  administrativeUnits(parentCode: $p, country: $c, asOf: $on) { code level validFrom validTo } }"""
WHERE = """query($id: ID!) { node(id: $id) { ... on Worker {
  homeProvince { code validTo } homeDistrict { code validTo } homeCommune { code validTo } } } }"""
CLOSED = "2025-06-30"  # the last day of the district level (DOMAIN.md: from 1 July 2025)


def _units(client, **variables) -> list[dict]:
    return client.data(UNITS, variables)["administrativeUnits"]


def test_today_vietnam_has_provinces_and_their_communes_and_no_district(as_office) -> None:
    office = as_office("tq-home-affairs", "worker-registration")
    current = _units(office, c="VN")
    assert {u["level"] for u in current} == {"PROVINCE", "COMMUNE"}
    assert {u["code"] for u in current if u["level"] == "PROVINCE"} == {"VN-TQ-2025", "VN-LC-2025"}
    assert all(u["validTo"] is None and u["validFrom"] == "2025-07-01" for u in current)
    under = _units(office, p="VN-TQ-2025")
    assert "VN-TQ-2025-MEOVAC" in {u["code"] for u in under} and {u["level"] for u in under} == {"COMMUNE"}
    assert _units(office, p="VN-HG") == []  # the old province has no units in force today


def test_a_form_for_a_historical_record_navigates_the_units_of_its_day(as_office) -> None:
    office = as_office("tq-home-affairs", "worker-registration")
    on = "2019-05-01"
    provinces = {u["code"] for u in _units(office, c="VN", on=on) if u["level"] == "PROVINCE"}
    assert {"VN-HG", "VN-LC"} <= provinces and "VN-TQ-2025" not in provinces
    districts = _units(office, p="VN-HG", on=on)
    assert "VN-HG-MEOVAC" in {d["code"] for d in districts}
    assert {d["level"] for d in districts} == {"DISTRICT"} and {d["validTo"] for d in districts} == {CLOSED}
    communes = {u["code"] for u in _units(office, p="VN-HG-MEOVAC", on=on)}
    assert "VN-HG-MEOVAC-SONVI" in communes


def test_registering_today_with_a_commune_closed_in_2025_is_refused_naming_the_field(as_office) -> None:
    office = as_office("tq-home-affairs", "worker-registration")
    data = steps.registration("VN-HG", "VN-HG-MEOVAC-SONVI")
    body = office.query(steps.REGISTER, {"input": data}, headers={"Accept-Language": "vi"})
    assert body["data"]["registerWorker"] == {
        "worker": None,
        "errors": [
            {
                "field": "homeCommuneCode",
                "code": "UNIT_NOT_CURRENT",
                "message": "không phải là đơn vị hành chính đang có hiệu lực hôm nay (xem administrativeUnits)",
            }
        ],
    }
    # the same person with the commune in force today is registered
    accepted = office.data(steps.REGISTER, {"input": {**data, "homeCommuneCode": "VN-TQ-2025-MEOVAC"}})
    assert accepted["registerWorker"]["errors"] == []


def test_a_worker_registered_in_2019_keeps_the_units_of_its_registration(as_office) -> None:
    office = as_office("tq-home-affairs")
    worker = office.data(
        '{ workers(first: 1, filter: {homeDistrictCode: "VN-HG-MEOVAC"}) { nodes { id } } }'
    )["workers"]["nodes"][0]["id"]
    shown = office.data(WHERE, {"id": worker})["node"]
    assert shown["homeProvince"] == {"code": "VN-HG", "validTo": CLOSED}
    assert shown["homeDistrict"] == {"code": "VN-HG-MEOVAC", "validTo": CLOSED}
    assert (
        shown["homeCommune"]["code"].startswith("VN-HG-MEOVAC-") and shown["homeCommune"]["validTo"] == CLOSED
    )


def _residents(office, filter_: str) -> dict[str, str]:
    """{worker ID: home commune code} of the workers the filter finds."""
    found = all_nodes(office, "workers", "id homeCommune { code }", f", filter: {{{filter_}}}")
    return {w["id"]: w["homeCommune"]["code"] for w in found}


def test_a_new_commune_holds_the_residents_of_the_communes_it_succeeded(as_office) -> None:
    """The closure (models.units.rebuild_unit_closure) follows successor links: filtering by the
    post-2025 commune finds every resident registered under the old district's communes, and
    besides them only the workers registered under the new commune itself (since 2025)."""
    office = as_office("tq-home-affairs")
    for district, commune in (("VN-HG-MEOVAC", "VN-TQ-2025-MEOVAC"), ("VN-HG-DONGVAN", "VN-TQ-2025-DONGVAN")):
        old = _residents(office, f'homeDistrictCode: "{district}"')
        new = _residents(office, f'homeCommuneCode: "{commune}"')
        assert old and set(old) <= set(new), district
        assert {w for w, home in new.items() if w not in old} == {
            w for w, home in new.items() if home == commune
        }, commune


def test_the_provincial_agencies_of_a_merged_province_see_its_old_and_new_registrations(
    as_office, database, live_server
) -> None:
    registered_today = steps.register(as_office, "VN-LC")
    seen = "query($id: ID!) { node(id: $id) { id } }"
    for agency in ("lc-police", "lc-health", "lc-border-guard"):
        assert _total(as_office(agency)) == _total(as_office("lc-home-affairs"))
        assert as_office(agency).data(seen, {"id": registered_today})["node"] is not None
    for agency in ("tq-police", "tq-health"):
        assert _total(as_office(agency)) == _total(as_office("tq-home-affairs"))
    # the border guard also sees the workers placed under agreements listing its gates (gate-unit)
    assert _total(as_office("tq-border-guard")) >= _total(as_office("tq-home-affairs"))
    # the labour department closed before the merger: its jurisdiction stays the old province's
    with back_in_force(database, live_server, "lc-labour"):
        assert as_office("lc-labour").data(seen, {"id": registered_today})["node"] is None


def test_the_office_of_an_abolished_district_kept_its_residents_and_could_register_no_one_new(
    as_office, database, live_server
) -> None:
    """What the district committee's rights were; since 1 July 2025 it cannot act at all
    (tests/test_office_validity.py)."""
    with back_in_force(database, live_server, "hg-meo-vac"):
        district = as_office("hg-meo-vac", "worker-registration")
        residents = all_nodes(district, "workers", "homeDistrict { code }")
        assert residents and {w["homeDistrict"]["code"] for w in residents} == {"VN-HG-MEOVAC"}
        for commune, code in (
            ("VN-HG-MEOVAC-SONVI", "UNIT_NOT_CURRENT"),
            ("VN-TQ-2025-MEOVAC", "OUT_OF_JURISDICTION"),
        ):
            refused = district.data(steps.REGISTER, {"input": steps.registration("VN-HG", commune)})
            assert [(e["field"], e["code"]) for e in refused["registerWorker"]["errors"]] == [
                ("homeCommuneCode", code)
            ]


def test_no_code_names_a_province_or_a_district() -> None:
    """Units are data (demo/reference.py, the database): the service's code names none of them."""
    code_folders = ("models", "policies", "resolvers", "schema", "planner", "procedure", "ledger", "cli")
    unit_code = re.compile(r"""["']VN-[A-Z]{2}(-[A-Z0-9]+)*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in code_folders
        for path in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if unit_code.search(line)
    ]
    assert found == []
