"""The Chinese office's page costs the same number of SQL statements whatever its size.

Counted the way an operator sees it: `borderlabour_db_statements_total` on the live server's
/metrics, before and after one request. Token lookups are cached for two seconds, so each count
follows a warm-up request, and the least of a few tries is the request's own count.
"""

from __future__ import annotations

import re

import httpx
import pytest

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
    response = httpx.get(f"{live_server.url}/metrics", timeout=30)
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


def test_the_page_costs_the_same_statements_for_10_and_100_workers(live_server, hekou) -> None:
    small, small_size = statements_of_page(live_server, hekou, 10)
    large, large_size = statements_of_page(live_server, hekou, 100)
    assert small_size == 10 and large_size > 10, "the demo must give Hekou more than one page of 10"
    assert small == large, (small, large)
    # One per relation level (workers, placements, employers, crossings, gates, health checks),
    # plus the transaction and the disclosure ledger; never one per row.
    assert large <= 16


def test_metrics_count_statements_and_label_operations_without_personal_data(live_server, hekou) -> None:
    hekou.data(HEKOU_PAGE, {"first": 3})
    text = httpx.get(f"{live_server.url}/metrics", timeout=30).text
    assert 'borderlabour_requests_total{operation="query:workers",status="200"}' in text
    assert 'borderlabour_request_seconds_bucket{operation="query:workers",le="+Inf"}' in text
    for name in ("borderlabour_policy_decisions_total", "borderlabour_policy_reloads_total"):
        assert re.search(rf"^{name} \d", text, re.M)
    labels = " ".join(re.findall(r"\{([^}]*)\}", text))
    assert "HekouPage" not in labels and "Bearer" not in labels and "blr_" not in labels
