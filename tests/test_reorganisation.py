"""Units and offices change as dated data (DOMAIN.md; issue 9 item 7): the 2025 mergers are rows
with successor links, not code, and jurisdictions follow them."""

from __future__ import annotations

import re
from pathlib import Path

from tests import procedure_steps as steps

ROOT = Path(__file__).resolve().parent.parent
COUNT = "{ workers(first: 0) { totalCount } }"
FIRST = "{ workers(first: 5) { nodes { id homeProvince { code } homeDistrict { code } } } }"


def _total(client) -> int:
    return client.data(COUNT)["workers"]["totalCount"]


def test_a_successor_office_sees_every_worker_registered_under_its_predecessor_units(as_office) -> None:
    successor, predecessor = as_office("tq-home-affairs"), as_office("hg-labour")
    assert _total(successor) == _total(predecessor) > 0
    assert _total(as_office("lc-home-affairs")) == _total(as_office("lc-labour")) > 0


def test_the_demos_historical_records_keep_their_units(as_office) -> None:
    for worker in as_office("tq-home-affairs").data(FIRST)["workers"]["nodes"]:
        assert worker["homeProvince"] == {"code": "VN-HG"}
        assert worker["homeDistrict"]["code"].startswith("VN-HG-")


def test_a_worker_registered_with_a_post_merger_commune_is_in_scope(as_office) -> None:
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
    assert (
        as_office("hg-labour").query(
            "query($id: ID!) { node(id: $id) { id } }", {"id": result["worker"]["id"]}
        )["data"]["node"]
        is None
    )


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
