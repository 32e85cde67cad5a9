"""The comparison with PostGraphile over four shapes of read: `python -m bench.peer` runs it alone.

`python -m bench` runs this phase on its largest PostgreSQL dataset, with its own server; run
alone, the phase serves the dataset itself (`borderlabour serve`, as the full run does), so it can
be rerun in minutes. Per shape (`bench/peer_shapes.py`), both servers are asked once and must give
the same answer once normalised, or the run stops. Then:

1. latency: the two servers' requests interleaved on one connection each (`bench/load.py`);
2. throughput: 32 connections to one server at a time;

and around each of the two, the CPU time of each server's processes and of the PostgreSQL
backends serving it (`bench/peer_cpu.py`), divided by the requests it answered in that phase.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench import peer_report, postgraphile
from bench.datasets import CACHE, DEFAULT_POSTGRES, SEED, Dataset, dataset
from bench.memory import peak_memory
from bench.peer_cpu import Meter, Side
from bench.peer_shapes import PEER_FIRST_WORKER, SHAPES, SHAPES_BY_KEY, Shape, context_of, differences
from bench.scenarios import BY_KEY, HEKOU_PAGE
from bench.server import Counters, Server

OFFICE = BY_KEY["page"].office


def log(message: str) -> None:
    print(f"[bench.peer {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _body(query: str, variables: dict[str, Any]) -> str:
    return json.dumps({"query": query, "variables": variables})


def _metered(
    sides: dict[str, Side], spec: dict[str, Any], names: list[str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """One run of the load process, with the CPU of the sides it loads."""
    from bench.__main__ import run_json

    meter = Meter({name: sides[name] for name in names})
    meter.start()
    try:
        results: list[dict[str, Any]] = list(run_json("peer_load", spec))
    finally:
        cpu = meter.stop()
    return results, cpu


def _per_request(cpu: dict[str, float], requests: int) -> dict[str, float]:
    n = max(1, requests)
    server, database = cpu["server"], cpu["database"] + cpu["parallel"]
    return {
        "server_ms": server * 1000 / n,
        "database_ms": database * 1000 / n,
        "total_ms": (server + database) * 1000 / n,
        "parallel_workers": cpu["parallel_workers"],
    }


def answered_by_process(before: dict[int, float], after: dict[int, float]) -> list[int]:
    """What each process answered between two readings of its counter: every process the counter
    names, one that answered nothing too (as 0; `serve` replaces no process during the bench, so
    none is a dead one's)."""
    return [int(n - before.get(pid, 0.0)) for pid, n in sorted(after.items())]


def ledger_under_load(
    before: dict[str, float], after: dict[str, float], seconds: float
) -> dict[str, float] | None:
    """The ledger's group commit over a phase of `seconds`, from its counters at either end
    (`bench.server.Counters.ledger`): batches a second, entries a batch, the mean wait of an answer
    for its entry, and how many answers waited at once on average (the wait's seconds over the
    phase's). None if the server counted no batch in it. The counters also hold the few requests
    each connection sends before the phase's clock starts (`bench.load.WARM_EACH`): a per cent or
    two of a phase's, which the figures a second carry too."""
    batches = after.get("batches", 0.0) - before.get("batches", 0.0)
    entries = after.get("entries", 0.0) - before.get("entries", 0.0)
    waited = after.get("waited", 0.0) - before.get("waited", 0.0)
    if batches <= 0 or entries <= 0 or seconds <= 0:
        return None
    return {
        "batches_per_second": batches / seconds,
        "entries_per_batch": entries / batches,
        "wait_ms": waited * 1000 / entries,
        "waiting_at_once": waited / seconds,
    }


def measure_shape(
    shape: Shape,
    bodies: dict[str, dict[str, Any]],
    ports: dict[str, int],
    sides: dict[str, Side],
    settings: Any,
    counters: Callable[[], Counters] | None = None,
) -> dict[str, Any]:
    """Latency interleaved, then throughput one server at a time, each with its CPU; under the load,
    what each of our processes answered and what the ledger's group commit did (`counters`: our
    server's /metrics so far)."""
    names = list(bodies)
    spec = {
        "host": "127.0.0.1",
        "targets": [{"port": ports[n], "requests": [bodies[n]]} for n in names],
        "warmup": settings.warmup,
        "sequential": settings.sequential,
        "sequential_seconds": settings.sequential_seconds,
        "concurrency": 0,
        "duration": 0,
    }
    results, cpu = _metered(sides, spec, names)
    out: dict[str, Any] = {}
    for name, result in zip(names, results, strict=True):
        result["cpu_sequential"] = _per_request(cpu[name], result["requests"])
        out[name] = result
    for name in names:
        spec = {
            "host": "127.0.0.1",
            "targets": [{"port": ports[name], "requests": [bodies[name]]}],
            "warmup": 0,
            "sequential": 0,
            "sequential_seconds": 0,
            "concurrency": settings.concurrency,
            "duration": settings.duration,
        }
        before = counters() if counters and name == "ours" else None
        (loaded,), cpu = _metered(sides, spec, [name])
        if counters and before is not None:  # the target: each within 10% of an even share
            after = counters()
            out[name]["requests_per_process"] = answered_by_process(before.per_process, after.per_process)
            seconds = loaded["requests"] / loaded["throughput"] if loaded["throughput"] else 0.0
            out[name]["ledger"] = ledger_under_load(before.ledger, after.ledger, seconds)
        out[name].update(
            concurrent=loaded["concurrent"],
            throughput=loaded["throughput"],
            cpu_concurrent=_per_request(cpu[name], loaded["requests"]),
        )
        out[name]["requests"] += loaded["requests"]
        out[name]["errors"] += loaded["errors"]
        out[name]["first_error"] = out[name]["first_error"] or loaded["first_error"]
    return out


def measure(
    ds: Dataset,
    server: Server,
    prepared: dict[str, Any],
    settings: Any,
    shapes: tuple[Shape, ...] = SHAPES,
    say: Callable[[str], None] = log,
) -> dict[str, Any]:
    """Every shape from our server and from PostGraphile on the same database, as the same office."""
    from bench.__main__ import run_json

    try:
        versions = postgraphile.install(say)
    except postgraphile.PeerUnavailable as reason:
        say(f"peer: skipped: {reason}")
        return {"skipped": str(reason)}
    say(f"{ds.name}: peer: role, column grants and row-level security for {OFFICE}")
    access = run_json("peer_access", {"office": OFFICE}, ds.env())
    url = make_url(ds.url).set(drivername="postgres", username=access["role"], password=None)
    headers = {"Authorization": f"Bearer {prepared['tokens'][OFFICE]}", "X-Purpose": BY_KEY["page"].purpose}
    peer = None
    try:
        peer = postgraphile.PeerServer(
            url.render_as_string(hide_password=False), CACHE / f"peer-{ds.name}.log"
        )
        context = context_of(
            server.post(_body(HEKOU_PAGE, {"first": 1}), headers),
            peer.post(json.dumps({"query": PEER_FIRST_WORKER})),
        )
        database = make_url(ds.url).database or ""
        sides = {
            "ours": Side(server.process.pid, make_url(ds.url).username or "postgres", database),
            "peer": Side(peer.process.pid, access["role"], database),
        }
        ports = {"ours": server.port, "peer": peer.port}
        out: dict[str, Any] = {}
        for shape in shapes:
            bodies: dict[str, dict[str, Any]] = {
                "ours": {"body": _body(shape.ours, shape.ours_variables(context)), "headers": headers},
                "peer": {"body": _body(shape.peer, shape.peer_variables(context)), "headers": {}},
            }
            problems = differences(
                shape,
                server.post(bodies["ours"]["body"], headers),
                peer.post(bodies["peer"]["body"]),
            )
            if problems:
                raise RuntimeError(
                    f"PostGraphile and the registry answer {shape.key} differently:\n" + "\n".join(problems)
                )
            say(f"{ds.name}: peer: {shape.key}: the same answer; loading both")
            out[shape.key] = measure_shape(shape, bodies, ports, sides, settings, server.counters)
        return {
            "versions": versions,
            "office": OFFICE,
            "role": access["role"],
            "columns": access["columns"],
            "row_policies": access["policies"],
            "shapes": out,
            "peer_memory": peak_memory(peer.process.pid),
        }
    finally:
        if peer is not None:
            peer.stop()
        run_json("peer_access", {"office": OFFICE, "drop": True}, ds.env())


def main(argv: list[str] | None = None) -> int:
    from bench.__main__ import FULL, QUICK, SERVER_ENV, in_process
    from bench.report import load_average, machine

    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short phases")
    parser.add_argument("--workers", type=int, default=100_000, help="the dataset's size (default 100000)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="the server of the bench's datasets")
    parser.add_argument(
        "--database-url", help="a generated database of its own instead (with --key-file): its keys"
    )
    parser.add_argument("--key-file", type=Path, help="the key file of --database-url")
    parser.add_argument("--shapes", help=f"comma-separated, of {','.join(SHAPES_BY_KEY)} (default all)")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.database_url:
        if args.key_file is None:
            parser.error("--database-url needs --key-file")
        ds = Dataset("postgres", args.workers, args.database_url, args.key_file.resolve())
    else:
        ds = dataset("postgres", args.workers, args.postgres_url)
    shapes = tuple(SHAPES_BY_KEY[k] for k in args.shapes.split(",")) if args.shapes else SHAPES
    started = time.monotonic()
    info = machine(args.postgres_url)
    prepared = in_process(ds, settings, args.workers, ratios=False)["prepared"]
    server = Server(ds, CACHE / f"server-{ds.name}-peer.log", env=SERVER_ENV)
    try:
        result = measure(ds, server, prepared, settings, shapes)
    finally:
        memory = peak_memory(server.process.pid)
        server.stop()
    info["load_average_after"] = load_average()
    run = {
        "command": " ".join(["python -m bench.peer", *(argv if argv is not None else sys.argv[1:])]),
        "seed": SEED,
        "settings": settings.__dict__,
        "machine": info,
        "elapsed_seconds": time.monotonic() - started,
        "results": {ds.name: {"peer": result, "peak_memory": memory, "rows": prepared["rows"]}},
    }
    CACHE.mkdir(exist_ok=True)
    (CACHE / "last-peer-run.json").write_text(json.dumps(run, indent=1))
    print("\n".join(peer_report.render_alone(run)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
