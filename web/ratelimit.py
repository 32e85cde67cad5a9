"""A request rate limit per bearer token: one token bucket per token id, kept in the server process.

The rate comes from the `rate_limit` setting (read by `settings.rates`). Each server process keeps
its own buckets, so with `--processes N` a token may make N times as many.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from settings.rates import Limit

_MAX_BUCKETS = 10_000


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
