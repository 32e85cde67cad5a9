"""Two registry hosts over one PostgreSQL database: one ledger, two head files.

Each host has its own folder: its own copy of the keys (the same data keys and ledger key) and its
own head file, which names the last entry that host appended. Both answer; their group commits
take turns under the one lock on the database's head, so their entries interleave in one chain;
`audit verify` passes from either folder. A cut behind a host's head file is caught from that host,
even after the other host has chained new entries onto the cut.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from harness.databases import Database, cli_env, demo_copy, run_cli
from harness.server import ServerProcess
from ledger.checkpoints import public_key_pem
from ledger.entries import request_hash
from ledger.keys import LedgerFiles, load_signing_key, read_head
from settings import normalise_url
from tests import plain_http
from tests.conftest import TEST_DB_ENV

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DB_ENV), reason="several hosts share a PostgreSQL database: the PostgreSQL run"
)

READ = "query { %s: workers(first: 3) { edges { node { id fullName } } } }"
PURPOSE = "placement-verification"


def _read(http: httpx.Client, token: str, alias: str) -> str:
    query = READ % alias
    answer = http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE}
    )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return request_hash(query, None, None)


def _second_host(first: Database, folder: Path) -> Database:
    """The other host's folder: the keys copied, no head file yet (it signs its own)."""
    folder.mkdir()
    for name in ("registry.keys.json", "registry.ledger-key.pem"):
        (folder / name).write_bytes((first.key_file.parent / name).read_bytes())
        (folder / name).chmod(0o600)
    return Database(first.url, folder / "registry.keys.json")


def _verify(database: Database, pinned: Path) -> tuple[bool, str]:
    done = run_cli(database, "audit", "verify", "--public-key", str(pinned), check=False)
    return done.returncode == 0 and "ledger OK" in done.stdout, done.stdout + done.stderr


def test_two_hosts_share_one_chain_and_each_catches_a_cut_behind_its_head(template, tmp_path) -> None:
    with demo_copy(template, tmp_path / "host-a") as host_a:
        host_b = _second_host(host_a, tmp_path / "host-b")
        pinned = tmp_path / "pinned.pem"
        pinned.write_text(
            public_key_pem(
                load_signing_key(LedgerFiles.beside_keys(host_a.key_file).signing_key).public_key()
            )
        )
        token = template.tokens["lc-home-affairs"]
        servers = {
            "a": ServerProcess(cli_env(host_a), tmp_path / "a.log", timeout=60),
            "b": ServerProcess(cli_env(host_b), tmp_path / "b.log", timeout=60),
        }
        engine = create_engine(normalise_url(host_a.url))
        try:
            clients = {name: plain_http.client(base_url=s.url, timeout=30) for name, s in servers.items()}
            # At the same moment, from both hosts: every read answered and ledgered.
            sent: dict[str, str] = {}
            lock = threading.Lock()

            def burst(host: str, client: int) -> None:
                for n in range(8):
                    digest = _read(clients[host], token, f"{host}{client}n{n}")
                    with lock:
                        sent[digest] = host

            threads = [threading.Thread(target=burst, args=(h, c)) for h in ("a", "b") for c in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert len(sent) == 32
            # One after the other, host by host: each answer waited for its entry, so the entries
            # follow in the order the reads were answered, whichever host answered them.
            order = [_read(clients[host], token, f"turn{i}{host}") for i, host in enumerate("abbaabba")]
            with engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT id, request_hash FROM ledger_entries ORDER BY id")
                ).all()
            by_request = {digest: seq for seq, digest in rows}
            assert [d for d in sent if d not in by_request] == []
            assert [by_request[d] for d in order] == sorted(by_request[d] for d in order)
            # Each head file names the last entry its own host appended.
            heads = {
                h: read_head(LedgerFiles.beside_keys(db.key_file).head)
                for h, db in (("a", host_a), ("b", host_b))
            }
            assert heads["a"] is not None and heads["a"].seq == by_request[order[-1]] == rows[-1][0]
            assert heads["b"] is not None and heads["b"].seq == by_request[order[-2]]
            for database in (host_a, host_b):
                ok, said = _verify(database, pinned)
                assert ok, said

            # Cut behind host a's head (its last entry), the database's head row moved back to match.
            keep = heads["a"].seq - 1
            with engine.begin() as connection:
                kept_hash = connection.execute(
                    text(f"SELECT entry_hash FROM ledger_entries WHERE id = {keep}")
                ).scalar_one()
                connection.execute(text(f"DELETE FROM ledger_workers WHERE entry_id > {keep}"))
                connection.execute(text(f"DELETE FROM ledger_entries WHERE id > {keep}"))
                connection.execute(
                    text(f"UPDATE ledger_head SET seq = {keep}, entry_hash = '{kept_hash}' WHERE id = 1")
                )
            ok, said = _verify(host_a, pinned)
            assert not ok and f"names entry {keep + 1}" in said and "truncated" in said, said
            # Host b's head (entry `keep`) is still held: its file cannot see the cut, host a's does.
            ok, said = _verify(host_b, pinned)
            assert ok, said
            # Host b chains a new entry onto the cut; from host a the rewrite is still caught.
            _read(clients["b"], token, "afterthecut")
            ok, said = _verify(host_a, pinned)
            assert not ok and "history rewritten" in said, said
            for client in clients.values():
                client.close()
        finally:
            engine.dispose()
            for server in servers.values():
                server.stop()
