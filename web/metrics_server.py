"""`/metrics` on an address of its own (`--metrics-address HOST:PORT`), served by `serve`'s supervisor.

The API's port then has no `/metrics` at all, so no proxy in front of it can forward the series by
mistake, and the metrics address can be bound where only the monitoring network reaches. The
supervisor sums what every server process wrote to the shared folder (prometheus_client's
multiprocess mode) and adds prometheus_client's process metrics (CPU, memory, open files) of each
server process and of itself, labelled with the process id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from settings import metrics_host_port

_PID = re.compile(r"_(\d+)\.db$")


def _constant(pid: int) -> Callable[[], int]:
    return lambda: pid


class ServerProcesses(Collector):
    """prometheus_client's process metrics for this process and every live process of the folder."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def _pids(self) -> list[int]:
        found = {int(m[1]) for f in self.folder.glob("*.db") if (m := _PID.search(f.name))}
        return sorted(pid for pid in found | {os.getpid()} if Path(f"/proc/{pid}").exists())

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for pid in self._pids():
            for family in ProcessCollector(pid=_constant(pid), registry=None).collect():
                into = merged.setdefault(family.name, Metric(family.name, family.documentation, family.type))
                for sample in family.samples:
                    into.add_sample(sample.name, {**sample.labels, "process": str(pid)}, sample.value)
        yield from merged.values()


def serve_metrics(address: str, folder: str) -> None:
    """Starts the metrics server in a thread of this process (it ends with the process)."""
    host, port = metrics_host_port(address)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=folder)
    registry.register(ServerProcesses(folder))
    start_http_server(port, addr=host, registry=registry)
