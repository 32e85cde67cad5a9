"""A real `borderlabour serve` process for the benchmark, and what its /metrics say."""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import Dataset
from harness.server import ServerProcess
from settings import cores

STATEMENTS = re.compile(r"^borderlabour_db_statements_total (\S+)$", re.M)
BY_PROCESS = re.compile(r'^borderlabour_process_requests_total\{process="(\d+)"\} (\S+)$', re.M)
# The ledger's group commit, summed over the processes: batches committed, entries that waited for
# theirs, and the seconds they waited in all.
LEDGER = {
    "batches": re.compile(r"^borderlabour_ledger_batches_total (\S+)$", re.M),
    "entries": re.compile(r"^borderlabour_ledger_wait_seconds_count (\S+)$", re.M),
    "waited": re.compile(r"^borderlabour_ledger_wait_seconds_sum (\S+)$", re.M),
}


@dataclass(frozen=True)
class Counters:
    """What the server's /metrics counted so far: requests by process id, and the ledger's totals."""

    per_process: dict[int, float]
    ledger: dict[str, float]


def counters_of(metrics: str) -> Counters:
    """The counters the benchmark follows, from the text of a server's /metrics."""
    ledger = {name: float(m[1]) for name, pattern in LEDGER.items() if (m := pattern.search(metrics))}
    return Counters({int(pid): float(n) for pid, n in BY_PROCESS.findall(metrics)}, ledger)


class Server(ServerProcess):
    """The server under measurement: production settings (no GraphiQL), N processes (default: one per
    core, as `serve` runs by default)."""

    def __init__(
        self, ds: Dataset, log: Path, workers: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        processes = str(workers or cores())
        # A real exec, not a fork of the tests' zygote: the figures are those of a server an operator starts.
        super().__init__(ds.env(**(env or {})), log, "--processes", processes, "--no-graphiql", fork=False)

    def statements(self) -> float:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as r:
            match = STATEMENTS.search(r.read().decode())
        return float(match[1]) if match else float("nan")

    def requests_per_process(self) -> dict[int, float]:
        """GraphQL requests each server process has answered so far, by process id."""
        return self.counters().per_process

    def counters(self) -> Counters:
        """GraphQL requests each server process has answered so far, and the ledger's totals."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as r:
            return counters_of(r.read().decode())

    def post(self, body: str, headers: dict[str, str]) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=body.encode(),
            headers={"Content-Type": "application/json", **headers},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as r:
            return json.loads(r.read())

    def statements_of(self, body: str, headers: dict[str, str], tries: int = 3) -> int:
        """SQL statements of one request, the token lookup excluded: warm the token cache, then count.

        The token cache expires after two seconds, so a lookup can still fall into a measurement;
        the least of a few tries is the request's own count.
        """
        counts = []
        for _ in range(tries):
            self.post(body, headers)
            before = self.statements()
            self.post(body, headers)
            counts.append(self.statements() - before)
        return int(min(counts))
