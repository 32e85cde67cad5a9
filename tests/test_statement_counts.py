"""The Chinese office's page costs the same number of SQL statements whatever its size.

Counted the way an operator sees it: `borderlabour_db_statements_total` on the live server's
/metrics, before and after one request. Token lookups are cached for two seconds, so each count
follows a warm-up request, and the least of a few tries is the request's own count.
"""

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import plain_http

HEKOU_PAGE = """
query HekouPage($first: Int!) {
  workers(first: $first) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id fullName dateOfBirth status borderPassNumber
      placements { job startDate status employer { nameZh } }
      crossings(first: 5) { direction crossedAt gate { code } }
      healthChecks { checkedOn result }
    }
  }
}
"""
STATEMENTS = re.compile(r"^borderlabour_db_statements_total (\S+)$", re.M)


@pytest.fixture(scope="module")
def hekou(as_office):
    return as_office("cn-hekou")


def statements_now(live_server) -> float:
    response = plain_http.get(f"{live_server.url}/metrics", timeout=30)
    assert response.status_code == 200
    return float(STATEMENTS.search(response.text)[1])


def statements_of_page(live_server, hekou, first: int) -> tuple[int, int]:
    """(statements, workers on the page) of one request for a page of `first` workers."""
    counts, size = [], 0
    for _ in range(3):
        hekou.data(HEKOU_PAGE, {"first": first})
        before = statements_now(live_server)
        size = len(hekou.data(HEKOU_PAGE, {"first": first})["workers"]["nodes"])
        counts.append(statements_now(live_server) - before)
    return int(min(counts)), size


# What the compiled page costs (BENCHMARKS.md, "SQL statements of the page"): the page's statement,
# the ledger's append, the transaction; SQLite counts its BEGIN as a statement of its own.
PAGE_STATEMENTS = {"sqlite": 8, "postgresql": 6}


def test_the_page_costs_the_same_statements_for_10_and_100_workers(database, live_server, hekou) -> None:
    small, small_size = statements_of_page(live_server, hekou, 10)
    large, large_size = statements_of_page(live_server, hekou, 100)
    assert small_size == 10 and large_size > 10, "the demo must give Hekou more than one page of 10"
    assert small == large, (small, large)
    assert large <= PAGE_STATEMENTS[database.url.split(":", 1)[0].split("+", 1)[0]], large


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_by_operation(live_server, hekou) -> None:
    hekou.data(HEKOU_PAGE, {"first": 3})
    samples = _samples(plain_http.get(f"{live_server.url}/metrics", timeout=30).text)
    workers = frozenset({("operation", "query:workers"), ("status", "200")})
    assert samples[("borderlabour_requests_total", workers)] >= 1
    assert (
        samples[
            (
                "borderlabour_request_seconds_bucket",
                frozenset({("operation", "query:workers"), ("le", "+Inf")}),
            )
        ]
        >= 1
    )
    for name in ("borderlabour_policy_decisions_total", "borderlabour_policy_reloads_total"):
        assert samples[(name, frozenset())] >= 1


def test_metrics_hold_no_personal_value_a_request_carried_or_received(live_server, as_office) -> None:
    labour = as_office("tq-home-affairs")
    person = labour.data("{ workers(first: 1) { nodes { nationalIdNumber fullName phone } } }")["workers"][
        "nodes"
    ][0]
    national_id, name, phone = person["nationalIdNumber"], person["fullName"], person["phone"]
    # The identity number travels in the document itself, in a variable, and in an alias-free
    # operation named after the person: each is a way a careless label could leak it.
    inline = f'query Lookup{national_id} {{ workers(filter: {{nationalIdNumber: "{national_id}"}}) {{ nodes {{ fullName phone }} }} }}'
    assert labour.data(inline)["workers"]["nodes"][0]["fullName"] == name
    by_variable = "query($id: String!) { workers(filter: {nationalIdNumber: $id}) { nodes { fullName } } }"
    assert labour.data(by_variable, {"id": national_id})["workers"]["nodes"][0]["fullName"] == name
    labour.post({"query": f'{{ workers(filter: {{nationalIdNumber: "{national_id}"}}) {{ nodes {{ fullName '})

    text = plain_http.get(f"{live_server.url}/metrics", timeout=30).text
    assert (
        "borderlabour_requests_total",
        frozenset({("operation", "query:workers"), ("status", "200")}),
    ) in _samples(text)
    for personal in (national_id, name, phone, labour.server.tokens["tq-home-affairs"]):
        assert personal and personal not in text
