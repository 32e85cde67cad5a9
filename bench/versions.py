"""Two or more versions of the server side by side: `python -m bench.versions NAME=CHECKOUT ...`.

`python -m bench.versions --database postgres --workers 10000 before=/tmp/old after=.` starts one
`serve --processes 1 --no-graphiql` from each checkout over the same dataset (this checkout's
`.bench/`, made if missing), then sends the benchmark's page to each server in turn, and runs the
floor's statement (`bench/floor.py`) after each round. On a machine shared with other work the
load falls on every version alike, so the ratios to the floor compare versions fairly even when
the absolute figures do not. Each round also checks that every version answered the same data.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import floor
from bench.datasets import CACHE, SEED, dataset, ensure
from bench.scenarios import HEKOU_PAGE
from harness.server import free_port

OFFICE, PURPOSE = "cn-hekou", "placement-verification"


class Version:
    """One checkout's server, and a keep-alive connection to it."""

    def __init__(self, name: str, checkout: Path, env: dict[str, str]) -> None:
        self.name, self.port = name, free_port()
        self.log = (CACHE / f"versions-{name}.log").open("w")
        command = [sys.executable, "-m", "cli.main", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--processes", "1", "--no-graphiql"],
            cwd=checkout,
            env={**env, "PYTHONPATH": str(checkout)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.connection = self._wait_ready()

    def _wait_ready(self) -> http.client.HTTPConnection:
        for _ in range(600):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return connection
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name}: the server did not start (see {self.log.name})")

    def post(self, body: str, headers: dict[str, str]) -> tuple[float, bytes]:
        """(seconds, response body); a connection the server closed is opened again, untimed."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request("POST", "/graphql", body, headers)
                response = self.connection.getresponse()
                data = response.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                if attempt == 2:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            if response.status != 200:
                raise SystemExit(f"{self.name}: HTTP {response.status}: {data[:300]!r}")
            return time.perf_counter() - started, data
        raise AssertionError("unreachable")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered) * 1000, "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


def compare(versions: list[Version], token: str, floor_of: Any, first: int, rounds: int) -> dict[str, Any]:
    body = json.dumps({"query": HEKOU_PAGE, "variables": {"first": first}})
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE, "Content-Type": "application/json"}
    times: dict[str, list[float]] = {v.name: [] for v in versions}
    times["floor"] = []
    same = True
    for i in range(10 + rounds):
        answers = []
        for version in versions:
            seconds, data = version.post(body, headers)
            answers.append(json.loads(data)["data"])
            if i >= 10:
                times[version.name].append(seconds)
        started = time.perf_counter()
        floor_of(first)
        if i >= 10:
            times["floor"].append(time.perf_counter() - started)
        same = same and all(a == answers[0] for a in answers)
    out: dict[str, Any] = {name: _summary(samples) for name, samples in times.items()}
    out["ratios"] = {v.name: out[v.name]["p50"] / out["floor"]["p50"] for v in versions}
    out["same_data"] = same
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.versions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--workers", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=120)
    parser.add_argument("versions", nargs="+", help="NAME=CHECKOUT, e.g. before=/tmp/old after=.")
    args = parser.parse_args()
    ds = dataset(args.database, args.workers)
    ensure(ds)
    env = ds.env(BORDERLABOUR_RATE_LIMIT="off")
    os.environ.update(env)
    from bench.prepare import prepare  # reads the dataset's settings from the environment

    token = prepare(SEED, args.workers)["tokens"][OFFICE]
    engine = create_engine(ds.url)
    with engine.connect() as connection:
        unit = connection.scalar(text("SELECT unit_id FROM offices WHERE code = :c"), {"c": OFFICE})

    def floor_of(first: int) -> bytes:
        with engine.connect() as connection:
            return floor.encode(floor.hekou_page(connection, unit, first))

    versions: list[Version] = []
    try:
        for spec in args.versions:
            name, _, checkout = spec.partition("=")
            versions.append(Version(name, Path(checkout).resolve(), env))
        load = [os.getloadavg()]
        results = {first: compare(versions, token, floor_of, first, args.rounds) for first in (100, 10)}
        load.append(os.getloadavg())
    finally:
        for version in versions:
            version.stop()
        engine.dispose()
    json.dump({"dataset": ds.name, "load": load, "pages": results}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
