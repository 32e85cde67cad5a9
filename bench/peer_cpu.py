"""CPU time of a server and of its PostgreSQL backends over one phase of the load, from `/proc`.

Wall-clock figures on a machine shared with other work measure that work as much as ours; the CPU
each side spends per request does not (much). A side is a server's processes (the process started
and every descendant: `serve`'s workers, Node's threads are in its one process) and the backends of
the PostgreSQL cluster on this machine that serve its role in its database (their process title,
`postgres: [cluster: ]ROLE DATABASE HOST(PORT) STATE`), with the parallel workers of those backends
(`parallel worker for PID N`). The two servers connect as different roles, so their backends are
told apart even while their requests are interleaved.

A backend can end during a phase (a pool closes idle connections) and its time would be lost, so a
thread reads every process a few times a second and keeps the last figure seen of each. A parallel
worker that lives less than one interval is missed; the count of those seen is reported.
"""

from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.2
TITLE = re.compile(r"^postgres: (?:[^ ]+: )?(?:parallel worker for PID (\d+)|([^ ]+) ([^ ]+) )")


@dataclass(frozen=True)
class Side:
    """A server's root process, and the role and database its backends serve."""

    pid: int
    role: str
    database: str


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads), in clock ticks; None if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def all_processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process readable here."""
    out: dict[int, tuple[int, str]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        out[int(entry.name)] = (ppid, line)
    return out


def owners(sides: Mapping[str, Side], processes: dict[int, tuple[int, str]]) -> dict[int, tuple[str, str]]:
    """pid -> (side, "server" or "database") for every process that works for one of `sides`."""
    out: dict[int, tuple[str, str]] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (ppid, _) in processes.items():
        children[ppid].append(pid)
    for name, side in sides.items():
        pending = [side.pid]
        while pending:
            pid = pending.pop()
            out[pid] = (name, "server")
            pending.extend(children.get(pid, ()))
    leaders: dict[int, str] = {}
    parallel: list[tuple[int, int]] = []
    for pid, (_, line) in processes.items():
        match = TITLE.match(line)
        if match is None:
            continue
        if match[1]:
            parallel.append((pid, int(match[1])))
            continue
        for name, side in sides.items():
            if (match[2], match[3]) == (side.role, side.database):
                out[pid], leaders[pid] = (name, "database"), name
    for pid, leader in parallel:
        if leader in leaders:
            out[pid] = (leaders[leader], "parallel")
    return out


@dataclass
class Meter:
    """CPU seconds per (side, kind) from `start()` to `stop()`; kinds: server, database, parallel."""

    sides: Mapping[str, Side]
    _first: dict[int, int] = field(default_factory=dict)
    _last: dict[int, int] = field(default_factory=dict)
    _owner: dict[int, tuple[str, str]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _sample(self) -> None:
        for pid, owner in owners(self.sides, all_processes()).items():
            ticks = cpu_ticks(pid)
            if ticks is None:
                continue
            self._owner[pid] = owner
            self._last[pid] = ticks
            # A process first seen now started during the phase (or was missed at the start,
            # which only a process born in the last interval is): it counts from zero.
            self._first.setdefault(pid, 0 if self._thread is not None else ticks)

    def start(self) -> None:
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            self._sample()

    def stop(self) -> dict[str, dict[str, float]]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        out: dict[str, dict[str, float]] = {
            name: {"server": 0.0, "database": 0.0, "parallel": 0.0, "parallel_workers": 0}
            for name in self.sides
        }
        for pid, (name, kind) in self._owner.items():
            out[name][kind] += (self._last[pid] - self._first[pid]) / TICK
            if kind == "parallel":
                out[name]["parallel_workers"] += 1
        return out
