"""A request rate limit per bearer token: one token bucket per token id, kept in the server process.

The `rate_limit` setting (`BORDERLABOUR_RATE_LIMIT`) sets it: `"50/s burst 200"` (the default)
lets a token make 200 requests at once and then 50 a second; the rate may be per second (`/s`) or
per minute (`/m`), and without `burst` the burst is one second's worth of requests (at least 1).
`off` turns the limit off. Each server process keeps its own buckets, so with `--processes N` a
token may make N times as many.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_RATE_LIMIT = "50/s burst 200"
_SPEC = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(s|m)(?:\s+burst\s+(\d+))?")
_PER = {"s": 1.0, "m": 60.0}
_MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Limit:
    per_second: float
    burst: float


def parse_limit(spec: str) -> Limit | None:
    """`"50/s burst 200"` → Limit(50, 200); `"off"` → None; anything else → ValueError."""
    text = spec.strip().lower()
    if text == "off":
        return None
    match = _SPEC.fullmatch(text)
    if match is None or float(match[1]) <= 0:
        raise ValueError(f"{spec!r} is not a rate: use e.g. '50/s burst 200', '600/m' or 'off'")
    per_second = float(match[1]) / _PER[match[2]]
    burst = float(match[3]) if match[3] else max(1.0, per_second)
    if burst < 1:
        raise ValueError(f"{spec!r}: the burst must be at least 1")
    return Limit(per_second, burst)


class RateLimiter:
    def __init__(self, limit: Limit | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # token id → (requests left, when)
        self._lock = threading.Lock()

    def retry_after(self, token_id: int) -> int | None:
        """Takes one request from the token's bucket: None if allowed, else whole seconds to wait."""
        limit = self.limit
        if limit is None:
            return None
        now = self._clock()
        with self._lock:
            left, then = self._buckets.get(token_id, (limit.burst, now))
            left = min(limit.burst, left + (now - then) * limit.per_second)
            if left >= 1:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._forget_full(now, limit)
                self._buckets[token_id] = (left - 1, now)
                return None
            self._buckets[token_id] = (left, now)
        return max(1, math.ceil((1 - left) / limit.per_second))

    def _forget_full(self, now: float, limit: Limit) -> None:
        # A bucket that has refilled is the same as no bucket: forgetting it changes nothing.
        refill = limit.burst / limit.per_second
        for key in [k for k, (_, then) in self._buckets.items() if now - then >= refill]:
            del self._buckets[key]
