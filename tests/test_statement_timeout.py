"""A statement that runs too long is stopped, and the client is told to retry (issue 17, item 5).

Each database stops a statement past `BORDERLABOUR_STATEMENT_SECONDS` (PostgreSQL's
`statement_timeout`, SQLite's progress handler); the client gets `503 QUERY_TIMEOUT` with
`Retry-After` and a message in its language, not a 500. The server here gets its own copy of the
demo. On SQLite its budget is one millisecond of the statement's steps, which an ordinary lookup
(the token's) fits in and a page of a hundred workers with their crossings does not. On PostgreSQL
a new server connection's own catalogue look-ups may take longer than a millisecond on a busy
machine (the test then met a down database, not a slow statement), so the budget is a quarter of a
second and the page is made to wait past it: another connection holds the lock on `crossings`,
which the page reads and the token's look-up does not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harness.databases import TEST_DB_ENV, Template, demo_copy
from settings import normalise_url
from tests.conftest import OwnRegistry, Server, office_clients

SLOW = """{ workers(first: 100) { nodes { fullName crossings(first: 100) { crossedAt gate { code nameVi } }
  placements { job employer { nameVi placements(first: 5) { job } } } } } }"""
ON_POSTGRESQL = bool(os.environ.get(TEST_DB_ENV))
BUDGET = "0.25" if ON_POSTGRESQL else "0.001"


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


@contextmanager
def _crossings_locked(registry: OwnRegistry) -> Iterator[None]:
    """PostgreSQL: another connection holds the lock on `crossings` until the block ends."""
    if not ON_POSTGRESQL:
        yield
        return
    engine = create_engine(normalise_url(registry.database.url))
    try:
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE crossings IN ACCESS EXCLUSIVE MODE"))
            yield
            holder.rollback()
    finally:
        engine.dispose()


def _slow_page(registry: OwnRegistry, headers: dict[str, str] | None = None):
    with _crossings_locked(registry):
        return registry.as_office("lc-home-affairs").post({"query": SLOW}, headers=headers or {})


def test_a_statement_past_the_budget_answers_a_retryable_query_timeout(impatient: OwnRegistry):
    for _ in range(3):  # each time, however warm the database's caches
        response = _slow_page(impatient)
        assert response.status_code == 503, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TIMEOUT"
    assert BUDGET in error["message"]
    assert response.headers["Retry-After"]


def test_the_timeout_is_told_in_the_readers_language(impatient: OwnRegistry):
    english = _slow_page(impatient).json()["errors"][0]["message"]
    response = _slow_page(impatient, {"Accept-Language": "vi"})
    vietnamese = response.json()["errors"][0]["message"]
    assert response.status_code == 503
    assert vietnamese != english and BUDGET in vietnamese


def test_the_server_logs_no_internal_error_for_a_timeout(impatient: OwnRegistry):
    assert _slow_page(impatient).status_code == 503
    log = impatient.server.log.read_text()
    assert "Traceback" not in log and "internal error" not in log
