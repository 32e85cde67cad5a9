"""A statement that runs too long is stopped, and the client is told to retry (issue 17, item 5).

Each database stops a statement past `BORDERLABOUR_STATEMENT_SECONDS` (PostgreSQL's
`statement_timeout`, SQLite's progress handler); the client gets `503 QUERY_TIMEOUT` with
`Retry-After` and a message in its language, not a 500. The server here gets its own copy of the
demo and a budget of one millisecond, which an ordinary lookup (the token's) fits in and a page
of a hundred workers with their crossings does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.databases import Template, demo_copy
from tests.conftest import OwnRegistry, Server, office_clients

SLOW = """{ workers(first: 100) { nodes { fullName crossings(first: 100) { crossedAt gate { code nameVi } }
  placements { job employer { nameVi placements(first: 5) { job } } } } } }"""
BUDGET = "0.001"


@pytest.fixture(scope="module")
def impatient(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnRegistry]:
    folder: Path = tmp_path_factory.mktemp("impatient")
    with demo_copy(template, folder) as database:
        server = Server(
            database, template.tokens, folder / "server.log", BORDERLABOUR_STATEMENT_SECONDS=BUDGET
        )
        try:
            yield OwnRegistry(database, server, office_clients(server))
        finally:
            server.stop()


def test_a_statement_past_the_budget_answers_a_retryable_query_timeout(impatient: OwnRegistry):
    for _ in range(3):  # each time, however warm the database's caches
        response = impatient.as_office("lc-home-affairs").post({"query": SLOW})
        assert response.status_code == 503, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TIMEOUT"
    assert BUDGET in error["message"]
    assert response.headers["Retry-After"]


def test_the_timeout_is_told_in_the_readers_language(impatient: OwnRegistry):
    english = impatient.as_office("lc-home-affairs").post({"query": SLOW}).json()["errors"][0]["message"]
    response = impatient.as_office("lc-home-affairs").post({"query": SLOW}, headers={"Accept-Language": "vi"})
    vietnamese = response.json()["errors"][0]["message"]
    assert response.status_code == 503
    assert vietnamese != english and BUDGET in vietnamese


def test_the_server_logs_no_internal_error_for_a_timeout(impatient: OwnRegistry):
    impatient.as_office("lc-home-affairs").post({"query": SLOW})
    log = impatient.server.log.read_text()
    assert "Traceback" not in log and "internal error" not in log
