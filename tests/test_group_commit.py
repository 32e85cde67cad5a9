"""Group commit of the disclosure ledger: concurrent reads share transactions, never entries.

Reads from several `serve` processes at once (real HTTP, the test database) each get exactly their
own entry and the chain still verifies; entries that arrive while a batch commits go together in
the next transaction; and when the database refuses the batch, every answer waiting on it is an
error without data.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, text

from ledger.appender import LedgerAppender
from ledger.checkpoints import sign_checkpoint
from ledger.entries import Appended, Asked, Disclosure
from ledger.keys import LedgerFiles, advance_head, load_signing_key
from models.database import make_engine, session_factory
from settings import normalise_url
from tests import plain_http
from tests.conftest import Server, run_cli
from tests.test_ledger import ledger_refused

ONE_WORKER = "query($id: ID!) { node(id: $id) { ... on Worker { id fullName } } }"
READS = 48


@pytest.fixture(scope="module")
def engine(database):
    engine = create_engine(normalise_url(database.url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def two_process_server(database, demo_tokens, tmp_path_factory):
    server = Server(
        database, demo_tokens, tmp_path_factory.mktemp("group-commit") / "server.log", _args="--processes 2"
    )
    yield server
    server.stop()


def _last_seq(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM ledger_entries")).scalar_one())


def _read_at_once(servers: list[Server], token: str, ids: list[str]) -> list[httpx.Response]:
    """One read per worker ID, all at once, each on a connection of its own, spread over the servers."""

    def read(n: int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "X-Purpose": "placement-verification"}
        body = {"query": ONE_WORKER, "variables": {"id": ids[n]}}
        return plain_http.post(
            f"{servers[n % len(servers)].url}/graphql", json=body, headers=headers, timeout=60
        )

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        return list(pool.map(read, range(len(ids))))


def _worker_ids(as_office, count: int) -> list[str]:
    page = as_office("tq-home-affairs").data(f"{{ workers(first: {count}) {{ nodes {{ id }} }} }}")
    ids = [node["id"] for node in page["workers"]["nodes"]]
    assert len(ids) == count
    return ids


def _until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Waits for `condition`, failing with `what` after `seconds` rather than hanging the suite."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        threading.Event().wait(0.01)


def test_concurrent_reads_from_several_processes_each_get_exactly_their_entry_and_the_chain_verifies(
    database, engine, live_server, two_process_server, as_office
) -> None:
    ids = _worker_ids(as_office, READS)
    before = _last_seq(engine)

    answers = _read_at_once([live_server, two_process_server], live_server.tokens["tq-home-affairs"], ids)

    assert [a.status_code for a in answers] == [200] * READS
    assert [a.json()["data"]["node"]["id"] for a in answers] == ids
    assert _last_seq(engine) == before + READS  # one entry per answer, none lost, none doubled
    entries = run_cli(database, "audit", "log", "--json", "--limit", str(READS)).stdout.splitlines()
    lines = [json.loads(line) for line in entries]
    assert {line["seq"] for line in lines} == set(range(before + 1, before + READS + 1))
    assert Counter(w for line in lines for w in line["workers"]) == Counter(ids)
    assert all(len(line["workers"]) == 1 for line in lines)
    assert all(line["fields"] == ["Worker.fullName", "Worker.id"] for line in lines)
    assert all(
        line["office"] == "tq-home-affairs" and line["purpose"] == "placement-verification" for line in lines
    )
    assert "ledger OK" in run_cli(database, "audit", "verify").stdout


def test_when_the_database_refuses_the_batch_no_waiting_answer_carries_data(
    database, engine, live_server, two_process_server, as_office
) -> None:
    ids = _worker_ids(as_office, 16)
    before = _last_seq(engine)
    with ledger_refused(engine):
        answers = _read_at_once([live_server, two_process_server], live_server.tokens["tq-home-affairs"], ids)

    assert [a.status_code for a in answers] == [503] * len(ids)
    for answer in answers:
        assert "data" not in answer.json()
        assert answer.json()["errors"][0]["extensions"]["code"] == "LEDGER_UNAVAILABLE"
    assert _last_seq(engine) == before
    assert "ledger OK" in run_cli(database, "audit", "verify").stdout


class _HeadHeld:
    """Another connection holding the ledger's write lock, as a busy second server process would."""

    def __init__(self, engine) -> None:
        self.connection = engine.connect()
        if engine.dialect.name == "sqlite":
            self.connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.connection.begin()
            self.connection.execute(text("SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE"))

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def test_entries_that_arrive_while_a_batch_waits_are_committed_together_in_the_next_one(
    database, engine, demo_tokens
) -> None:
    files = LedgerFiles.beside_keys(database.key_file)
    key = load_signing_key(files.signing_key)
    registry_engine = make_engine(database.url)
    sessions = session_factory(registry_engine)
    heads: list[Appended] = []

    def committed(last: Appended) -> None:
        heads.append(last)
        advance_head(files.head, sign_checkpoint(key, last.seq, last.entry_hash, last.at))

    appender = LedgerAppender(sessions, key, committed)
    with engine.connect() as conn:
        office = int(conn.execute(text("SELECT id FROM offices WHERE code = 'admin'")).scalar_one())
    before = _last_seq(engine)
    results: dict[int, Appended] = {}

    def record(n: int) -> None:
        # An entry like a statistic's (no worker, a purpose admin may state): the suite's ledger is shared.
        disclosure = Disclosure(workers={}, written=[])
        results[n] = appender.record(disclosure, Asked(office, None, "statistics", f"{n:064x}"))

    held = _HeadHeld(engine)
    try:
        first = threading.Thread(target=record, args=(0,))
        first.start()
        # The first caller leads a batch of one, blocked by the lock.
        _until(lambda: appender.committing, "the first caller to lead a batch")
        others = [threading.Thread(target=record, args=(n,)) for n in range(1, 10)]
        for thread in others:
            thread.start()
        # All nine queue behind the batch that waits for the lock.
        _until(lambda: appender.waiting >= 9, "nine callers to queue behind it")
    finally:
        held.release()
    for thread in [first, *others]:
        thread.join(60)

    assert appender.batches == 2 and appender.entries == 10
    assert sorted(a.seq for a in results.values()) == list(range(before + 1, before + 11))
    assert results[0].seq == before + 1  # the leader's batch was committed first, alone
    assert [h.seq for h in heads] == [before + 1, before + 10]  # the head file moved once per batch
    registry_engine.dispose()
    assert "ledger OK" in run_cli(database, "audit", "verify").stdout
