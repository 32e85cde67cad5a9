"""Prometheus metrics, with no personal data in any label.

Built on `prometheus_client`. Under `serve --workers N` every server process writes its counts to
the folder named by `PROMETHEUS_MULTIPROC_DIR` (the library's own switch, set by `serve` before
any process starts) and GET /metrics, whichever process answers it, reports the sum over all of
them. Without that folder (a registry built inside a test or the benchmark) each `Metrics` keeps
its own counts.
"""

from __future__ import annotations

import functools
import glob
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine, event

from models.overhead import is_overhead

if TYPE_CHECKING:
    from planner.engine import CompiledReads

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# The ledger's wait is a share of a request: finer at the low end than the request's buckets.
LEDGER_WAIT_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# `_created` timestamps per label set double the output and mean nothing summed over processes.
disable_created_metrics()
# A process's file of values begins with an 8-byte header; until it is written the file holds none.
HEADER_BYTES = 8


class StartedProcessFiles(MultiProcessCollector):
    """The sum over the processes' files, leaving out a file its process is still creating.

    A process creates its file on its first value of a kind, empty for a moment before it sizes
    it; the library's reader then fails on it (`struct.error`), and GET /metrics answered 500 while
    the second process of `serve --processes 2` started. Such a file holds no value yet. A file
    gone between listing and reading (a process that ended) has left its values to the others.
    """

    def collect(self) -> Any:
        files = []
        for name in glob.glob(os.path.join(self._path, "*.db")):
            try:
                if os.path.getsize(name) >= HEADER_BYTES:
                    files.append(name)
            except FileNotFoundError:
                continue
        return self.merge(files, accumulate=True)


def _values_to_the_shared_folder() -> str | None:
    """The multiprocess folder `serve` named, if any, with values made from now on kept there.

    The library picks its value class when first imported, which may be before `serve` named the
    folder: values of metrics made after this call go to the shared folder.
    """
    folder = os.environ.get(MULTIPROCESS_DIR_ENV)
    if folder and not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()
    return folder


@functools.cache
def connections_taken_over() -> Any:
    """This process's count of connections it accepted while another process held fewer.

    `serve --processes N` leaves a connection to the process with the fewest for a moment
    (`cli.accepting.PATIENCE`); one it then takes itself means another process was stopped, busy
    or starved of CPU meanwhile, and the split of connections is uneven for that reason. Made on
    the first such connection, in the shared folder, so /metrics sums it like the others.
    """
    own = None if _values_to_the_shared_folder() else CollectorRegistry(auto_describe=True)
    return Counter(
        "borderlabour_connections_taken_over",
        "Connections a server process accepted after another with fewer left them waiting.",
        ["process"],
        registry=own,
    ).labels(str(os.getpid()))


class Metrics:
    def __init__(self) -> None:
        self.multiprocess_dir = _values_to_the_shared_folder()
        # In multiprocess mode the values live in the shared folder, not in a registry object.
        own = None if self.multiprocess_dir else CollectorRegistry(auto_describe=True)
        self._registry = own
        self.requests = Counter(
            "borderlabour_requests",
            "GraphQL requests by operation and HTTP status.",
            ["operation", "status"],
            registry=own,
        )
        self.latency = Histogram(
            "borderlabour_request_seconds",
            "GraphQL request latency by operation.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.ledger_wait = Histogram(
            "borderlabour_ledger_wait_seconds",
            "How long a read's answer waited for its disclosure entry to be committed.",
            buckets=LEDGER_WAIT_BUCKETS,
            registry=own,
        )
        # The process id says nothing about callers: it shows how evenly `serve` spreads the load.
        self.by_process = Counter(
            "borderlabour_process_requests",
            "GraphQL requests answered, by server process.",
            ["process"],
            registry=own,
        ).labels(str(os.getpid()))
        self.statements = Counter(
            "borderlabour_db_statements", "SQL statements executed for requests.", registry=own
        )
        self.overhead_statements = Counter(
            "borderlabour_db_overhead_statements",
            "SQL statements run beside the operations: token look-ups and background work.",
            registry=own,
        )
        self._catch_ups: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def observe_request(self, operation: str, status: int, seconds: float) -> None:
        self.requests.labels(operation, str(status)).inc()
        self.latency.labels(operation).observe(seconds)
        self.by_process.inc()
        self._catch_up()

    def count_statements(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            (self.overhead_statements if is_overhead() else self.statements).inc()

    def follow(self, name: str, documentation: str, read: Callable[[], float]) -> None:
        """Exports a running total this process keeps elsewhere (e.g. policy decisions) as a counter.

        The total is read after each request and when metrics are rendered, and only its growth is
        added, so in multiprocess mode the counter is the sum of every process's total.
        """
        counter = Counter(name.removesuffix("_total"), documentation, registry=self._registry)
        seen = [0.0]

        def catch_up() -> None:
            now = float(read())
            if now > seen[0]:
                counter.inc(now - seen[0])
            seen[0] = now

        self._catch_ups.append(catch_up)

    def follow_gauge(self, name: str, documentation: str, read: Callable[[], float]) -> None:
        """Exports a level this process keeps elsewhere (e.g. a backlog) as a gauge, read like `follow`;
        in multiprocess mode the highest of the processes' values is reported."""
        gauge = Gauge(name, documentation, registry=self._registry, multiprocess_mode="max")
        self._catch_ups.append(lambda: gauge.set(float(read())))

    def _catch_up(self) -> None:
        with self._lock:
            for catch_up in self._catch_ups:
                catch_up()

    def render(self) -> bytes:
        self._catch_up()
        if self._registry is not None:
            return generate_latest(self._registry)
        merged = CollectorRegistry()
        StartedProcessFiles(merged, path=self.multiprocess_dir)
        return generate_latest(merged)

    def count_fallbacks(self, compiled: CompiledReads) -> None:
        """Reads the compiled engine handed to the reference engine, by reason: never silent."""
        self.follow(
            "borderlabour_compiled_reads_total",
            "Operations answered by the compiled read engine.",
            lambda: compiled.compiled,
        )
        fallbacks = Counter(
            "borderlabour_reference_fallbacks",
            "Operations the compiled engine left to the reference engine, by reason.",
            ["reason"],
            registry=self._registry,
        )
        seen: dict[str, float] = {}

        def catch_up() -> None:
            for reason, n in list(compiled.fallbacks.items()):
                if n > seen.get(reason, 0):
                    fallbacks.labels(reason).inc(n - seen.get(reason, 0))
                seen[reason] = n

        self._catch_ups.append(catch_up)


def operation_label(operation_type: str | None, root_fields: frozenset[str]) -> str:
    """A bounded label: the operation type and its root fields (names from the schema, never values)."""
    roots = "+".join(sorted(f for f in root_fields if not f.startswith("__"))[:4]) or "introspection"
    return f"{operation_type or 'invalid'}:{roots}"[:80]
