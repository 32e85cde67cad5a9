"""The benchmark's report: the machine, the figures of one run, the ratios against their targets."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from typing import Any

from sqlalchemy import create_engine, text

from bench.scenarios import SCENARIOS
from settings import cores, normalise_url

TARGETS = {
    "authz": 1.05,
    "floor": 1.5,
    "floor_in_process": 1.2,
    "page_first_10_ms": 5.0,
    "page_under_load_per_second": 100.0,
    "page_under_load_p95_ms": 1000.0,
    "growth": 1.2,
    "spread": 0.10,  # each process's requests within 10% of an even share, under the load's connections
    "memory_mib": 250,
}
MIB = 1024 * 1024


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _meminfo() -> str:
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        return f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        return "n/a"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "n/a"


def machine(postgres_url: str | None) -> dict[str, str]:
    info = {
        "cpus": str(os.cpu_count()),
        "server_processes": str(cores()),
        "cpu": _cpu(),
        "memory": _meminfo(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": "not used",
        "load_average_before": load_average(),
    }
    if postgres_url:
        engine = create_engine(normalise_url(postgres_url))
        with engine.connect() as conn:
            info["postgresql"] = conn.scalar(text("SHOW server_version")) or "?"
        engine.dispose()
    return info


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


def _pct(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _p50(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "–"
    return "met" if value <= target else "**missed**"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def ratios(run: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every ratio of the run, computed from its own figures."""
    results = run["results"]
    out: dict[str, list[dict[str, Any]]] = {
        "authz": [],
        "floor": [],
        "growth": [],
        "statements": [],
        "naive": [],
    }
    for name, r in results.items():
        inproc = r["inproc"]
        office, open_ = inproc["authz"]["office"]["p50"], inproc["authz"]["unrestricted"]["p50"]
        out["authz"].append(
            {"dataset": name, "office": office, "baseline": open_, "ratio": _ratio(office, open_)}
        )
        floor_p50 = inproc["floor"]["floor"]["p50"]
        http = _p50(r["scenarios"]["page"]["sequential"])
        out["floor"].append(
            {
                "dataset": name,
                "http": http,
                "inproc": inproc["floor"]["office"]["p50"],
                "floor": floor_p50,
                "ratio": _ratio(http, floor_p50),
                "inproc_ratio": _ratio(inproc["floor"]["office"]["p50"], floor_p50),
                "same_answer": inproc["same_answer"],
            }
        )
        out["statements"].append(
            {
                "dataset": name,
                "first_10": r["page_statements_first_10"],
                "first_100": r["scenarios"]["page"]["statements"],
            }
        )
        naive, ours = inproc["naive"]["naive"]["p50"], inproc["naive"]["ours"]["p50"]
        out["naive"].append(
            {
                "dataset": name,
                "naive": naive,
                "ours": ours,
                "factor": _ratio(naive, ours),
                "enforce_calls": inproc["enforce_calls_per_request"],
            }
        )
    out["growth"] = growth(run)
    return out


def measured(run: dict[str, Any]) -> list[Any]:
    """The scenarios the run measured (all, unless `--scenarios` chose some), in their usual order."""
    keys = run.get("scenarios") or [s.key for s in SCENARIOS]
    return [s for s in SCENARIOS if s.key in keys]


def growth(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Each scenario's p50 at the largest size against the smallest, per database engine."""
    results, sizes = run["results"], run["sizes"]
    out: list[dict[str, Any]] = []
    if len(sizes) < 2:
        return out
    small, large = min(sizes), max(sizes)
    for engine in run["engines"]:
        a, b = results.get(f"{engine}-{small}"), results.get(f"{engine}-{large}")
        if not a or not b:
            continue
        for s in measured(run):
            lo, hi = _p50(a["scenarios"][s.key]["sequential"]), _p50(b["scenarios"][s.key]["sequential"])
            out.append(
                {"engine": engine, "scenario": s.key, "small": lo, "large": hi, "ratio": _ratio(hi, lo)}
            )
    return out


def notes_of(previous: str) -> str:
    """The hand-written "## Notes" section of an earlier report, kept when the report is rewritten."""
    start = previous.find("\n## Notes")
    return previous[start + 1 :].rstrip() if start >= 0 else NOTES


def render(run: dict[str, Any], notes: str | None = None) -> str:
    m, st = run["machine"], run["settings"]
    lines = [
        "# Benchmarks",
        "",
        "The sections from *Machine* to the first subsection of *Notes* come from one run of the command "
        "below; nothing in them is copied from another run. Each later subsection names the runs its own "
        "figures come from.",
        "",
        f"Command: `{run['command']}` ({run['elapsed_seconds'] / 60:.1f} minutes).",
        "",
        "## Machine",
        "",
        f"- CPUs: {m['cpus']} ({m['cpu']}); memory {m['memory']}; {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}",
        f"- Load average (1, 5, 15 min) before the run: {m['load_average_before']}; after: "
        f"{m['load_average_after']}",
        f"- The server is `borderlabour serve` with {m.get('server_processes', '1')} process(es), one per "
        "core as it runs by default (uvicorn, default thread pool, one listening socket per process), the "
        "load comes from a separate process (`bench/load.py`, asyncio, keep-alive connections) on the same "
        "machine, and the rate limit is off (`BORDERLABOUR_RATE_LIMIT=off`).",
        "",
        "## Method",
        "",
        f"- Datasets: `borderlabour generate --workers N --seed 2017 --crossings-per-worker 20`, sizes "
        f"{', '.join(f'{s:,}' for s in run['sizes'])}.",
        f"- Latency: after {st['warmup']} warm-up requests, up to {st['sequential']} requests one after "
        f"another on one connection (at most {st['sequential_seconds']:.0f} s), from the load process "
        "over HTTP. The servers of all sizes of one database run at once and take their requests in turn "
        "(10,000, 100,000, 10,000, ...), so that other work on the machine falls on both sizes alike.",
        f"- Throughput: {st['concurrency']} connections sending back to back for {st['duration']:.0f} s, "
        "one server at a time.",
        "- Statements: `borderlabour_db_statements_total` from the server's `/metrics` around one request "
        '(token lookups excluded: the least of three tries after a warm-up request). "Under load" divides '
        "the counter's growth over the whole phase by the requests, token lookups and ledger included.",
        f"- Ratios: measured in one process with the server stopped, interleaved A/B, medians of "
        f"{st['inproc_iterations']} pairs ({st['naive_iterations']} for the naive middleware), each run "
        "after an untimed full garbage collection so that a collection due from one run does not land "
        "on the other side. The machine is shared: other work ran during the run (see the load average), "
        "which widens the spread of every figure; ratios of interleaved medians are the least affected.",
        "",
        "## Scenarios",
        "",
    ]
    for s in SCENARIOS:
        lines.append(f"- **{s.key}**: {s.title} (`X-Purpose: {s.purpose}`)")
    lines += [
        "",
        "## Datasets",
        "",
        "| dataset | workers | placements | crossings | health checks | police clearances | incidents |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in run["results"].items():
        n = r["rows"]
        lines.append(
            f"| {name} | {n['workers']:,} | {n['placements']:,} | {n['crossings']:,} | "
            f"{n['health_checks']:,} | {n['police_clearances']:,} | {n['incidents']:,} |"
        )
    lines += ["", "## Figures", "", *_figures(run)]
    rs = ratios(run)
    lines += [
        "",
        "## Ratios",
        "",
        f"### Authorization overhead (target ≤ {TARGETS['authz']})",
        "",
        "The page through `Registry.execute` with cn-hekou's grant, against the same document with "
        "`unrestricted_grant` (every field, row scope `all`, its own schema). In-process, p50.",
        "",
        "| dataset | office ms | unrestricted ms | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for x in rs["authz"]:
        lines.append(
            f"| {x['dataset']} | {_ms(x['office'])} | {_ms(x['baseline'])} | {_fmt(x['ratio'])} | "
            f"{_verdict(x['ratio'], TARGETS['authz'])} |"
        )
    lines += [
        "",
        f"### End to end against the floor (targets: HTTP ≤ {TARGETS['floor']}, in process ≤ "
        f"{TARGETS['floor_in_process']})",
        "",
        "HTTP p50 of the page (from the load process) against one hand-written SQL statement plus JSON "
        "encoding in one process (`bench/floor.py`), p50. The in-process column is `Registry.execute` "
        "plus encoding, without HTTP.",
        "",
        "| dataset | HTTP ms | in-process ms | floor ms | ratio | in-process ratio | same answer | HTTP "
        "target | in-process target |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for x in rs["floor"]:
        lines.append(
            f"| {x['dataset']} | {_ms(x['http'])} | {_ms(x['inproc'])} | {_ms(x['floor'])} | "
            f"{_fmt(x['ratio'])} | "
            f"{_fmt(x['inproc_ratio'])} | {'yes' if x['same_answer'] else '**no**'} | "
            f"{_verdict(x['ratio'], TARGETS['floor'])} | "
            f"{_verdict(x['inproc_ratio'], TARGETS['floor_in_process'])} |"
        )
    lines += ["", *page_load_section(run)]
    lines += [
        "",
        "#### Where the page's time goes (in-process, p50)",
        "",
        "*Page* and *in the driver*: the median of ten runs, and the part of it inside the database "
        "driver's `execute` (the SQL, including the disclosure ledger's writes). *graphql-core alone*: the "
        "floor plus graphql-core executing the same document over the floor's data with default resolvers "
        "(`bench/lowerbound.py`), the least any graphql-core server spends on this answer. *As served*: "
        "the page back to back, as the server runs requests; *collector off*: the same with Python's "
        "cyclic garbage collector disabled during each run (and a collection after it, untimed). The "
        "difference is what collection costs the page.",
        "",
        "| dataset | page ms | in the driver ms | floor ms | floor + graphql-core alone ms | ratio to floor "
        "| page as served ms | collector off ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in run["results"].items():
        x = r["inproc"]
        lower, fl = x["executor"]["floor_plus_graphql_core"]["p50"], x["executor"]["floor"]["p50"]
        lines.append(
            f"| {name} | {_ms(x['office_seconds'])} | {_ms(x['office_sql_seconds'])} | {_ms(fl)} | "
            f"{_ms(lower)} | {_fmt(_ratio(lower, fl))} | {_ms(x['gc']['as_served']['p50'])} | "
            f"{_ms(x['gc']['collector_off']['p50'])} |"
        )
    lines += ["", *_growth_table(run, rs["growth"])]
    lines += [
        "",
        "### SQL statements of the page: `first: 100` against `first: 10` (target: equal)",
        "",
        "| dataset | first: 10 | first: 100 | target |",
        "|---|---:|---:|---|",
    ]
    for x in rs["statements"]:
        verdict = "met" if x["first_10"] == x["first_100"] else "**missed**"
        lines.append(f"| {x['dataset']} | {x['first_10']} | {x['first_100']} | {verdict} |")
    lines += [
        "",
        "### Against the naive approach (reported)",
        "",
        "The page on the unrestricted schema with cn-hekou's row scope and a graphql-core middleware that "
        "calls Casbin's `enforce()` for every resolved field (as Casbin's graphql-authz middleware does), "
        "against cn-hekou's own schema, both run by graphql-core in the same way, for a page of "
        f"{st['naive_first']} workers.",
        "",
        "| dataset | naive ms | ours ms | factor | enforce() calls per request |",
        "|---|---:|---:|---:|---:|",
    ]
    for x in rs["naive"]:
        lines.append(
            f"| {x['dataset']} | {_ms(x['naive'])} | {_ms(x['ours'])} | {_fmt(x['factor'], 1)} | "
            f"{x['enforce_calls']:,} |"
        )
    from bench.peer_report import peer_section  # which reads this module's helpers

    lines += peer_section(run) + memory_section(run)
    lines += ["", notes or NOTES]
    return "\n".join(lines) + "\n"


def _at_least(value: float | None, target: float) -> str:
    if value is None:
        return "–"
    return "met" if value >= target else "**missed**"


def page_load_section(run: dict[str, Any]) -> list[str]:
    """The page under 32 connections, and the page at `first: 10` one request at a time."""
    per_second, p95 = TARGETS["page_under_load_per_second"], TARGETS["page_under_load_p95_ms"]
    lines = [
        f"### The page under load (targets: ≥ {per_second:.0f} req/s under 32 connections, p95 under "
        f"load < {p95:.0f} ms; `first: 10` one at a time, p50 ≤ {TARGETS['page_first_10_ms']:.0f} ms)",
        "",
        "| dataset | req/s | p95 under load ms | target | `first: 10` p50 ms | p95 ms | target |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for name, r in run["results"].items():
        page = r["scenarios"].get("page")
        if page is None:
            continue
        small = r.get("page_first_10", {}).get("sequential", [])
        under_load = _pct(page["concurrent"], 0.95)
        load_met = page["throughput"] >= per_second and under_load is not None and under_load * 1000 < p95
        small_p50 = _p50(small)
        verdict = "met" if load_met else "**missed**"
        lines.append(
            f"| {name} | {page['throughput']:.1f} | {_ms(under_load)} | {verdict} | "
            f"{_ms(small_p50)} | {_ms(_pct(small, 0.95))} | "
            f"{_verdict(None if small_p50 is None else small_p50 * 1000, TARGETS['page_first_10_ms'])} |"
        )
    return lines


def memory_section(run: dict[str, Any]) -> list[str]:
    """Peak resident memory (VmHWM) of every server process, read just before it stopped."""
    lines = [
        "",
        f"### Peak memory per server process (target ≤ {TARGETS['memory_mib']} MiB)",
        "",
        "VmHWM from `/proc` of each process of the server (the serving processes and their parent), read "
        "at the end of the server's phases, just before it stopped.",
        "",
        "| dataset | server | processes | largest MiB | all MiB | target |",
        "|---|---|---:|---:|---|---|",
    ]
    for name, r in run["results"].items():
        rows = [("borderlabour serve", r.get("peak_memory") or {})]
        if "peer_memory" in r.get("peer", {}):
            rows.append(("PostGraphile", r["peer"]["peer_memory"]))
        for label, peaks in rows:
            if not peaks:
                continue
            largest = max(peaks.values()) / MIB
            every = ", ".join(f"{v / MIB:.0f}" for v in sorted(peaks.values(), reverse=True))
            lines.append(
                f"| {name} | {label} | {len(peaks)} | {largest:.0f} | {every} | "
                f"{_verdict(largest, TARGETS['memory_mib'])} |"
            )
    return lines


def _figures(run: dict[str, Any]) -> list[str]:
    lines = [
        "| dataset | scenario | p50 ms | p95 ms | req/s (32 conn.) | p50 / p95 ms under load | "
        "statements / request | under load | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in run["results"].items():
        for s in measured(run):
            x = r["scenarios"][s.key]
            lines.append(
                f"| {name} | {s.key} | {_ms(_p50(x['sequential']))} | {_ms(_pct(x['sequential'], 0.95))} | "
                f"{x['throughput']:.1f} | {_ms(_p50(x['concurrent']))} / "
                f"{_ms(_pct(x['concurrent'], 0.95))} | "
                f"{x['statements']} | {x['statements_per_request_under_load']:.2f} | {x['errors']} |"
            )
    return lines


def _growth_table(run: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"### Growth: p50 at {max(run['sizes']):,} workers against {min(run['sizes']):,} "
        f"(target ≤ {TARGETS['growth']})",
        "",
        "| engine | scenario | small ms | large ms | ratio | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    for x in rows:
        lines.append(
            f"| {x['engine']} | {x['scenario']} | {_ms(x['small'])} | {_ms(x['large'])} | "
            f"{_fmt(x['ratio'])} | {_verdict(x['ratio'], TARGETS['growth'])} |"
        )
    return lines


def render_subset(run: dict[str, Any]) -> str:
    """The report of a run limited by `--scenarios`: the figures and the growth of those scenarios
    (the in-process ratios and the comparison with PostGraphile, which concern the page, are not
    measured)."""
    m = run["machine"]
    lines = [
        f"Command: `{run['command']}` ({run['elapsed_seconds'] / 60:.1f} minutes); load average "
        f"(1, 5, 15 min) before: {m['load_average_before']}, after: {m['load_average_after']}.",
        "",
        *_figures(run),
        "",
        *_growth_table(run, growth(run)),
    ]
    return "\n".join(lines) + "\n"


NOTES = """## Notes

(Written by hand after the run: what stands in the way of each missed target, and what was tried.
A rerun with `--output` keeps this section.)"""
