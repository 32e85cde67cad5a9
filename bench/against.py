"""This checkout against another, served and loaded at the same time: `python -m bench.against OTHER`.

On a shared machine the CPU one request costs drifts by a fifth from one minute to the next, more
than most changes measure: two builds served one after the other are in effect measured on two
machines. Here both are served at once over the same database (`$BORDERLABOUR_DATABASE_URL`, a
generated dataset, and its key file), each with two processes as `serve` runs by default, and
loaded at once, `--concurrency` connections each (`bench.load`), so whatever else the machine does
falls on both alike. Each round gives, per build, the requests it answered and its server CPU per
request (`/proc`: every process of the server; the database's backends serve both builds as one
role and are not told apart).

The build started first costs a little more CPU per request (3 to 7 % in runs of one build against
itself), so the pair runs in both orders, servers started afresh, and the
ratio of CPU per request (OTHER's over this checkout's) is printed for each: a change that is real
shows the same way in both. OTHER is a checkout with its own dependencies installed alike, e.g.
`git worktree add /tmp/base main~1`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.__main__ import SERVER_ENV
from bench.cpu import ROSTER, WORKER_BY_ID, _token
from bench.datasets import CACHE, ROOT
from bench.peer_cpu import TICK, Side, all_processes, cpu_ticks, owners
from bench.scenarios import HEKOU_PAGE
from harness.server import free_port
from settings import Settings

PURPOSE = "placement-verification"
SHAPES = {
    "worker": WORKER_BY_ID,
    "page10": HEKOU_PAGE,
    "page100": HEKOU_PAGE,
    "roster": ROSTER,
}


@contextmanager
def serving(checkout: Path, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """`serve` from `checkout` (its own code first on the path) on a free port: (port, pid)."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--port",
                str(port),
                "--processes",
                "2",
                "--no-graphiql",
            ],
            cwd=checkout,
            env={**env, "PYTHONPATH": str(checkout)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server from {checkout} did not start: see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield port, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _post(port: int, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as answer:
        return bytes(answer.read())


def _loads(specs: list[dict[str, Any]], env: dict[str, str]) -> list[dict[str, Any]]:
    """One load process per spec, all at once; their results in the same order."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.load"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in specs
    ]
    for process, spec in zip(processes, specs, strict=True):
        assert process.stdin is not None
        process.stdin.write(json.dumps(spec))
        process.stdin.close()
    results = []
    for process in processes:
        assert process.stdout is not None
        results.append(json.loads(process.stdout.read())[0])
        process.wait()
    return results


def _server_ticks(pids: list[int]) -> list[int]:
    """CPU ticks so far of each server: its process and every descendant."""
    sides = {str(pid): Side(pid, "", "") for pid in pids}
    totals = dict.fromkeys(sides, 0)
    for pid, (name, kind) in owners(sides, all_processes()).items():
        if kind == "server":
            totals[name] += cpu_ticks(pid) or 0
    return [totals[str(pid)] for pid in pids]


def pair(
    checkouts: list[Path], args: argparse.Namespace, env: dict[str, str], token: str
) -> list[dict[str, Any]]:
    """Both checkouts served and loaded at once, in the order given: per checkout, its totals."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE, "Content-Type": "application/json"}
    with ExitStack() as stack:
        servers = [
            stack.enter_context(serving(c, env, CACHE / f"against-{n}.log")) for n, c in enumerate(checkouts)
        ]
        ports = [port for port, _pid in servers]
        page = json.dumps({"query": HEKOU_PAGE, "variables": {"first": 1}}).encode()
        first = json.loads(_post(ports[0], page, headers))["data"]["workers"]["nodes"][0]["id"]
        variables = {
            "worker": {"id": first},
            "page10": {"first": 10},
            "page100": {"first": 100},
            "roster": {},
        }
        body = json.dumps({"query": SHAPES[args.shape], "variables": variables[args.shape]})
        answers = [json.loads(_post(port, body.encode(), headers)) for port in ports]
        if answers[0] != answers[1] or "errors" in answers[0]:
            raise SystemExit(f"the two builds answer {args.shape} differently, or with errors")

        def spec(port: int, seconds: float, warmup: int) -> dict[str, Any]:
            return {
                "host": "127.0.0.1",
                "targets": [{"port": port, "requests": [{"body": body, "headers": headers}]}],
                "warmup": warmup,
                "sequential": 0,
                "sequential_seconds": 0,
                "concurrency": args.concurrency,
                "duration": seconds,
            }

        _loads([spec(port, 3, 100) for port in ports], env)  # every process of both servers warm
        totals: list[dict[str, Any]] = [
            {"checkout": str(c), "requests": 0, "ticks": 0, "errors": 0} for c in checkouts
        ]
        for _ in range(args.rounds):
            before = _server_ticks([pid for _port, pid in servers])
            results = _loads([spec(port, args.seconds, 0) for port in ports], env)
            after = _server_ticks([pid for _port, pid in servers])
            line = []
            for total, result, ticks_before, ticks_after in zip(totals, results, before, after, strict=True):
                total["requests"] += result["requests"]
                total["ticks"] += ticks_after - ticks_before
                total["errors"] += result["errors"]
                ms = 1000 * (ticks_after - ticks_before) / TICK / max(result["requests"], 1)
                line.append(
                    f"{Path(total['checkout']).name}: {result['requests']} requests, {ms:.3f} ms CPU each"
                )
            print("  ".join(line), flush=True)
        for total in totals:
            total["cpu_ms"] = round(1000 * total["ticks"] / TICK / max(total["requests"], 1), 3)
        return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout")
    parser.add_argument("--shape", default="worker", choices=sorted(SHAPES))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16, help="connections to each server")
    args = parser.parse_args(argv)
    settings = Settings.load(graphiql=False, rate_limit="off")
    env = {
        **os.environ,
        **SERVER_ENV,
        "BORDERLABOUR_DATABASE_URL": settings.database_url,
        "BORDERLABOUR_KEY_FILE": str(settings.key_path),
    }
    token = _token(settings)
    this, other = ROOT, args.other.resolve()
    ratios = []
    for order in ([this, other], [other, this]):
        totals = {Path(t["checkout"]): t for t in pair(order, args, env, token)}
        ratio = totals[other]["cpu_ms"] / totals[this]["cpu_ms"]
        print(
            json.dumps(
                {"first": str(order[0]), "totals": list(totals.values()), "other_over_this": round(ratio, 3)}
            ),
            flush=True,
        )
        ratios.append(ratio)
    print(
        f"CPU per request, {other.name} / {this.name}: "
        f"{ratios[0]:.3f} (this first), {ratios[1]:.3f} (other first)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
