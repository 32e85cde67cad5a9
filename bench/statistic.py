"""`python -m bench.statistic`: the statistic in process, from the kept counts and from the rows.

For each dataset (made by `python -m bench`), one process runs tq-home-affairs's statistic (workers
by status in Tuyên Quang, Hà Giang's among them) through `Registry.execute`, as the server does after
authentication, which reads `worker_counts`; and, for comparison, the row count it replaced
(`SELECT status, count(*) FROM workers` in tq-home-affairs's row scope). Medians and tenth
percentiles of N runs each, with no HTTP: what grows with the table shows here, whatever the load on
the machine does to HTTP.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.datasets import DEFAULT_POSTGRES, ROOT, dataset
from bench.report import load_average
from bench.scenarios import BY_KEY

SCENARIO = BY_KEY["statistic"]


def _timed(run: Callable[[], Any], times: int) -> dict[str, float]:
    for _ in range(5):
        run()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return {"p50_ms": statistics.median(samples) * 1000, "p10_ms": samples[len(samples) // 10] * 1000}


def measure(times: int) -> dict[str, dict[str, float]]:
    """Inside one dataset's environment."""
    from sqlalchemy import func, select

    from cli.database import open_database
    from models import Worker
    from policies.sessions import scoped_session
    from policies.tokens import issue_token
    from service.operations import Operation
    from service.registry import Registry
    from settings import Settings

    with open_database(Settings.load())() as session, session.begin():
        token = issue_token(session, SCENARIO.office, dt.timedelta(hours=1), "bench.statistic")[1]
    registry = Registry(Settings.load(graphiql=False))
    caller = registry.authenticate(token)
    assert caller is not None
    grant = registry.grant_for(caller)
    prepared = registry.schemas.schema_for(grant).operations.prepare(SCENARIO.query, None)

    def from_counts() -> None:
        query, purpose = SCENARIO.query, SCENARIO.purpose
        operation = Operation(query, None, None, prepared, purpose, "bench", None, None, None)
        out = registry.execute(grant, operation)
        assert "errors" not in out.body, out.body

    def from_rows() -> None:
        with scoped_session(registry.sessions, grant) as scoped:
            scoped.execute(select(Worker.status, func.count()).group_by(Worker.status)).all()

    return {"counts": _timed(from_counts, times), "rows": _timed(from_rows, times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statistic", description=__doc__.split("\n\n")[1])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--times", type=int, default=200, help="runs of each side (default 200)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        print(json.dumps(measure(args.times)))
        return 0
    engines = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {load_average()}")
    print("| dataset | statistic (counts) p50 / p10 ms | row count p50 / p10 ms |")
    print("|---|---:|---:|")
    for engine in engines:
        for size in sizes:
            ds = dataset(engine, size, args.postgres_url)
            command = [sys.executable, "-m", "bench.statistic", "--inside", "--times", str(args.times)]
            out = json.loads(
                subprocess.run(command, cwd=ROOT, env=ds.env(), capture_output=True, check=True).stdout
            )
            counts, rows = (f"{out[k]['p50_ms']:.1f} / {out[k]['p10_ms']:.1f}" for k in ("counts", "rows"))
            print(f"| {ds.name} | {counts} | {rows} |")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
