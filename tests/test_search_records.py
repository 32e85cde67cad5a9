"""A search in each worker's record (issue 19, item 3).

An answer whose personal criteria matched at most 20 rows records the workers they are about, so
that `Worker.disclosures` and `audit log --worker` say the worker was searched by those criteria and
matched; above 20, the ledger keeps the criteria and the count, as before. Each test reads back the
entries of an officer of its own, so other writers of the shared registry do not matter. That both
engines note the same workers is proved by the differential test (`tests/test_compiled_reads.py`).
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests import plain_http
from tests.conftest import run_cli

BY_PASSPORT = """query($p: String!) { workers(first: 5, filter: {passportNumber: $p}) {
  nodes { id } } }"""
BY_SEX = "{ workers(first: 1, filter: {sex: FEMALE}) { nodes { id } } }"
DISCLOSURES = """query($id: ID!) { node(id: $id) { ... on Worker {
  disclosures(first: 100) { office { code } officer { id } fields searchedBy } } } }"""


@pytest.fixture
def officer(database, live_server) -> dict[str, str]:
    """An officer of Lào Cai's Home Affairs department for this test alone: its entries are the test's."""
    officer_id = f"LC-{uuid.uuid4().hex[:8]}"
    out = run_cli(
        database, "token", "issue", "--office", "lc-home-affairs",
        "--officer-id", officer_id, "--officer-name", "Trần Văn Nam",
    ).stdout  # fmt: skip
    return {"id": officer_id, "token": out.splitlines()[-1].strip()}


def _ask(live_server, officer, query: str, variables: dict | None = None) -> dict:
    headers = {"Authorization": f"Bearer {officer['token']}", "X-Purpose": "placement-verification"}
    body = {"query": query, "variables": variables or {}}
    answer = plain_http.post(f"{live_server.url}/graphql", json=body, headers=headers, timeout=30).json()
    assert "errors" not in answer, answer
    return answer["data"]


def _log(database, *args: str) -> list[dict]:
    out = run_cli(database, "audit", "log", "--json", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def someone(as_office) -> dict:
    """A worker of Lào Cai with a passport, as their labour office sees them."""
    nodes = as_office("lc-home-affairs").data("{ workers(first: 50) { nodes { id passportNumber } } }")
    return next(n for n in nodes["workers"]["nodes"] if n["passportNumber"])


def test_a_search_by_passport_number_shows_in_the_matched_workers_record(
    database, live_server, as_office, officer, someone
) -> None:
    found = _ask(live_server, officer, BY_PASSPORT, {"p": someone["passportNumber"]})
    assert [n["id"] for n in found["workers"]["nodes"]] == [someone["id"]]
    reader = as_office("lc-home-affairs", "data-subject-request", "HS-2026/0101")
    seen = reader.data(DISCLOSURES, {"id": someone["id"]})["node"]["disclosures"]
    mine = [d for d in seen if d["officer"] == {"id": officer["id"]}]
    assert mine == [
        {
            "office": {"code": "lc-home-affairs"},
            "officer": {"id": officer["id"]},
            "fields": ["Worker.id"],
            "searchedBy": ["Worker.passportNumber"],
        }
    ]
    (line,) = _log(database, "--worker", someone["id"], "--officer", officer["id"])
    assert line["searchedBy"] == ["Worker.passportNumber"] and line["matched"] == 1
    human = run_cli(database, "audit", "log", "--worker", someone["id"], "--officer", officer["id"]).stdout
    assert "searched by Worker.passportNumber, matched" in human


def test_a_search_matching_more_than_twenty_keeps_only_criteria_and_count(
    database, live_server, officer
) -> None:
    shown = _ask(live_server, officer, BY_SEX)["workers"]["nodes"]
    (line,) = [
        e
        for e in _log(database, "--officer", officer["id"], "--limit", "5")
        if e["criteria"] == ["Worker.sex"]
    ]
    assert line["matched"] > 20 and line["searchedBy"] == []
    assert line["workers"] == [n["id"] for n in shown]  # only the worker the page sent
