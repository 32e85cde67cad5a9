"""Peak memory of a server and the processes it started, read from Linux's /proc."""

from __future__ import annotations

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
