"""The HTTP contract: authentication, purpose of use, malformed requests, clear errors, no data leaked."""

from __future__ import annotations

import json

import pytest

from tests import plain_http


@pytest.fixture(scope="module")
def http(live_server):
    with plain_http.client(base_url=live_server.url, timeout=30) as client:
        yield client


def _auth(
    live_server, office: str = "tq-home-affairs", purpose: str | None = "placement-verification"
) -> dict:
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return headers


def test_health_check_answers_without_a_token(http) -> None:
    assert http.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
def test_a_missing_or_bad_token_gets_401_and_no_data(http, headers) -> None:
    response = http.post("/graphql", json={"query": "{ me { code } }"}, headers=headers)
    assert response.status_code == 401
    assert (
        "data" not in response.json()
        and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    )


def test_me_needs_no_purpose(http, live_server) -> None:
    response = http.post(
        "/graphql",
        json={"query": "{ me { code side purposes } }"},
        headers=_auth(live_server, "cn-hekou", None),
    )
    me = response.json()["data"]["me"]
    assert me["code"] == "cn-hekou" and me["side"] == "CN" and "placement-verification" in me["purposes"]


def test_personal_data_without_a_purpose_is_refused(http, live_server) -> None:
    response = http.post(
        "/graphql",
        json={"query": "{ workers { nodes { fullName } } }"},
        headers=_auth(live_server, "cn-hekou", None),
    )
    assert response.status_code == 400 and "data" not in response.json()
    assert "X-Purpose" in response.json()["errors"][0]["message"]


def test_a_purpose_the_office_may_not_state_is_refused(http, live_server) -> None:
    response = http.post(
        "/graphql",
        json={"query": "{ workers { nodes { fullName } } }"},
        headers=_auth(live_server, "cn-hekou", "security-clearance"),
    )
    assert response.status_code == 403 and "data" not in response.json()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid UTF-8"),
        (b"[]", "batched operations are not supported"),
        (b'{"query": 5}', "`query` must be a non-empty string"),
        (b'{"query": "{ me { code } }", "variables": [1]}', "`variables` must be a JSON object"),
    ],
)
def test_malformed_requests_get_400_with_a_clear_message(
    http, live_server, body: bytes, fragment: str
) -> None:
    headers = {**_auth(live_server), "Content-Type": "application/json"}
    response = http.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400 and fragment in response.json()["errors"][0]["message"]


def test_a_syntax_error_is_a_400_naming_the_location(http, live_server) -> None:
    response = http.post("/graphql", json={"query": "{ me { code }"}, headers=_auth(live_server))
    assert response.status_code == 400 and response.json()["errors"][0]["locations"]


def test_form_posts_are_refused(http, live_server) -> None:
    response = http.post("/graphql", data={"query": "{ me { code } }"}, headers=_auth(live_server))
    assert response.status_code == 415


def test_operations_are_not_run_over_get(http, live_server, as_office) -> None:
    """A complete, valid registration by the office whose duty it is, sent over GET, writes nothing;
    the same request over POST writes the worker."""
    labour = as_office("tq-home-affairs", "worker-registration")  # Hà Giang's labour duties since 2025
    commune = labour.data('{ administrativeUnits(parentCode: "VN-TQ-2025") { code } }')
    worker = {
        "fullName": "Lù Thị Sính",
        "dateOfBirth": "1997-03-02",
        "sex": "FEMALE",
        "ethnicity": "Dao",
        "nationalIdNumber": "002197054321",
        "borderPassNumber": "HG9900456",
        "phone": "0912345679",
        "homeCommuneCode": commune["administrativeUnits"][0]["code"],
    }
    document = (
        "mutation($w: RegisterWorkerInput!) { registerWorker(input: $w) { worker { id } errors { code } } }"
    )
    find = "query($n: String!) { workers(filter: {nationalIdNumber: $n}) { totalCount } }"
    response = http.get(
        "/graphql",
        params={"query": document, "variables": json.dumps({"w": worker})},
        headers={**_auth(live_server, purpose="worker-registration"), "Accept": "application/json"},
    )
    assert response.status_code == 405 and "data" not in response.json()
    assert labour.data(find, {"n": worker["nationalIdNumber"]})["workers"]["totalCount"] == 0
    assert labour.data(document, {"w": worker})["registerWorker"]["errors"] == []
    assert labour.data(find, {"n": worker["nationalIdNumber"]})["workers"]["totalCount"] == 1


def test_wrong_variable_types_are_a_graphql_error_without_data(as_office) -> None:
    body = as_office("tq-home-affairs").query(
        "query($n: Int) { workers(first: $n) { totalCount } }", {"n": "ten"}
    )
    assert body["errors"] and body.get("data") is None


def test_an_invalid_id_in_a_filter_is_named(as_office) -> None:
    body = as_office("tq-home-affairs").query('{ placements(filter: {workerId: "zzz"}) { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "INVALID_ID", "field": "filter.workerId"}


def test_page_sizes_are_bounded(as_office) -> None:
    body = as_office("tq-home-affairs").query("{ workers(first: 1000) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


def test_vietnamese_and_chinese_text_round_trip(as_office) -> None:
    employers = as_office("lc-home-affairs").data("{ employers(first: 50) { nodes { nameZh nameVi } } }")[
        "employers"
    ]
    assert any("公司" in e["nameZh"] for e in employers["nodes"])
    assert any("Công ty" in e["nameVi"] for e in employers["nodes"])


def test_production_mode_turns_off_graphiql_and_introspection(database, demo_tokens, tmp_path) -> None:
    from tests.conftest import Server

    server = Server(database, demo_tokens, tmp_path / "closed.log", _args="--no-graphiql")
    try:
        page = plain_http.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 405 and "<html" not in page.text.lower()
        headers = {"Authorization": f"Bearer {demo_tokens['cn-hekou']}"}
        body = plain_http.post(
            f"{server.url}/graphql", json={"query": "{ __schema { types { name } } }"}, headers=headers
        )
        assert (
            body.json()["errors"] and "introspection has been disabled" in body.json()["errors"][0]["message"]
        )
        me = plain_http.post(f"{server.url}/graphql", json={"query": "{ me { code } }"}, headers=headers)
        assert me.json() == {"data": {"me": {"code": "cn-hekou"}}}
    finally:
        server.stop()


@pytest.mark.parametrize(
    "query",
    [
        '{ workers(filter: {nationalIdNumbe: "1"}) { totalCount } }',
        "{ workers(orderBy: {fullNam: ASC}) { totalCount } }",
        "{ workers(filter: {status: [REGISTERE]}) { totalCount } }",
        "query($f: WorkerFilte) { workers(filter: $f) { totalCount } }",
        "{ workers(firs: 1) { totalCount } }",
        "{ workers { nodes { fullNam } } }",
    ],
)
def test_no_error_suggests_a_name(as_office, query: str) -> None:
    messages = [e["message"] for e in as_office("tq-home-affairs").query(query)["errors"]]
    assert messages and not any("Did you mean" in m for m in messages)
