"""A registry on a replicated PostgreSQL pair, for the failover and two-host drills.

The pair (primary and synchronous standby, `harness.replication`) is built by the drill; the demo
is loaded into it by the real CLI, with a small population (the drills are about continuity, not
volume); the registry's URL names both clusters, as an operator's would, with
`target_session_attrs=read-write`, so libpq keeps whichever of them takes writes.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.databases import TEST_DB_ENV, Database, run_cli
from harness.replication import ReplicatedPair, missing_reason
from tests import plain_http

REQUIRED_ENV = "BORDERLABOUR_DRILLS_REQUIRED"
DEMO_WORKERS = 20
DATABASE = "registry"


def skip_unless_postgresql_drills() -> pytest.MarkDecorator:
    """The drills run on the PostgreSQL run of the suite; without the server binaries they cannot."""
    if not os.environ.get(TEST_DB_ENV):
        return pytest.mark.skip(reason=f"a PostgreSQL drill: runs on the PostgreSQL run ({TEST_DB_ENV} set)")
    reason = missing_reason()
    # CI installs the binaries and sets BORDERLABOUR_DRILLS_REQUIRED: there a missing one fails the drill.
    skip = reason is not None and not os.environ.get(REQUIRED_ENV)
    return pytest.mark.skipif(skip, reason=f"cannot build a replicated pair: {reason}")


@dataclass
class Replicated:
    pair: ReplicatedPair
    database: Database  # the multi-host URL, and the first folder's key file
    tokens: dict[str, str]

    def in_folder(self, folder: Path) -> Database:
        """The same database with the key files copied into `folder` (another registry host)."""
        folder.mkdir(parents=True, exist_ok=True)
        source = self.database.key_file.parent
        for name in ("registry.keys.json", "registry.ledger-key.pem"):
            (folder / name).write_bytes((source / name).read_bytes())
            (folder / name).chmod(0o600)
        return Database(self.database.url, folder / "registry.keys.json")


@contextmanager
def replicated_registry(folder: Path) -> Iterator[Replicated]:
    pair = ReplicatedPair()
    try:
        pair.start()
        pair.run("psql", "-h", "127.0.0.1", "-p", str(pair.primary.port), "-U", "postgres",
                 "-c", f"CREATE DATABASE {DATABASE}")  # fmt: skip
        hosts = f"127.0.0.1:{pair.primary.port},127.0.0.1:{pair.standby.port}"
        url = f"postgresql://postgres@{hosts}/{DATABASE}?target_session_attrs=read-write"
        folder.mkdir(parents=True, exist_ok=True)
        database = Database(url, folder / "registry.keys.json")
        tokens_file = folder / "tokens.json"
        run_cli(database, "demo", "--tokens-file", str(tokens_file), "--demo-workers", str(DEMO_WORKERS))
        yield Replicated(pair, database, json.loads(tokens_file.read_text()))
    finally:
        pair.close()


READ = "query { r%d: workers(first: 5) { edges { node { id fullName } } } }"
WRITE = """mutation($input: UpdateWorkerInput!) {
  updateWorker(input: $input) { worker { id } errors { field code } } }"""


@dataclass
class Answer:
    kind: str  # "read" or "write"
    status: int
    code: str | None  # the error code of a refusal
    sent: float
    answered: float
    mark: str  # a read's query text (its ledger entry's request), a write's reason (its correction)


@dataclass
class Load:
    """Clients reading and writing as `lc-home-affairs` until stopped, every answer kept."""

    url: str
    token: str
    workers: list[str]
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # anything but an answer: a dropped connection
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: int = 0

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def _client(self, worker: str, name: int) -> None:
        try:
            self._requests(worker, name)
        except BaseException as exc:  # kept for the test to report: a thread's failure is silent
            with self._lock:
                self.failures.append(f"client {name}: {type(exc).__name__}: {exc}")

    def _requests(self, worker: str, name: int) -> None:
        http = plain_http.client(base_url=self.url, timeout=30)
        auth = {"Authorization": f"Bearer {self.token}"}
        try:
            while not self.stop.is_set():
                n = self._next()
                if n % 2:
                    mark = READ % n
                    body: dict[str, Any] = {"query": mark}
                    headers = {**auth, "X-Purpose": "placement-verification"}
                    kind = "read"
                else:
                    mark = f"failover drill client {name} write {n}"
                    variables = {"input": {"workerId": worker, "reason": mark, "phone": f"09{n:08d}"}}
                    body = {"query": WRITE, "variables": variables}
                    headers = {**auth, "X-Purpose": "worker-registration"}
                    kind = "write"
                sent = time.monotonic()
                response = http.post("/graphql", json=body, headers=headers)
                answered = time.monotonic()
                payload = response.json()
                code = None
                if response.status_code != 200:
                    code = payload["errors"][0]["extensions"]["code"]
                    time.sleep(0.1)  # a client told to retry waits a moment
                with self._lock:
                    self.answers.append(Answer(kind, response.status_code, code, sent, answered, mark))
                if response.status_code == 200:
                    assert "errors" not in payload, payload
                    if kind == "write":
                        assert payload["data"]["updateWorker"]["errors"] == [], payload
        finally:
            http.close()

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._client, args=(worker, i), daemon=True)
            for i, worker in enumerate(self.workers)
        ]
        for thread in threads:
            thread.start()
        return threads

    def answered_after(self, moment: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.status == 200 and a.sent >= moment]
