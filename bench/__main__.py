"""`python -m bench [--quick] [--database sqlite|postgres|both] [--sizes 10000,100000] [--output FILE]
[--scenarios statistic,...]`

For each database: make sure each size's dataset exists (generated once, kept in `.bench/`) and
measure the ratios in one process per dataset (`bench.inproc`), with no server running. Then
start a real `borderlabour serve` on every size at once and drive each scenario from a separate
load process (`bench.load`): latency with the servers' requests interleaved (so that the sizes
compare fairly on a shared machine), then throughput under 32 connections, one server at a time.
SQL statements per request are read from each server's /metrics. The report (Markdown) goes to
stdout and to `--output`; the raw figures to `.bench/last-run.json`. `--scenarios` measures only
the scenarios named, over HTTP (no in-process ratios), and reports their figures and growth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import postgraphile, report
from bench.datasets import (
    CACHE,
    DEFAULT_POSTGRES,
    ROOT,
    SEED,
    Dataset,
    dataset,
    delete_crossings_after,
    ensure,
)
from bench.memory import peak_memory
from bench.scenarios import BY_KEY, SCENARIOS, Scenario, variables_for
from bench.server import Server

SERVER_ENV = {"BORDERLABOUR_RATE_LIMIT": "off"}  # the benchmark measures capacity, not the limiter


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    warmup: int
    sequential: int  # requests, at most ...
    sequential_seconds: float  # ... or this long
    concurrency: int
    duration: float
    inproc_iterations: int
    inproc_warmup: int
    naive_iterations: int
    naive_first: int  # the naive middleware's page size (100 in a full run; quick mode keeps it short)
    statement_tries: int


FULL = Settings((10_000, 100_000), 10, 300, 20.0, 32, 15.0, 40, 3, 5, 100, 3)
QUICK = Settings((1_000, 2_000), 2, 5, 0.5, 8, 0.2, 2, 0, 1, 10, 2)
DISTINCT_REQUESTS = 400


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run_json(module: str, payload: dict, env: dict[str, str] | None = None) -> dict:
    """Runs `python -m bench.<module>` with `payload` as JSON on stdin; its stdout is JSON."""
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{module}"],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.{module} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)


def requests_for(key: str, prepared: dict) -> list[dict]:
    scenario = next(s for s in SCENARIOS if s.key == key)
    headers = {
        "Authorization": f"Bearer {prepared['tokens'][scenario.office]}",
        "X-Purpose": scenario.purpose,
    }
    count = DISTINCT_REQUESTS if key in ("search", "crossing") else 1
    return [
        {
            "body": json.dumps({"query": scenario.query, "variables": variables_for(key, n, prepared)}),
            "headers": headers,
        }
        for n in range(count)
    ]


def in_process(ds: Dataset, settings: Settings, smallest: int, ratios: bool = True) -> dict:
    """Prepares the dataset for the load and measures the ratios (if asked), with no server running."""
    ensure(ds, log)
    log(f"{ds.name}: {'in-process ratios' if ratios else 'preparing'}")
    spec = {
        "ratios": ratios,
        "seed": SEED,
        "smallest": smallest,
        "iterations": settings.inproc_iterations,
        "warmup": settings.inproc_warmup,
        "naive_iterations": settings.naive_iterations,
        "naive_first": settings.naive_first,
    }
    return run_json("inproc", spec, ds.env())


def measure_peer(ds: Dataset, server: Server, prepared: dict, settings: Settings) -> dict:
    """The page from our server and from PostGraphile on the same database, as the same office.

    Both must answer the same workers in the same order, or the run stops. Then latency with the
    two servers' requests interleaved, and throughput under the same connections, one at a time.
    """
    office = BY_KEY["page"].office
    try:
        versions = postgraphile.install(log)
    except postgraphile.PeerUnavailable as reason:
        log(f"peer: skipped: {reason}")
        return {"skipped": str(reason)}
    log(f"{ds.name}: peer: role, column grants and row-level security for {office}")
    access = run_json("peer_access", {"office": office}, ds.env())
    url = make_url(ds.url).set(drivername="postgres", username=access["role"], password=None)
    peer = None
    try:
        peer = postgraphile.PeerServer(
            url.render_as_string(hide_password=False), CACHE / f"peer-{ds.name}.log"
        )
        ours, theirs = requests_for("page", prepared)[0], postgraphile.request()
        problems = postgraphile.differences(
            server.post(ours["body"], ours["headers"]), peer.post(theirs["body"])
        )
        if problems:
            raise RuntimeError(
                "PostGraphile and the registry answer different pages:\n" + "\n".join(problems)
            )
        log(f"{ds.name}: peer: the same page; loading both")
        spec = {
            "host": "127.0.0.1",
            "targets": [{"port": server.port, "requests": [ours]}, {"port": peer.port, "requests": [theirs]}],
            "warmup": settings.warmup,
            "sequential": settings.sequential,
            "sequential_seconds": settings.sequential_seconds,
            "concurrency": settings.concurrency,
            "duration": settings.duration,
        }
        before = server.requests_per_process()
        ours_result, peer_result = run_json("load", spec)
        # What each of our processes answered of the load (the target: within 10% of an even share).
        spread = {pid: n - before.get(pid, 0.0) for pid, n in server.requests_per_process().items()}
        ours_result["requests_per_process"] = [int(n) for n in spread.values() if n > 0]
        return {
            "versions": versions,
            "office": office,
            "role": access["role"],
            "columns": access["columns"],
            "row_policies": access["policies"],
            "ours": ours_result,
            "peer": peer_result,
            "peer_memory": peak_memory(peer.process.pid),
        }
    finally:
        if peer is not None:
            peer.stop()
        run_json("peer_access", {"office": office, "drop": True}, ds.env())


def measure_engine(
    datasets: list[Dataset],
    settings: Settings,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
    peer: bool = True,
) -> dict[str, dict]:
    """Every size of one database engine, served at the same time so that latencies interleave.

    On PostgreSQL the largest size is also compared with PostGraphile (`measure_peer`), unless
    `scenarios` is a subset (the comparison is of the page).
    """
    smallest = min(ds.workers for ds in datasets)
    everything = scenarios == SCENARIOS
    inside = {ds.name: in_process(ds, settings, smallest, everything) for ds in datasets}
    out: dict[str, dict] = {
        ds.name: {
            "scenarios": {},
            "inproc": inside[ds.name]["inproc"],
            "rows": inside[ds.name]["prepared"]["rows"],
        }
        for ds in datasets
    }
    prepared = {ds.name: inside[ds.name]["prepared"] for ds in datasets}
    servers: dict[str, Server] = {}
    try:
        for ds in datasets:
            log(f"{ds.name}: serving")
            servers[ds.name] = Server(ds, CACHE / f"server-{ds.name}.log", env=SERVER_ENV)
        for scenario in scenarios:
            requests = {name: requests_for(scenario.key, prepared[name]) for name in servers}
            statements = {
                name: server.statements_of(
                    requests[name][0]["body"], requests[name][0]["headers"], settings.statement_tries
                )
                for name, server in servers.items()
            }
            log(f"{scenario.key}: statements per request {statements}; loading")
            before = {name: server.statements() for name, server in servers.items()}
            spec = {
                "host": "127.0.0.1",
                "targets": [
                    {"port": server.port, "requests": requests[name]} for name, server in servers.items()
                ],
                "warmup": settings.warmup,
                "sequential": settings.sequential,
                "sequential_seconds": settings.sequential_seconds,
                "concurrency": settings.concurrency,
                "duration": settings.duration,
            }
            results = run_json("load", spec)  # a process of its own: the load never shares the server's time
            for (name, server), result in zip(servers.items(), results, strict=True):
                result["statements"] = statements[name]
                grown = server.statements() - before[name]
                result["statements_per_request_under_load"] = grown / max(1, result["requests"])
                out[name]["scenarios"][scenario.key] = result
        page = next(s for s in SCENARIOS if s.key == "page")
        small = json.dumps({"query": page.query, "variables": {"first": 10}})
        for name, server in servers.items() if everything else ():
            headers = requests_for("page", prepared[name])[0]["headers"]
            out[name]["page_statements_first_10"] = server.statements_of(
                small, headers, settings.statement_tries
            )
        if everything:  # the page at `first: 10`: latency only, the sizes interleaved as above
            log("page at first: 10: latency")
            spec = {
                "host": "127.0.0.1",
                "targets": [
                    {
                        "port": server.port,
                        "requests": [
                            {"body": small, "headers": requests_for("page", prepared[name])[0]["headers"]}
                        ],
                    }
                    for name, server in servers.items()
                ],
                "warmup": settings.warmup,
                "sequential": settings.sequential,
                "sequential_seconds": settings.sequential_seconds,
                "concurrency": 0,
                "duration": 0,
            }
            for name, result in zip(servers, run_json("load", spec), strict=True):
                out[name]["page_first_10"] = result
        largest = max(datasets, key=lambda ds: ds.workers)
        if peer and everything and largest.engine == "postgres":
            out[largest.name]["peer"] = measure_peer(
                largest, servers[largest.name], prepared[largest.name], settings
            )
    finally:
        for name, server in servers.items():
            out[name]["peak_memory"] = peak_memory(server.process.pid)
            server.stop()
        for ds in datasets:
            delete_crossings_after(ds, prepared[ds.name]["last_crossing_id"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true", help="small datasets and short phases (< 1 minute)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--sizes", help="comma-separated worker counts (default 10000,100000; quick 1000,2000)"
    )
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES, help="a server to create the databases on"
    )
    parser.add_argument("--output", type=Path, help="also write the report here (e.g. BENCHMARKS.md)")
    parser.add_argument(
        "--no-peer", action="store_true", help="skip the comparison with PostGraphile (PostgreSQL only)"
    )
    parser.add_argument(
        "--scenarios",
        help=f"comma-separated, of {','.join(BY_KEY)} (default all); a subset skips the in-process ratios "
        "and the comparison with PostGraphile, and prints its figures and growth only (never to --output)",
    )
    args = parser.parse_args(argv)
    chosen = args.scenarios.split(",") if args.scenarios else list(BY_KEY)
    if unknown := set(chosen) - set(BY_KEY):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    scenarios = tuple(s for s in SCENARIOS if s.key in chosen)
    settings = QUICK if args.quick else FULL
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else settings.sizes
    engines = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    command = " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])])
    started = time.monotonic()
    machine = report.machine(args.postgres_url if "postgres" in engines else None)
    results: dict = {}
    for engine in engines:
        datasets = [dataset(engine, size, args.postgres_url) for size in sizes]
        results.update(measure_engine(datasets, settings, scenarios, peer=not args.no_peer))
    machine["load_average_after"] = report.load_average()
    elapsed = time.monotonic() - started
    run = {
        "command": command,
        "quick": args.quick,
        "engines": engines,
        "sizes": sizes,
        "scenarios": [s.key for s in scenarios],
        "settings": settings.__dict__,
        "machine": machine,
        "elapsed_seconds": elapsed,
        "results": results,
    }
    CACHE.mkdir(exist_ok=True)
    (CACHE / "last-run.json").write_text(json.dumps(run, indent=1))
    if scenarios != SCENARIOS:
        print(report.render_subset(run))
        log(f"done in {elapsed:.0f} s")
        return 0
    previous = args.output.read_text() if args.output and args.output.exists() else ""
    text = report.render(run, report.notes_of(previous))
    print(text)
    if args.output:
        args.output.write_text(text)
    log(f"done in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
