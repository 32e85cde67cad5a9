"""A real `borderlabour serve` process for the benchmark, and what its /metrics say."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from bench.datasets import Dataset
from harness.server import ServerProcess
from settings import cores

STATEMENTS = re.compile(r"^borderlabour_db_statements_total (\S+)$", re.M)
BY_PROCESS = re.compile(r'^borderlabour_process_requests_total\{process="(\d+)"\} (\S+)$', re.M)


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
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as r:
            return {int(pid): float(n) for pid, n in BY_PROCESS.findall(r.read().decode())}

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
