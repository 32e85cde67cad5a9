"""The report's section on PostGraphile: per shape, latency, throughput and CPU per request of both
servers, and the ratios against issue 23's targets (each shape's own, `bench/peer_shapes.py`)."""

from __future__ import annotations

from typing import Any

from bench.peer_shapes import SHAPES
from bench.report import TARGETS, _at_least, _fmt, _ms, _p50, _pct, _ratio, _verdict


def _cpu(x: dict[str, Any]) -> str:
    return f"{x['total_ms']:.1f} ({x['server_ms']:.1f} + {x['database_ms']:.1f})"


def ratios(shapes: dict[str, Any]) -> list[dict[str, Any]]:
    """Per shape measured: ours / PostGraphile for latency p50, throughput and CPU per request under load.

    A shape either server answered with errors gets no ratios (`None`): an error is answered faster
    than the data, so its figures are not the shape's."""
    out: list[dict[str, Any]] = []
    for shape in SHAPES:
        if shape.key not in shapes:
            continue
        ours, peer = shapes[shape.key]["ours"], shapes[shape.key]["peer"]
        if ours["errors"] or peer["errors"]:
            out.append(
                {"shape": shape, "latency": None, "throughput": None, "cpu": None, "cpu_sequential": None}
            )
            continue
        out.append(
            {
                "shape": shape,
                "latency": _ratio(_p50(ours["sequential"]), _p50(peer["sequential"])),
                "throughput": _ratio(ours["throughput"], peer["throughput"]),
                "cpu": _ratio(ours["cpu_concurrent"]["total_ms"], peer["cpu_concurrent"]["total_ms"]),
                "cpu_sequential": _ratio(
                    ours["cpu_sequential"]["total_ms"], peer["cpu_sequential"]["total_ms"]
                ),
            }
        )
    return out


def _tables(name: str, x: dict[str, Any]) -> list[str]:
    lines = [
        "| dataset | shape | server | p50 ms | p95 ms | req/s | p50 / p95 ms under load | "
        "CPU ms per request, one at a time (server + database) | under load | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for shape in SHAPES:
        if shape.key not in x["shapes"]:
            continue
        for who, label in (("ours", "borderlabour serve"), ("peer", "PostGraphile")):
            y = x["shapes"][shape.key][who]
            lines.append(
                f"| {name} | {shape.key} | {label} | {_ms(_p50(y['sequential']))} | "
                f"{_ms(_pct(y['sequential'], 0.95))} | {y['throughput']:.1f} | "
                f"{_ms(_p50(y['concurrent']))} / {_ms(_pct(y['concurrent'], 0.95))} | "
                f"{_cpu(y['cpu_sequential'])} | {_cpu(y['cpu_concurrent'])} | {y['errors']} |"
            )
    lines += [
        "",
        "| dataset | shape | latency p50, ours / PostGraphile | target | throughput, ours / PostGraphile | "
        "target | CPU per request under load, ours / PostGraphile (one at a time) | target |",
        "|---|---|---:|---|---:|---|---:|---|",
    ]
    for r in ratios(x["shapes"]):
        s = r["shape"]
        lines.append(
            f"| {name} | {s.key} | {_fmt(r['latency'])} | ≤ {s.latency_target}: "
            f"{_verdict(r['latency'], s.latency_target)} | {_fmt(r['throughput'])} | "
            f"≥ {s.throughput_target}: {_at_least(r['throughput'], s.throughput_target)} | {_fmt(r['cpu'])} "
            f"({_fmt(r['cpu_sequential'])}) | ≤ {s.cpu_target}: {_verdict(r['cpu'], s.cpu_target)} |"
        )
    spread = [
        row
        for shape in SHAPES
        if shape.key in x["shapes"]
        for row in spread_row(name, shape.key, x["shapes"][shape.key]["ours"].get("requests_per_process"))
    ]
    if spread:
        lines += [
            "",
            "| dataset | shape | our requests per process under load | furthest from even | target |",
            "|---|---|---|---:|---|",
            *spread,
        ]
    ledger = [
        ledger_row(name, shape.key, x["shapes"][shape.key]["ours"].get("ledger"))
        for shape in SHAPES
        if shape.key in x["shapes"] and x["shapes"][shape.key]["ours"].get("ledger")
    ]
    if ledger:
        lines += [
            "",
            "Our ledger's group commit under the same load (the server's /metrics, all its processes):",
            "",
            "| dataset | shape | batches a second | entries a batch | ms an answer waited for its entry "
            "(mean) | answers waiting for their entry at once (mean) |",
            "|---|---|---:|---:|---:|---:|",
            *ledger,
        ]
    return lines


def ledger_row(name: str, shape: str, ledger: dict[str, float]) -> str:
    return (
        f"| {name} | {shape} | {ledger['batches_per_second']:.1f} | {ledger['entries_per_batch']:.2f} | "
        f"{ledger['wait_ms']:.1f} | {ledger['waiting_at_once']:.1f} |"
    )


# An even share of fewer requests says more about which connection was slow than about the split:
# at 100, one request is 1% of a share, a tenth of the target's 10%.
SPREAD_LEAST_SHARE = 100


def spread_row(name: str, shape: str, answered: list[int] | None) -> list[str]:
    """How far the busiest or idlest of our processes is from an even share of the load; a process
    that answered nothing counts (as 0). Not judged when an even share is under SPREAD_LEAST_SHARE
    requests: `--quick` loads for 0.2 s, in which 8 connections send one or two requests each."""
    if not answered:  # a run from before the figure was kept
        return []
    even = sum(answered) / len(answered)
    shares = " / ".join(str(n) for n in answered)
    if even < SPREAD_LEAST_SHARE:
        return [
            f"| {name} | {shape} | {shares} | too few requests to judge (under {SPREAD_LEAST_SHARE} "
            f"a process) | ≤ {TARGETS['spread']:.0%}: not judged |"
        ]
    off = max(abs(n - even) for n in answered) / even
    verdict = "met" if off <= TARGETS["spread"] else "**missed**"
    return [f"| {name} | {shape} | {shares} | {off:.0%} | ≤ {TARGETS['spread']:.0%}: {verdict} |"]


def peer_section(run: dict[str, Any]) -> list[str]:
    """Four shapes of read from our server and from PostGraphile on the same data, as the same office."""
    lines = ["", "### Against PostGraphile: four shapes of read (issue 23's targets)", ""]
    compared = {name: r["peer"] for name, r in run["results"].items() if "peer" in r}
    if not compared:
        return lines + ["Not measured in this run (no PostgreSQL dataset, or `--no-peer`)."]
    for name, x in compared.items():
        if "skipped" in x:
            lines.append(f"{name}: skipped, {x['skipped']}.")
            continue
        if "shapes" not in x:  # a run from before the four shapes
            lines.append(f"{name}: the page only (an earlier run's format); rerun `python -m bench.peer`.")
            continue
        v = x["versions"]
        grants = sum(len(c) for c in x["columns"].values())
        lines += [
            f"PostGraphile {v['postgraphile']} on Node {v['node'].lstrip('v')}, one process, connected as "
            f"`{x['role']}`: {grants} column GRANTs on {len(x['columns'])} tables, derived from "
            f"{x['office']}'s grant, and row-level security on {', '.join(x['row_policies'])}, the "
            "office's row scope compiled from `policies/scopes.py` (`bench/peer_access.py`). Shapes "
            "(`bench/peer_shapes.py`):",
            "",
            *(f"- **{s.key}**: {s.title}" for s in SHAPES if s.key in x["shapes"]),
            "",
            "Before each shape's load both servers answered it once and the answers were checked equal "
            "(enumerations in lower case; PostGraphile shows the sealed border-pass number sealed, ours "
            "opens it, so only its presence is compared; global IDs are each server's own). Latency: the "
            "two servers' requests interleaved, one connection each; throughput: "
            f"{run['settings']['concurrency']} connections, one server at a time. CPU per request: the "
            "CPU time of the server's processes plus that of the PostgreSQL backends serving its role "
            "(`/proc/PID/stat`, `bench/peer_cpu.py`), over each phase, divided by its requests; the "
            "ledger is on for ours. A shape answered with errors by either server gets no ratios.",
            "",
            *_tables(name, x),
            "",
        ]
    return lines


def render_alone(run: dict[str, Any]) -> list[str]:
    """What `python -m bench.peer` prints: the command, the machine's load, the section."""
    m = run["machine"]
    return [
        f"Command: `{run['command']}` ({run['elapsed_seconds'] / 60:.1f} minutes); load average "
        f"(1, 5, 15 min) before: {m['load_average_before']}, after: {m['load_average_after']}; "
        f"{m['cpus']} CPUs, PostgreSQL {m['postgresql']}.",
        *peer_section(run),
    ]
