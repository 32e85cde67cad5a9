"""Peak memory of a server and the processes it started, read from Linux's /proc."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _peak(pid: int) -> int | None:
    """VmHWM, the most resident memory the process has held since it started, in bytes."""
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def peak_memory(pid: int) -> dict[str, int]:
    """pid -> peak resident bytes, for the process and all its descendants (a server's workers).

    Read while the processes still run: the kernel forgets a process's peak when it exits.
    """
    out: dict[str, int] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        peak = _peak(current)
        if peak is not None:
            out[str(current)] = peak
        pending += _children(current)
    return out


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) the process and its descendants have used so far, from /proc:
    a figure that, unlike the wall clock, does not grow with other work on a shared machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = (PROC / str(current) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime: fields 14 and 15
        pending += _children(current)
    return total
