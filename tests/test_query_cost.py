"""No operation can stall the others by its size (issue 17, item 5).

Thirty aliases of a document nesting three pages of 100 took two minutes on SQLite while every
other request waited. Such an operation is refused before anything runs, with `QUERY_TOO_COSTLY`
naming its cost and the limit in the reader's language; an ordinary page still answers. Spoken to
over HTTP, on the suite's database (SQLite or PostgreSQL).
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import AsOffice

ALIASED = "w{i}: workers(first: 100) { nodes { placements { employer { placements(first: 100) { worker { crossings(first: 100) { crossedAt } } } } } } }"
COSTLY = "{ " + "\n".join(ALIASED.replace("{i}", str(i)) for i in range(30)) + " }"
BY_VARIABLE = """query($n: Int!) { workers(first: $n) { nodes { crossings(first: $n) { crossedAt } } } }"""
ORDINARY = "{ workers(first: 10) { nodes { fullName placements { job } } } }"
DEFAULT_LIMIT = 100_000  # README, Security: BORDERLABOUR_QUERY_COST_LIMIT


def _refusal(response) -> dict:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    return error


def test_thirty_aliased_nested_pages_are_refused_at_once_naming_cost_and_limit(as_office: AsOffice):
    client = as_office("lc-home-affairs")
    started = time.perf_counter()
    response = client.post({"query": COSTLY})
    elapsed = time.perf_counter() - started
    error = _refusal(response)
    assert elapsed < 5, f"refused only after {elapsed:.1f} s"
    numbers = [int(n) for n in error["message"].replace(",", "").split() if n.isdigit()]
    assert str(DEFAULT_LIMIT) in error["message"]
    assert max(numbers) > DEFAULT_LIMIT  # the cost, over the limit


def test_the_refusal_is_in_the_readers_language(as_office: AsOffice):
    english = _refusal(as_office("lc-home-affairs").post({"query": COSTLY}))["message"]
    vietnamese = _refusal(
        as_office("lc-home-affairs").post({"query": COSTLY}, headers={"Accept-Language": "vi"})
    )["message"]
    assert vietnamese != english
    assert str(DEFAULT_LIMIT) in vietnamese
    cost = [n for n in english.split() if n.isdigit() and int(n) != DEFAULT_LIMIT]
    assert cost and cost[0] in vietnamese


def test_an_ordinary_page_still_answers(as_office: AsOffice):
    data = as_office("lc-home-affairs").data(ORDINARY)
    assert len(data["workers"]["nodes"]) == 10


@pytest.mark.parametrize("size", [0, 5, 100])
def test_a_page_size_from_a_variable_within_the_limit_answers(as_office: AsOffice, size):
    response = as_office("lc-home-affairs").post({"query": BY_VARIABLE, "variables": {"n": size}})
    assert response.status_code == 200, response.text


def test_a_page_size_from_a_variable_can_make_the_same_document_too_costly(as_office: AsOffice):
    nested = """query($n: Int!) { workers(first: $n) { nodes { crossings(first: $n) {
        worker { crossings(first: $n) { crossedAt } } } } } }"""
    client = as_office("lc-home-affairs")
    assert client.post({"query": nested, "variables": {"n": 5}}).status_code == 200
    error = _refusal(client.post({"query": nested, "variables": {"n": 100}}))
    assert str(DEFAULT_LIMIT) in error["message"]


def test_fragments_count_where_they_are_spread(as_office: AsOffice):
    spread = """fragment Deep on Worker { crossings(first: 100) { worker { crossings(first: 100) { crossedAt } } } }
    { a: workers(first: 100) { nodes { ...Deep } } b: workers(first: 100) { nodes { ...Deep } } }"""
    _refusal(as_office("lc-home-affairs").post({"query": spread}))


ONE_PAGE = "w{i}: workers(first: 100) { nodes { crossings(first: 100) { crossedAt } } }"


def test_aliases_add_up_each_page_counted_as_the_readme_says(as_office: AsOffice):
    # README, Security: 100 workers + their 100 nodes + 100 × 100 crossings = 10,200 a page.
    client = as_office("lc-home-affairs")
    one = "{ " + ONE_PAGE.replace("{i}", "0") + " }"
    assert client.post({"query": one}).status_code == 200
    ten = "{ " + " ".join(ONE_PAGE.replace("{i}", str(i)) for i in range(10)) + " }"
    error = _refusal(client.post({"query": ten}))
    assert "102000" in error["message"] and str(DEFAULT_LIMIT) in error["message"]
