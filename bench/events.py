"""`python -m bench.events [--postgres URL] [--workers N]`: issue 20's measured promises.

On one dataset (SQLite, or PostgreSQL when `--postgres` names a server to create it on) two real
`borderlabour serve` deployments run at once, A and B, each with its processes (one per core):

1. latency: crossings recorded on A, their events received by a subscriber on B, while B serves
   the Hekou page to `LOAD_CONNECTIONS` connections (`bench.load` in a process of its own);
   target p95 ≤ 1 s;
2. idle subscriptions: B's page p50 one request at a time with none open and with 500 open and
   idle, in interleaved rounds (`bench.event_idle`), with the server's CPU per request and at rest
   both ways; target ≤ 1.10 × (the medians over rounds);
3. webhooks: 1,000 events a minute (crossings, and the status changes they make) delivered to three
   webhooks, each a real receiver process that checks the HMAC signature (`tests.webhook_receiver`);
   `borderlabour_webhook_backlog` read from /metrics every two seconds must not grow.

Each figure is printed beside its target; the exit status is 1 when one is missed. The raw figures
go to `.bench/events-<engine>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench import report
from bench.__main__ import log, run_json
from bench.datasets import CACHE, ROOT, SEED, Dataset, delete_crossings_after, ensure
from bench.event_clients import WATCHER, Writer, timed_delivery
from bench.event_idle import TARGET as IDLE_TARGET
from bench.event_idle import events_dataset, load_result, measure_idle, page_load
from bench.event_idle import render as render_idle
from bench.server import Server
from settings import cores, normalise_url

WEBHOOK_PREFIX = "http://127.0.0.1:"
ENV = {"BORDERLABOUR_RATE_LIMIT": "off", "BORDERLABOUR_WEBHOOK_URLS": WEBHOOK_PREFIX}
LOAD_CONNECTIONS = 8
LATENCY_RATE, LATENCY_SECONDS = 4.0, 30.0
EVENTS_PER_MINUTE, WEBHOOK_SECONDS, DRAIN_SECONDS = 1000.0, 75.0, 20.0
TARGETS = {"latency_p95_s": 1.0, "idle_ratio": IDLE_TARGET, "backlog_growth": 50.0}
BACKLOG = "borderlabour_webhook_backlog"


def _pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


def _newest_seq(ds: Dataset) -> int:
    engine = create_engine(normalise_url(ds.url))
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT COALESCE(MAX(seq), 0) FROM event_outbox")) or 0)
    finally:
        engine.dispose()


def measure_latency(ds: Dataset, a: Server, b: Server, prepared: dict) -> dict:
    log(
        f"latency: {LATENCY_RATE:.0f} crossings/s on A for {LATENCY_SECONDS:.0f} s, "
        "subscriber on B, B's page loaded"
    )
    before = _newest_seq(ds)
    loader = page_load(b.port, prepared, 0, LATENCY_SECONDS + 6, LOAD_CONNECTIONS)
    time.sleep(3)  # the load is on before the first write
    out = asyncio.run(
        timed_delivery(a.url, b.url, prepared["tokens"], prepared, LATENCY_RATE, LATENCY_SECONDS)
    )
    prepared["next_request"] += out["written"]
    page = load_result(loader)
    out["events_per_crossing"] = (_newest_seq(ds) - before) / max(1, out["committed"])
    out["page"] = {
        "throughput": page["throughput"],
        "p95": _pct(page["concurrent"], 0.95),
        "errors": page["errors"],
    }
    return out


def _backlog(servers: list[Server]) -> float:
    """The gauge as /metrics shows it: the highest any of the servers' answers says."""
    found = 0.0
    with httpx.Client(timeout=10) as client:
        for server in servers:
            for _ in range(2):  # a server of several processes answers from any of them
                for line in client.get(f"{server.url}/metrics").text.splitlines():
                    if line.startswith(BACKLOG + " "):
                        found = max(found, float(line.split()[1]))
    return found


def _receivers(folder: Path, count: int) -> list[tuple[subprocess.Popen, int, Path, Path]]:
    out = []
    for n in range(count):
        secret, deliveries = folder / f"secret-{n}", folder / f"deliveries-{n}.jsonl"
        secret.write_text(f"bench-secret-number-{n}-of-enough-length\n")
        deliveries.unlink(missing_ok=True)
        command = [
            sys.executable,
            "-m",
            "tests.webhook_receiver",
            "--secret-file",
            str(secret),
            "--out",
            str(deliveries),
        ]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        out.append((process, int(process.stdout.readline()), secret, deliveries))
    return out


def _webhooks_cli(ds: Dataset, *args: str) -> str:
    command = [sys.executable, "-m", "cli.main", "webhooks", *args]
    done = subprocess.run(command, cwd=ROOT, env=ds.env(**ENV), capture_output=True, text=True, check=True)
    return done.stdout


def _delivered(deliveries: Path) -> tuple[int, int]:
    """Events accepted (200) by a receiver, and deliveries it refused (401: a bad signature)."""
    lines = [json.loads(x) for x in deliveries.read_text().splitlines()] if deliveries.exists() else []
    return sum(len(d["body"]["events"]) for d in lines if d["status"] == 200), sum(
        d["status"] == 401 for d in lines
    )


def measure_webhooks(ds: Dataset, a: Server, b: Server, prepared: dict, per_crossing: float) -> dict:
    office, purpose = WATCHER
    receivers = _receivers(CACHE, 3)
    hooks = []
    try:
        for _, port, secret, _ in receivers:
            added = _webhooks_cli(
                ds,
                "add",
                "--office",
                office,
                "--url",
                f"{WEBHOOK_PREFIX}{port}/hook",
                "--secret-file",
                str(secret),
                "--purpose",
                purpose,
            )
            hooks.append(added.split()[1])
        rate = EVENTS_PER_MINUTE / 60 / max(1.0, per_crossing)
        log(
            f"webhooks: {rate:.1f} crossings/s ({EVENTS_PER_MINUTE:.0f} events/min) "
            f"for {WEBHOOK_SECONDS:.0f} s"
        )
        before, samples = _newest_seq(ds), []
        token, start = prepared["tokens"][office], prepared["next_request"]
        writer = Writer(a.url, token, prepared, start, directions=prepared["directions"])

        async def write_and_watch() -> int:
            task = asyncio.create_task(writer.run(rate, WEBHOOK_SECONDS))
            begin = time.monotonic()
            while time.monotonic() - begin < WEBHOOK_SECONDS + DRAIN_SECONDS:
                value = await asyncio.to_thread(_backlog, [a, b])
                samples.append((time.monotonic() - begin, value))
                await asyncio.sleep(2)
            return await task

        written = asyncio.run(write_and_watch())
        prepared["next_request"] += written
        events = _newest_seq(ds) - before
        accepted = [_delivered(d) for *_, d in receivers]
    finally:
        for hook in hooks:
            _webhooks_cli(ds, "remove", hook)
        for process, *_ in receivers:
            process.terminate()
            process.wait(10)
    during = [v for t, v in samples if 10 <= t <= WEBHOOK_SECONDS]
    quarter = max(1, len(during) // 4)
    growth = statistics.mean(during[-quarter:]) - statistics.mean(during[:quarter]) if during else None
    return {
        "crossings": written,
        "committed": len(writer.sent),
        "errors": writer.errors,
        "first_error": writer.first_error,
        "events": events,
        "events_per_minute": events / (WEBHOOK_SECONDS / 60),
        "samples": samples,
        "growth": growth,
        "after_drain": samples[-1][1] if samples else None,
        "delivered": [x[0] for x in accepted],
        "refused_signatures": [x[1] for x in accepted],
    }


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def render(name: str, run: dict) -> tuple[str, bool]:
    lat, idle, hooks = run["latency"], run["idle"], run["webhooks"]
    p95 = _pct(lat["latencies"], 0.95)
    lat_met = p95 is not None and p95 <= TARGETS["latency_p95_s"] and lat["received"] == lat["committed"]
    idle_row, idle_met = render_idle(name, idle, TARGETS["idle_ratio"])
    growth = hooks["growth"]
    hooks_met = (
        growth is not None
        and growth <= TARGETS["backlog_growth"]
        and hooks["after_drain"] <= TARGETS["backlog_growth"]
        and min(hooks["delivered"]) >= hooks["events"] * 0.99
        and not any(hooks["refused_signatures"])
    )
    ms = lambda s: "–" if s is None else f"{s * 1000:.0f}"  # noqa: E731
    rows = [
        f"| {name} | event to a subscriber in another `serve`, page under {LOAD_CONNECTIONS} connections: "
        f"p50 / p95 ms ({lat['received']}/{lat['committed']} received) | {ms(_pct(lat['latencies'], 0.5))} / "
        f"{ms(p95)} | p95 ≤ 1,000 ms | {verdict(lat_met)} |",
        f"| {name} | the same from the write's answer (the least the fan-out took): p50 / p95 ms | "
        f"{ms(_pct(lat['after_answer'], 0.5))} / {ms(_pct(lat['after_answer'], 0.95))} | (reported) | |",
        f"| {name} | the same from the event's `occurredAt` (in the write's transaction): p50 / p95 ms | "
        f"{ms(_pct(lat['after_commit'], 0.5))} / {ms(_pct(lat['after_commit'], 0.95))} | (reported) | |",
        f"| {name} | the page meanwhile: req/s, p95 ms | {lat['page']['throughput']:.1f}, "
        f"{ms(lat['page']['p95'])} "
        "| (reported) | |",
        idle_row,
        f"| {name} | webhooks: {hooks['events_per_minute']:.0f} events/min, delivered to each of three "
        f"{'/'.join(str(d) for d in hooks['delivered'])} of {hooks['events']}; backlog growth "
        f"{'–' if growth is None else f'{growth:.0f}'}, after {DRAIN_SECONDS:.0f} s drain "
        f"{hooks['after_drain']:.0f} | growth ≤ {TARGETS['backlog_growth']:.0f} events | "
        f"{verdict(hooks_met)} |",
    ]
    return "\n".join(rows), lat_met and idle_met and hooks_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.split("\n\n")[1])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to create the dataset on")
    parser.add_argument("--database", help="the PostgreSQL database's name (default: the benchmark's)")
    parser.add_argument("--workers", type=int, default=10_000, help="the dataset's size (default 10,000)")
    args = parser.parse_args(argv)
    engine = "postgres" if args.postgres else "sqlite"
    ds = events_dataset(args.postgres, args.workers, args.database)
    ensure(ds, log)
    load_before, started = report.load_average(), time.monotonic()
    prepared = run_json("prepare", {"seed": SEED, "smallest": args.workers}, ds.env())
    crossers = run_json("event_prepare", {}, ds.env())["workers"]
    prepared["crossing_workers"], prepared["directions"] = sorted(crossers), crossers
    prepared["next_request"] = 0
    run: dict[str, Any] = {"dataset": ds.name, "load_average_before": load_before}
    a = Server(ds, CACHE / f"events-a-{ds.name}.log", env=ENV)
    try:
        b = Server(ds, CACHE / f"events-b-{ds.name}.log", env=ENV)
        try:
            run["latency"] = measure_latency(ds, a, b, prepared)
            run["idle"] = measure_idle(b, prepared)
            run["webhooks"] = measure_webhooks(ds, a, b, prepared, run["latency"]["events_per_crossing"])
        finally:
            b.stop()
    finally:
        a.stop()
        delete_crossings_after(ds, prepared["last_crossing_id"])
    run["load_average_after"], run["seconds"] = report.load_average(), time.monotonic() - started
    (CACHE / f"events-{engine}.json").write_text(json.dumps(run, indent=1))
    table, met = render(ds.name, run)
    print(
        f"Load average (1, 5, 15 min) before: {load_before}, after: {run['load_average_after']}; "
        f"{run['seconds']:.0f} s; {cores()} server processes each for A and B.\n"
    )
    print("| dataset | figure | value | target | verdict |\n|---|---|---|---|---|")
    print(table)
    for phase in ("latency", "webhooks"):
        if run[phase]["errors"]:
            print(f"\n{phase}: {run[phase]['errors']} writes failed, first: {run[phase]['first_error']}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
