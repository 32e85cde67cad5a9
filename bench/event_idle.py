"""Issue 20's "idle subscriptions do not slow reads", measured A/B interleaved (`bench.events`).

One server; in rounds, the page is read one request at a time with no subscription open (A) and
with `IDLE` open and idle (B), the order turned every round (A B, B A, A B, ...) so that whatever
else the shared machine does falls on both sides alike; the subscriptions are opened or closed
only when the state changes. Each state of each round gives the page's p50, the server's CPU per
request (all its processes, from /proc, over the requests) and the server's CPU at rest (over
`QUIET_SECONDS` with nothing asked). The verdict is the ratio of the medians over rounds of p50.

`python -m bench.event_idle [--postgres URL [--database NAME]] [--rounds N] [--quiet S]` runs this
alone on the events benchmark's dataset, prints its row and writes `.bench/events-idle-<engine>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.__main__ import log, requests_for, run_json
from bench.datasets import CACHE, ROOT, SEED, Dataset, dataset, ensure
from bench.event_clients import WATCHER, IdleSubscriptions
from bench.server import Server

IDLE = 500
ROUNDS, QUIET_SECONDS, PAGE_REQUESTS, PAGE_SECONDS = 6, 10.0, 300, 15.0
SETTLE_SECONDS = 3.0
TARGET = 1.10  # the page's p50 with them open, at most this times its p50 with none
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, user + system seconds) of a live process, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds spent so far by `root` and every process under it (`serve`'s workers)."""
    stats = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        if pid in stats:
            total += stats[pid][1]
            frontier.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total


def page_load(
    port: int, prepared: dict, sequential: int, seconds: float, concurrency: int
) -> subprocess.Popen:
    """`bench.load` on B's page, started now; its JSON comes on the process's stdout."""
    spec = {
        "host": "127.0.0.1",
        "targets": [{"port": port, "requests": requests_for("page", prepared)}],
        "warmup": 3,
        "sequential": sequential,
        "sequential_seconds": seconds,
        "concurrency": concurrency,
        "duration": seconds if concurrency else 0,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(spec))
    process.stdin.close()
    return process


def load_result(process: subprocess.Popen) -> dict:
    assert process.stdout is not None
    out = process.stdout.read()
    if process.wait() != 0:
        raise RuntimeError("bench.load failed")
    return json.loads(out)[0]


def _page(server: Server, prepared: dict) -> dict[str, float]:
    before = tree_cpu(server.process.pid)
    result = load_result(page_load(server.port, prepared, PAGE_REQUESTS, PAGE_SECONDS, 0))
    spent = tree_cpu(server.process.pid) - before
    if result["errors"]:
        raise RuntimeError(f"the page failed: {result['first_error']}")
    # warm-up requests included: the server's CPU is counted over all of them
    p50 = float(statistics.median(result["sequential"]))
    return {"p50": p50, "cpu_ms": spent * 1000 / result["requests"]}


def _at_rest(server: Server, seconds: float) -> float:
    """The server's CPU, in per cent of one core, over `seconds` in which nothing is asked of it."""
    before = tree_cpu(server.process.pid)
    time.sleep(seconds)
    return (tree_cpu(server.process.pid) - before) * 100 / seconds


def _median(rows: list[dict[str, float]], key: str) -> float:
    return float(statistics.median(r[key] for r in rows))


def measure_idle(server: Server, prepared: dict, rounds: int = ROUNDS, quiet: float = QUIET_SECONDS) -> dict:
    office, purpose = WATCHER
    figures: dict[str, list[dict[str, float]]] = {"none": [], "open": []}
    idle: IdleSubscriptions | None = None
    still: list[int] = []
    try:
        for r in range(rounds):
            for state in ("none", "open") if r % 2 == 0 else ("open", "none"):
                if state == "open" and idle is None:
                    log(f"idle: round {r + 1}, opening {IDLE} subscriptions")
                    idle = IdleSubscriptions(server.url, prepared["tokens"][office], purpose, IDLE)
                    idle.open()
                    time.sleep(SETTLE_SECONDS)
                elif state == "none" and idle is not None:
                    log(f"idle: round {r + 1}, closing them")
                    idle.close()
                    idle = None
                    time.sleep(SETTLE_SECONDS)
                row = {"rest_cpu_pct": _at_rest(server, quiet), **_page(server, prepared)}
                if idle is not None:
                    still.append(idle.still_open())
                figures[state].append(row)
                log(f"idle: round {r + 1} {state}: {json.dumps(row)}")
    finally:
        if idle is not None:
            idle.close()
    none, opened = figures["none"], figures["open"]
    return {
        "rounds": figures,
        "p50": {"none": _median(none, "p50"), "open": _median(opened, "p50")},
        "cpu_ms": {"none": _median(none, "cpu_ms"), "open": _median(opened, "cpu_ms")},
        "rest_cpu_pct": {"none": _median(none, "rest_cpu_pct"), "open": _median(opened, "rest_cpu_pct")},
        "paired_ratios": [o["p50"] / n["p50"] for n, o in zip(none, opened, strict=True)],
        "ratio": _median(opened, "p50") / _median(none, "p50"),
        "still_open": min(still, default=0),
    }


def render(name: str, idle: dict, target: float) -> tuple[str, bool]:
    met = idle["ratio"] <= target and idle["still_open"] == IDLE
    p50, cpu, rest = idle["p50"], idle["cpu_ms"], idle["rest_cpu_pct"]
    rounds = len(idle["rounds"]["none"])
    row = (
        f"| {name} | page p50 ms, none / {IDLE} idle subscriptions ({idle['still_open']} open), "
        f"median of {rounds} interleaved rounds; server CPU ms per request; server CPU at rest "
        f"(% of a core) | {p50['none'] * 1000:.1f} / {p50['open'] * 1000:.1f}: {idle['ratio']:.3f} ×; "
        f"{cpu['none']:.2f} / {cpu['open']:.2f} ms; {rest['none']:.2f} / {rest['open']:.2f} % "
        f"| ≤ {target:.2f} × | {'met' if met else '**missed**'} |"
    )
    return row, met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.event_idle")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to create the dataset on")
    parser.add_argument("--database", help="the PostgreSQL database's name (default: the benchmark's)")
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--quiet", type=float, default=QUIET_SECONDS, help="seconds at rest per state")
    args = parser.parse_args(argv)
    ds = events_dataset(args.postgres, args.workers, args.database)
    ensure(ds, log)
    prepared = run_json("prepare", {"seed": SEED, "smallest": args.workers}, ds.env())
    load_before = report.load_average()
    server = Server(ds, CACHE / f"events-idle-{ds.name}.log", env={"BORDERLABOUR_RATE_LIMIT": "off"})
    try:
        out = measure_idle(server, prepared, args.rounds, args.quiet)
    finally:
        server.stop()
    out["load_average"] = [load_before, report.load_average()]
    (CACHE / f"events-idle-{ds.engine}.json").write_text(json.dumps(out, indent=1))
    row, met = render(ds.name, out, TARGET)
    print(f"Load average (1, 5, 15 min) before: {load_before}, after: {out['load_average'][1]}\n")
    print(row)
    return 0 if met else 1


def events_dataset(postgres: str | None, workers: int, database: str | None = None) -> Dataset:
    """The events benchmark's dataset; on PostgreSQL in `database` when named."""
    if not postgres:
        return dataset("sqlite", workers, prefix="events-")
    ds = dataset("postgres", workers, postgres, prefix="events-")
    if database:
        from sqlalchemy.engine import make_url

        url = make_url(ds.url).set(database=database).render_as_string(hide_password=False)
        ds = Dataset(ds.engine, ds.workers, url, ds.key_file.with_name(f"{database}.keys.json"))
    return ds


if __name__ == "__main__":
    sys.exit(main())
