"""Losing the database's machine: the primary is killed under load, its synchronous standby promoted,
and the registry carries on by itself on the multi-host URL it was given.

The drill: a primary and a synchronous standby on this machine (`harness.replication`), the demo
loaded, `borderlabour serve` over `postgresql://…@primary,standby/registry?target_session_attrs=read-write`,
four clients reading and writing; the primary is stopped at once (`pg_ctl stop -m immediate`), the
standby promoted. Then every write a client saw acknowledged is in the promoted database, every read
a client was answered has its ledger entry there, `audit verify` passes with the pinned key and a
checkpoint taken before the failover, the requests in between were refused with 503 `UNAVAILABLE`
and nothing else, and answers came again within 10 s of the promotion.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from harness.databases import cli_env, run_cli
from harness.server import ServerProcess
from ledger.checkpoints import public_key_pem
from ledger.entries import request_hash
from ledger.keys import LedgerFiles, load_signing_key
from settings import normalise_url
from tests import plain_http
from tests.replicated import Load, Replicated, replicated_registry, skip_unless_postgresql_drills

pytestmark = skip_unless_postgresql_drills()

CLIENTS = 4
RESUMED_WITHIN = 10.0  # seconds after the promotion


def _workers(url: str, token: str) -> list[str]:
    query = f"{{ workers(first: {CLIENTS}) {{ edges {{ node {{ id }} }} }} }}"
    answer = plain_http.post(
        f"{url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "placement-verification"},
        timeout=30,
    ).json()
    return [edge["node"]["id"] for edge in answer["data"]["workers"]["edges"]]


def _checkpoint(url: str, token: str) -> dict[str, object]:
    query = "{ ledgerCheckpoint { seq entryHash signedAt signature publicKey } }"
    answer = plain_http.post(
        f"{url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    return dict(answer["data"]["ledgerCheckpoint"])


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def _drill(registry: Replicated, folder: Path) -> None:
    database = registry.database
    # The key the counterpart offices pinned (what `audit public-key` prints), kept apart.
    pinned = folder / "pinned.pem"
    signing = load_signing_key(LedgerFiles.beside_keys(database.key_file).signing_key)
    pinned.write_text(public_key_pem(signing.public_key()))
    server = ServerProcess(cli_env(database), folder / "server.log", timeout=60)
    try:
        token = registry.tokens["lc-home-affairs"]
        load = Load(server.url, token, _workers(server.url, token))
        assert len(load.workers) == CLIENTS
        threads = load.start()
        _wait_for(lambda: len(load.answered_after(0)) >= 20, 30, "answers before the failover")
        checkpoint = folder / "before-failover.json"  # as an office keeps it
        checkpoint.write_text(json.dumps(_checkpoint(server.url, token)))
        assert registry.pair.synchronous(), "the standby is not the primary's synchronous standby"
        registry.pair.kill_primary()
        time.sleep(1.0)  # requests meet the lost primary before anything takes its place
        registry.pair.promote()
        promoted = time.monotonic()
        _wait_for(lambda: len(load.answered_after(promoted)) >= 20, 30, "answers after the promotion")
        load.stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        server.stop()

    assert load.failures == []  # every request was answered, by the registry
    answers = load.answers
    refused = [(a.status, a.code) for a in answers if a.status != 200]
    assert set(refused) <= {(503, "UNAVAILABLE")}, refused
    first_after = min(a.answered for a in load.answered_after(promoted))
    assert first_after - promoted <= RESUMED_WITHIN, server.log.read_text()[-3000:]

    survivor = create_engine(normalise_url(registry.pair.standby.url("registry")))
    try:
        with survivor.connect() as connection:
            reasons = set(connection.execute(text("SELECT reason FROM corrections")).scalars())
            requests = set(connection.execute(text("SELECT request_hash FROM ledger_entries")).scalars())
    finally:
        survivor.dispose()
    acknowledged = [a.mark for a in answers if a.kind == "write" and a.status == 200]
    answered = [request_hash(a.mark, None, None) for a in answers if a.kind == "read" and a.status == 200]
    assert acknowledged and answered
    assert [mark for mark in acknowledged if mark not in reasons] == []
    assert [digest for digest in answered if digest not in requests] == []

    verified = run_cli(
        database, "audit", "verify", "--public-key", str(pinned), "--checkpoint", str(checkpoint), check=False
    )
    assert verified.returncode == 0 and "ledger OK" in verified.stdout, verified.stdout + verified.stderr


def test_killed_primary_loses_no_acknowledged_write_or_ledgered_read_and_service_resumes(tmp_path) -> None:
    with replicated_registry(tmp_path / "registry") as registry:
        _drill(registry, tmp_path)
