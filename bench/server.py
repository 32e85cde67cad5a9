"""A real `borderlabour serve` process for the benchmark, and what its /metrics say."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.datasets import ROOT, Dataset

STATEMENTS = re.compile(r"^borderlabour_db_statements_total (\S+)$", re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, ds: Dataset, log: Path, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-graphiql",
            ],
            cwd=ROOT,
            env=ds.env(**env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def statements(self) -> float:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as r:
            match = STATEMENTS.search(r.read().decode())
        return float(match[1]) if match else float("nan")

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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
