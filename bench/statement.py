"""`python -m bench.statement [--disclosures 10000] [--postgres URL] [--repeat 3]`: time a worker's
statement (issue 19: "a worker with ten thousand disclosures gets a complete statement in under 10 s").

The demo (50 workers) loaded by the real CLI, on SQLite in a temporary folder or in a database made
on the PostgreSQL server `--postgres` names (and dropped after). One worker in Lào Cai's Home Affairs
department's scope gets `--disclosures` ledger entries, appended in batches by the ledger's own code
(`harness.disclosures`); a second worker shares a third of them and has entries of its own. Then the
statement, as lc-home-affairs answers the worker's request (`data-subject-request`, a case
reference): JSON and PDF from a real `borderlabour serve` over HTTP, and from the real CLI
(`subject statement`, a process each time, its start-up included). Each is made `--repeat` times;
the median and the slowest wall-clock seconds, and the median CPU seconds (the server's processes
from /proc, the CLI's from `getrusage`: on a shared machine the wall clock also counts others' work)
are printed as a Markdown table for BENCHMARKS.md.

Before timing, the statement is checked to be complete: every disclosure of the worker up to its
checkpoint (counted in SQL), none of the other worker's alone, and `audit verify --checkpoint`
accepts its checkpoint. Target: 10 s for every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.memory import cpu_seconds
from harness.databases import Database, cli_env, demo_copy, demo_template, drop_template, run_cli
from harness.disclosures import append_disclosures
from harness.server import ServerProcess
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from settings import normalise_url

OFFICE = "lc-home-affairs"
PURPOSE = "data-subject-request"
CASE = "HS-BENCH/0001"
TARGET_SECONDS = 10.0
LIST = "{ workers(first: 2, filter: {status: DEPLOYED}) { nodes { id } } }"


def _timed(
    make: Callable[[], bytes], repeat: int, cpu: Callable[[], float]
) -> tuple[list[float], list[float], bytes]:
    """Wall-clock and CPU seconds of each of `repeat` makes (`cpu`: the maker's CPU seconds so far)."""
    seconds, used, content = [], [], b""
    for _ in range(repeat):
        started, before = time.perf_counter(), cpu()
        content = make()
        seconds.append(time.perf_counter() - started)
        used.append(cpu() - before)
    return seconds, used, content


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _held(database: Database, worker_id: int, upto: int) -> int:
    """The worker's disclosures up to entry `upto`, counted straight from the per-worker index."""
    engine = create_engine(normalise_url(database.url))
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM ledger_workers WHERE worker_id = :w AND entry_id <= :s"),
            {"w": worker_id, "s": upto},
        ).scalar_one()
    engine.dispose()
    return int(count)


def _check(database: Database, statement: dict, worker_id: int, folder: Path) -> None:
    """The statement lists every disclosure of the worker, none of the other's, and its checkpoint
    is one the ledger proves; or the run stops."""
    held = _held(database, worker_id, statement["checkpoint"]["seq"])
    shown = statement["disclosures"]
    if len(shown) != held:
        raise SystemExit(f"incomplete statement: {len(shown)} disclosures shown, {held} in the ledger")
    if any((d["officer"] or "").startswith("Cán bộ Bx") for d in shown):
        raise SystemExit("the statement shows a disclosure of another worker")
    checkpoint = folder / "checkpoint.json"
    checkpoint.write_text(json.dumps(statement["checkpoint"]))
    public = folder / "ledger.pub"
    public.write_text(run_cli(database, "audit", "public-key").stdout)
    run_cli(database, "audit", "verify", "--public-key", str(public), "--checkpoint", str(checkpoint))


def measure(database: Database, tokens: dict[str, str], count: int, repeat: int, folder: Path) -> dict:
    server = ServerProcess(
        cli_env(database, BORDERLABOUR_RATE_LIMIT="off"),
        folder / "server.log",
        "--processes",
        "1",
        fork=False,
    )
    try:
        headers = {"Authorization": f"Bearer {tokens[OFFICE]}", "X-Purpose": "placement-verification"}
        http = httpx.Client(base_url=server.url, timeout=600)
        nodes = http.post("/graphql", json={"query": LIST}, headers=headers).json()["data"]["workers"]
        worker, other = (n["id"] for n in nodes["nodes"])
        set_keyring(Keyring.load(database.key_file))
        worker_id, other_id = decode_id(worker, "Worker")[1], decode_id(other, "Worker")[1]
        started = time.perf_counter()
        append_disclosures(database.url, database.key_file, worker_id, other_id, count, tag="B")
        seeded = time.perf_counter() - started
        asked = {**headers, "X-Purpose": PURPOSE, "X-Case-Ref": CASE}

        def over_http(fmt: str) -> Callable[[], bytes]:
            def get() -> bytes:
                answer = http.get(f"/subjects/{worker}/statement.{fmt}", params={"lang": "vi"}, headers=asked)
                answer.raise_for_status()
                return answer.content

            return get

        def by_cli(fmt: str) -> Callable[[], bytes]:
            out = folder / f"cli.{fmt}"

            def make() -> bytes:
                subprocess.run(
                    [sys.executable, "-m", "cli.main", "subject", "statement", "--office", OFFICE,
                     "--worker", worker, "--lang", "vi", "--format", fmt, "--case-ref", CASE,
                     "--officer-id", "BENCH-01", "--officer-name", "benchmark", "--output", str(out)],
                    env=cli_env(database), check=True, capture_output=True,
                )  # fmt: skip
                return out.read_bytes()

            return make

        figures: dict[str, dict] = {}
        server_cpu = partial(cpu_seconds, server.process.pid)
        for name, make, cpu in (
            ("HTTP JSON", over_http("json"), server_cpu),
            ("HTTP PDF", over_http("pdf"), server_cpu),
            ("CLI JSON", by_cli("json"), _children_cpu),
            ("CLI PDF", by_cli("pdf"), _children_cpu),
        ):
            seconds, used, content = _timed(make, repeat, cpu)
            figures[name] = {"seconds": seconds, "cpu": used, "bytes": len(content)}
            if name.endswith("JSON"):
                _check(database, json.loads(content), worker_id, folder)
                figures[name]["disclosures"] = len(json.loads(content)["disclosures"])
            else:
                (folder / "statement.pdf").write_bytes(content)
                info = subprocess.run(
                    ["pdfinfo", str(folder / "statement.pdf")], capture_output=True, text=True, check=True
                ).stdout
                figures[name]["pages"] = int(
                    next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1]
                )
        return {"seeding_seconds": seeded, "figures": figures}
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--disclosures", type=int, default=10_000)
    parser.add_argument("--postgres", help="a PostgreSQL server (postgresql://USER@HOST:PORT/DB) to use")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        name = f"borderlabour_bench_statement_{uuid.uuid4().hex[:8]}"
        template = demo_template(Path(folder) / "template", args.postgres, name, 50)
        try:
            with demo_copy(template, Path(folder) / "copy") as database:
                run = measure(database, template.tokens, args.disclosures, args.repeat, Path(folder))
        finally:
            drop_template(template)
    print(f"seeded {args.disclosures:,} disclosures in {run['seeding_seconds']:.1f} s", file=sys.stderr)
    print(f"load average before and after: {before} / {os.getloadavg()}", file=sys.stderr)
    print("| database | statement | disclosures | size | median s | slowest s | CPU s (median) | target |")
    print("|---|---|---:|---|---:|---:|---:|---|")
    worst = 0.0
    for name, figure in run["figures"].items():
        seconds = figure["seconds"]
        worst = max(worst, max(seconds))
        shown = figure.get("disclosures", args.disclosures)
        size = f"{figure['bytes'] / 1e6:.1f} MB" + (f", {figure['pages']} pages" if "pages" in figure else "")
        met = "met" if max(seconds) < TARGET_SECONDS else "**missed**"
        print(
            f"| {engine} | {name} | {shown:,} | {size} | {statistics.median(seconds):.2f} "
            f"| {max(seconds):.2f} | {statistics.median(figure['cpu']):.2f} | {met} |"
        )
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
