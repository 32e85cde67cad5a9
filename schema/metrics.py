"""Prometheus metrics in text format, with no personal data in any label.

Kept in-process and dependency-free: each server process exposes its own counters at
GET /metrics, the usual model for a scraped multi-process service.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event

if TYPE_CHECKING:
    from planner.engine import CompiledReads

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str], int] = defaultdict(int)
        self.latency_counts: dict[str, list[int]] = defaultdict(lambda: [0] * (len(LATENCY_BUCKETS) + 1))
        self.latency_sums: dict[str, float] = defaultdict(float)
        self.statements = 0
        self.gauges: dict[str, Callable[[], float]] = {}
        self.compiled_reads: CompiledReads | None = None

    def observe_request(self, operation: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(operation, str(status))] += 1
            self.latency_counts[operation][bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self.latency_sums[operation] += seconds

    def count_statements(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            self.statements += 1  # a lost increment under a race is acceptable for a counter

    def count_fallbacks(self, compiled: CompiledReads) -> None:
        """Reads the compiled engine handed to the reference engine, by reason: never silent."""
        self.compiled_reads = compiled

    def _fallback_lines(self) -> list[str]:
        compiled = self.compiled_reads
        if compiled is None:
            return []
        out = [
            "# HELP borderlabour_compiled_reads_total Operations answered by the compiled read engine.",
            "# TYPE borderlabour_compiled_reads_total counter",
            f"borderlabour_compiled_reads_total {compiled.compiled}",
            "# HELP borderlabour_reference_fallbacks_total Operations the compiled engine left to the "
            "reference engine, by reason.",
            "# TYPE borderlabour_reference_fallbacks_total counter",
        ]
        for reason, n in sorted(compiled.fallbacks.items()):
            out.append(f'borderlabour_reference_fallbacks_total{{reason="{reason}"}} {n}')
        return out

    def render(self) -> str:
        out = [
            "# HELP borderlabour_requests_total GraphQL requests by operation and HTTP status.",
            "# TYPE borderlabour_requests_total counter",
        ]
        with self._lock:
            for (operation, status), n in sorted(self.requests.items()):
                out.append(f'borderlabour_requests_total{{operation="{operation}",status="{status}"}} {n}')
            out += [
                "# HELP borderlabour_request_seconds GraphQL request latency by operation.",
                "# TYPE borderlabour_request_seconds histogram",
            ]
            for operation, counts in sorted(self.latency_counts.items()):
                running = 0
                for bound, n in zip((*LATENCY_BUCKETS, float("inf")), counts, strict=True):
                    running += n
                    le = "+Inf" if bound == float("inf") else repr(bound)
                    out.append(
                        f'borderlabour_request_seconds_bucket{{operation="{operation}",le="{le}"}} {running}'
                    )
                total = self.latency_sums[operation]
                out.append(f'borderlabour_request_seconds_sum{{operation="{operation}"}} {total}')
                out.append(f'borderlabour_request_seconds_count{{operation="{operation}"}} {running}')
        out += [
            "# HELP borderlabour_db_statements_total SQL statements executed by this process.",
            "# TYPE borderlabour_db_statements_total counter",
            f"borderlabour_db_statements_total {self.statements}",
        ]
        out += self._fallback_lines()
        for name, read in sorted(self.gauges.items()):
            out += [f"# TYPE {name} counter", f"{name} {read()}"]
        return "\n".join(out) + "\n"


def operation_label(operation_type: str | None, root_fields: frozenset[str]) -> str:
    """A bounded label: the operation type and its root fields (names from the schema, never values)."""
    roots = "+".join(sorted(f for f in root_fields if not f.startswith("__"))[:4]) or "introspection"
    return f"{operation_type or 'invalid'}:{roots}"[:80]
