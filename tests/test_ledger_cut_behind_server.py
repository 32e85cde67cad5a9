"""A ledger cut short behind a running server stays cut, and says so (issue 17, item 6).

Whoever deletes the last entries and moves the database's head row back must not have the server
chain new entries onto the cut head and sign a new head file over it: that would make `audit
verify` pass with the pinned key, and the README promises the head file still names the missing
entries. The server gets its own database (the tampering would break every other test's ledger), a
copy of the demo the real CLI loaded, and is spoken to over HTTP as any office would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from harness.databases import Template, demo_copy
from settings import normalise_url
from tests import plain_http
from tests.conftest import Database, Server, run_cli

READ_ONE = "{ workers(first: 1) { nodes { id fullName passportNumber } } }"
RENAME = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { fullName } errors { field code } } }"""
CUT = 5


@pytest.fixture(scope="module")
def own_database(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A copy of the run's demo, as `borderlabour demo` loaded it, that no other test reads."""
    with demo_copy(template, tmp_path_factory.mktemp("cut-ledger")) as database:
        yield database


@pytest.fixture(scope="module")
def server(
    own_database: Database, template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    running = Server(own_database, template.tokens, tmp_path_factory.mktemp("cut-server") / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def engine(own_database: Database) -> Iterator[Engine]:
    made = create_engine(normalise_url(own_database.url))
    yield made
    made.dispose()


def _post(server: Server, office: str, query: str, variables: dict | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.tokens[office]}", "X-Purpose": "placement-verification"}
    body = {"query": query, "variables": variables or {}}
    return plain_http.post(f"{server.url}/graphql", json=body, headers=headers, timeout=30)


def _read(server: Server) -> httpx.Response:
    return _post(server, "cn-hekou", READ_ONE)


def _cut_the_tail(engine: Engine, count: int) -> tuple[int, int]:
    """What tests/test_ledger_tampering.py does: delete the last `count` entries, move the head row back."""
    with engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one()
        keep = last - count
        kept_hash = conn.execute(
            text(f"SELECT entry_hash FROM ledger_entries WHERE id = {keep}")
        ).scalar_one()
        conn.exec_driver_sql(f"DELETE FROM ledger_workers WHERE entry_id > {keep}")
        conn.exec_driver_sql(f"DELETE FROM ledger_entries WHERE id > {keep}")
        conn.exec_driver_sql(f"UPDATE ledger_head SET seq = {keep}, entry_hash = '{kept_hash}' WHERE id = 1")
    return keep, last


def test_a_server_refuses_to_chain_entries_onto_a_ledger_cut_short_and_verify_keeps_failing(
    server: Server, engine: Engine, own_database: Database, tmp_path: Path
) -> None:
    for _ in range(8):
        answer = _read(server)
        assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    pinned = tmp_path / "pinned.pem"
    pinned.write_text(run_cli(own_database, "audit", "public-key").stdout)
    assert run_cli(own_database, "audit", "verify", "--public-key", str(pinned)).returncode == 0

    worker = _read(server).json()["data"]["workers"]["nodes"][0]["id"]
    keep, last = _cut_the_tail(engine, CUT)
    for _ in range(8):
        refused = _read(server)
        assert refused.status_code == 503, refused.text
        assert refused.json()["errors"][0]["extensions"]["code"] == "LEDGER_UNAVAILABLE"
        assert "fullName" not in refused.text
    rename = {"input": {"workerId": worker, "reason": "a write on a cut ledger", "fullName": "Lò Văn Cắt"}}
    written = _post(server, "lc-home-affairs", RENAME, rename)
    assert written.status_code == 503, written.text
    assert written.json()["errors"][0]["extensions"]["code"] == "LEDGER_UNAVAILABLE"

    with engine.connect() as conn:
        assert conn.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one() == keep
    errors = [line for line in server.log.read_text().splitlines() if " ERROR " in line]
    assert any("ledger" in line and f"entry {keep}" in line and f"entry {last}" in line for line in errors), (
        errors
    )
    metrics = plain_http.get(f"{server.url}/metrics", timeout=30).text
    assert any(
        line.startswith("borderlabour_ledger_behind_total") and float(line.split()[-1]) >= 9
        for line in metrics.splitlines()
    ), metrics

    verdict = run_cli(own_database, "audit", "verify", "--public-key", str(pinned), check=False)
    assert verdict.returncode != 0, verdict.stdout
    assert f"names entry {last}" in verdict.stderr and f"ends at {keep}" in verdict.stderr, verdict.stderr
