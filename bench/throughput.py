"""`python -m bench.throughput [--database postgres|sqlite] [--workers N] [--seconds S] [--spread-only]`

The page scenario under 32 connections, on four servers one after the other: one process or one per
core (the default of `serve`), each with the ledger's group commit off (`BORDERLABOUR_LEDGER_BATCH=1`:
every read's entry in a transaction of its own, as before group commit) and on. For each: requests
per second and latency under load, how long answers waited for their ledger entry (p50 and p95,
from the server's `borderlabour_ledger_wait_seconds` histogram over the load phase), and how the
load spread over the processes (requests from `borderlabour_process_requests_total`, CPU seconds
from `/proc`). Then rounds of new connections to a server with one process per core: how many each
process took. The dataset is a database of its own (`.bench/throughput-*`), generated once.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bench.__main__ import requests_for, run_json
from bench.datasets import CACHE, DEFAULT_POSTGRES, SEED, Dataset, dataset, ensure
from bench.report import load_average
from bench.server import Server
from settings import cores

CASES = (("one process", 1, 1), ("one process", 1, 256), ("one per core", 0, 1), ("one per core", 0, 256))


def named(server: Server, name: str) -> list:
    """The samples of one series on the server's /metrics."""
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=10) as r:
        text = r.read().decode()
    return [s for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


def wait_buckets(server: Server) -> dict[float, float]:
    return {float(s.labels["le"]): s.value for s in named(server, "borderlabour_ledger_wait_seconds_bucket")}


def batches(server: Server) -> float:
    return sum(s.value for s in named(server, "borderlabour_ledger_batches_total"))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(buckets: dict[float, float], q: float) -> float:
    """The q-quantile from cumulative buckets, interpolated linearly inside its bucket (as Prometheus'
    histogram_quantile does)."""
    bounds = sorted(buckets)
    total = buckets[float("inf")]
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        if buckets[bound] >= rank:
            if bound == float("inf"):
                return lower
            inside = buckets[bound] - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 0.0)
        lower, below = bound, buckets[bound]
    return lower


def measure(
    ds: Dataset, prepared: dict, processes: int, batch: int, seconds: float, connections: int
) -> dict:
    env = {"BORDERLABOUR_RATE_LIMIT": "off", "BORDERLABOUR_LEDGER_BATCH": str(batch)}
    server = Server(ds, CACHE / f"server-throughput-{ds.name}.log", workers=processes, env=env)
    try:
        requests = requests_for("page", prepared)
        warm = {"host": "127.0.0.1", "targets": [{"port": server.port, "requests": requests}]}
        run_json(
            "load",
            {
                **warm,
                "warmup": 10,
                "sequential": 0,
                "sequential_seconds": 0,
                "concurrency": connections,
                "duration": 2.0,
            },
        )
        buckets, batches_before = wait_buckets(server), batches(server)
        requests_before = server.requests_per_process()
        cpu_before = {pid: cpu_seconds(pid) for pid in requests_before}
        load_before = load_average()
        (result,) = run_json(
            "load",
            {
                **warm,
                "warmup": 0,
                "sequential": 0,
                "sequential_seconds": 0,
                "concurrency": connections,
                "duration": seconds,
            },
        )
        after, requests_after = wait_buckets(server), server.requests_per_process()
        waited = {le: after[le] - buckets.get(le, 0.0) for le in after}
        return {
            "processes": processes,
            "batch": batch,
            "throughput": result["throughput"],
            "p50": statistics.median(result["concurrent"]),
            "p95": statistics.quantiles(result["concurrent"], n=20)[-1],
            "errors": result["errors"],
            "ledger_p50": quantile(waited, 0.5),
            "ledger_p95": quantile(waited, 0.95),
            "entries": waited[float("inf")],
            "batches": batches(server) - batches_before,
            "requests_per_process": {
                pid: requests_after[pid] - requests_before.get(pid, 0.0) for pid in requests_after
            },
            "cpu_per_process": {pid: cpu_seconds(pid) - cpu_before.get(pid, 0.0) for pid in requests_after},
            "load_before": load_before,
            "load_after": load_average(),
        }
    finally:
        server.stop()


def spread(ds: Dataset, prepared: dict, connections: int, rounds: int) -> list[list[int]]:
    """Rounds of `connections` new connections, one `{ me { code } }` each, to a server with one
    process per core: how many connections each process took, per round (smallest first)."""
    server = Server(ds, CACHE / f"server-spread-{ds.name}.log", env={"BORDERLABOUR_RATE_LIMIT": "off"})
    body = json.dumps({"query": "{ me { code } }"})
    headers = {
        "Authorization": f"Bearer {prepared['tokens']['cn-hekou']}",
        "Content-Type": "application/json",
    }
    try:
        while sum(s.value for s in named(server, "borderlabour_policy_reloads_total")) < cores():
            time.sleep(0.2)  # every process has started and listens on its socket
        out = []
        for _ in range(rounds):
            before = server.requests_per_process()
            opened = [
                http.client.HTTPConnection("127.0.0.1", server.port, timeout=30) for _ in range(connections)
            ]
            for connection in opened:
                connection.request("POST", "/graphql", body=body, headers=headers)
                connection.getresponse().read()
            for connection in opened:
                connection.close()
            after = server.requests_per_process()
            out.append(sorted(int(after[pid] - before.get(pid, 0.0)) for pid in after))
        return out
    finally:
        server.stop()


def table(engine: str, workers: int, results: list[dict]) -> str:
    lines = [
        f"| {engine}-{workers} | processes | group commit | req/s | p50 / p95 ms under load "
        "| ledger wait p50 / p95 ms | entries per transaction | requests per process | CPU s per process "
        "| load before → after |",
        "|---|---|---|---:|---:|---:|---:|---|---|---|",
    ]
    for r, (label, _, _) in zip(results, CASES, strict=True):
        spread = " / ".join(f"{int(n)}" for n in r["requests_per_process"].values())
        cpu = " / ".join(f"{s:.1f}" for s in r["cpu_per_process"].values())
        lines.append(
            f"| | {label} ({r['processes']}) | {'on' if r['batch'] > 1 else 'off'} | {r['throughput']:.1f} "
            f"| {r['p50'] * 1000:.0f} / {r['p95'] * 1000:.0f} | {r['ledger_p50'] * 1000:.1f} / "
            f"{r['ledger_p95'] * 1000:.1f} | {r['entries'] / max(1.0, r['batches']):.1f} | {spread} | {cpu} "
            f"| {r['load_before']} → {r['load_after']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n\n")[1])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--spread-rounds", type=int, default=20, help="rounds of new connections")
    parser.add_argument("--spread-only", action="store_true", help="only the rounds of new connections")
    args = parser.parse_args(argv)
    ds = dataset(args.database, args.workers, args.postgres_url, prefix="throughput-")
    ensure(ds, lambda message: print(message, file=sys.stderr))
    prepared = run_json("prepare", {"seed": SEED, "smallest": args.workers}, ds.env())
    if not args.spread_only:
        results = []
        for label, processes, batch in CASES:
            print(f"{label}, ledger batch {batch}", file=sys.stderr)
            results.append(measure(ds, prepared, processes or cores(), batch, args.seconds, args.connections))
        (CACHE / "throughput-last-run.json").write_text(json.dumps(results, indent=1))
        print(table(args.database, args.workers, results))
    load_before = load_average()
    rounds = spread(ds, prepared, args.connections, args.spread_rounds)
    print(
        f"\n{args.spread_rounds} rounds of {args.connections} new connections, connections per process "
        f"(load {load_before} → {load_average()}): {rounds}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
