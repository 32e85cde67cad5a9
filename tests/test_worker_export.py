"""The workers export: the columns DOMAIN.md's visibility table gives each office, the rows of its scope.

Expected columns come from the table "Default visibility intent" (a unit shows as its code and its
name, issue 21); headers are in the reader's language, here English (no Accept-Language). The
expected rows are counted from the API's own `workers` list with the same filter.
"""

from __future__ import annotations

import io
from contextlib import nullcontext

import httpx
import pytest
from openpyxl import load_workbook

from tests import plain_http
from tests.office_history import back_in_force
from tests.policy_expectations import CLOSED

NAME_AND_IDENTITY = {"id", "fullName", "dateOfBirth", "sex", "status"}
EXPECTED_COLUMNS = {
    "tq-home-affairs": NAME_AND_IDENTITY
    | {"ethnicity", "nationalIdNumber", "borderPassNumber", "passportNumber", "phone"}
    | {"homeProvince", "homeDistrict", "homeCommune"},
    "hg-meo-vac": NAME_AND_IDENTITY
    | {"ethnicity", "nationalIdNumber", "borderPassNumber", "passportNumber", "phone"}
    | {"homeProvince", "homeDistrict", "homeCommune"},
    "lc-customs": {"id", "fullName", "borderPassNumber", "passportNumber"},
    "cn-hekou": NAME_AND_IDENTITY | {"borderPassNumber", "passportNumber", "homeProvince"},
}
PURPOSE = {
    "tq-home-affairs": "placement-verification",
    "hg-meo-vac": "placement-verification",
    "lc-customs": "crossing-control",
    "cn-hekou": "placement-verification",
}
# The headers a reader of English sees for each field (issue 21: the import's labels, not GraphQL names).
HEADERS = {
    "id": {"Record ID"},
    "fullName": {"Full name"},
    "dateOfBirth": {"Date of birth"},
    "sex": {"Sex"},
    "status": {"Status"},
    "ethnicity": {"Ethnicity"},
    "nationalIdNumber": {"National ID number (CCCD)"},
    "borderPassNumber": {"Border pass number"},
    "passportNumber": {"Passport number"},
    "phone": {"Phone"},
    "homeProvince": {"Home province code", "Home province"},
    "homeDistrict": {"Home district code", "Home district"},
    "homeCommune": {"Home commune code", "Home commune"},
}
COUNT = "{ workers(first: 0, filter: {status: [DEPLOYED]}) { totalCount } }"
COUNT_ALL = "{ workers(first: 0) { totalCount } }"


def export(live_server, office: str, purpose: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return plain_http.get(
        f"{live_server.url}/exports/workers.xlsx", params=params, headers=headers, timeout=120
    )


@pytest.mark.parametrize("office", sorted(EXPECTED_COLUMNS))
def test_the_export_has_the_offices_columns_and_the_rows_of_its_scope(
    live_server, as_office, database, office
):
    # hg-meo-vac, the district role's only office, closed in 2025: its export as it was in its time.
    with back_in_force(database, live_server, office) if office in CLOSED else nullcontext():
        _export_has_the_offices_columns_and_rows(live_server, as_office, office)


def _export_has_the_offices_columns_and_rows(live_server, as_office, office: str) -> None:
    filtered = (
        "status" in EXPECTED_COLUMNS[office]
    )  # an office that cannot read the status cannot filter by it
    response = export(live_server, office, PURPOSE[office], **({"status": "DEPLOYED"} if filtered else {}))
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert set(rows[0]) == set().union(*(HEADERS[name] for name in EXPECTED_COLUMNS[office]))
    expected = as_office(office, PURPOSE[office]).data(COUNT if filtered else COUNT_ALL)["workers"][
        "totalCount"
    ]
    assert len(rows) - 1 == expected > 0
    if filtered:
        assert {r[rows[0].index("Status")] for r in rows[1:]} == {"Deployed"}


def test_an_export_is_ledgered_like_any_answer(live_server, as_office):
    sheet = load_workbook(
        io.BytesIO(export(live_server, "cn-hekou", "placement-verification", status="DEPLOYED").content)
    ).active
    first_id = next(sheet.iter_rows(min_row=2, values_only=True))[0]
    query = "query($id: ID!) { node(id: $id) { ... on Worker { disclosures { office { code } purpose fields } } } }"
    seen = as_office("lc-home-affairs", "data-subject-request", "HS-2026/0001").data(query, {"id": first_id})[
        "node"
    ]["disclosures"]
    assert any(d["office"] == {"code": "cn-hekou"} and "Worker.passportNumber" in d["fields"] for d in seen)


def test_a_filter_the_office_may_not_use_does_not_exist_and_a_purpose_is_needed(live_server):
    hidden = export(live_server, "cn-hekou", "placement-verification", ethnicity="Dao", **{})
    assert hidden.status_code == 400 and hidden.json()["errors"][0]["message"] == "unknown filter ethnicity"
    assert (
        export(live_server, "cn-hekou", None).json()["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    )
    assert export(live_server, "tq-foreign-affairs", "statistics").status_code == 404  # it sees no worker
