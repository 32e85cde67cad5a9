"""A request rate limit per bearer token: one token bucket per token id.

The rate comes from the `rate_limit` setting (read by `settings.rates`). By default the buckets are
rows of the database (`DatabaseRateLimiter`, `rate_limit_store = database`), counted by one
statement each, so every process and host of the registry draws on the same bucket; with
`process` each server process keeps its own (`RateLimiter`), and N processes give a token N times
its rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from settings.rates import Limit

if TYPE_CHECKING:
    from service.registry import Registry

_MAX_BUCKETS = 10_000


class RateLimiter:
    local = True  # asked on the event loop: no database round trip

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


# One statement counts the request: the bucket refilled since it was last counted (up to the
# burst), one request taken. Both databases run it as one atomic upsert. `:now` is read before the
# statement waits for the row, so a request may reach it after one that read a later time: time
# never runs backwards for a bucket (no refill, and the later time kept), or the bucket would drain.
_ELAPSED = "(CASE WHEN :now > rate_buckets.counted_at THEN :now - rate_buckets.counted_at ELSE 0 END)"
_REFILLED = f"rate_buckets.remaining + {_ELAPSED} * :rate"
_COUNT = text(
    f"""
    INSERT INTO rate_buckets (token_id, remaining, counted_at) VALUES (:token, :burst - 1, :now)
    ON CONFLICT (token_id) DO UPDATE SET
      remaining = CASE WHEN {_REFILLED} >= :burst THEN :burst - 1 ELSE {_REFILLED} - 1 END,
      counted_at = CASE WHEN :now > rate_buckets.counted_at THEN :now ELSE rate_buckets.counted_at END
    RETURNING remaining
    """
)
_GIVE_BACK = text("UPDATE rate_buckets SET remaining = remaining + 1 WHERE token_id = :token")


class DatabaseRateLimiter:
    """The buckets as rows of `rate_buckets`, shared by every process and host over the database."""

    local = False  # asked from a worker thread

    def __init__(self, limit: Limit | None, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._engine = engine
        self._clock = clock

    def retry_after(self, token_id: int) -> int | None:
        limit = self.limit
        if limit is None:
            return None
        values = {"token": token_id, "burst": limit.burst, "now": self._clock(), "rate": limit.per_second}
        with self._engine.begin() as connection:
            left = float(connection.execute(_COUNT, values).scalar_one())
            if left >= 0:
                return None
            connection.execute(_GIVE_BACK, {"token": token_id})  # a refused request takes nothing
        return max(1, math.ceil(-left / limit.per_second))


def limiter_for(registry: Registry) -> RateLimiter | DatabaseRateLimiter:
    """The limiter the settings ask for. The shared one counts on an engine of its own: its one
    statement per request is the door's, not the operation's, and stays out of the operations'
    statement counts (`borderlabour_db_statements_total`) and pool."""
    settings = registry.settings
    if settings.rate_limit_store == "database" and settings.limit is not None:
        from models.database import make_engine

        return DatabaseRateLimiter(
            settings.limit, make_engine(settings.database_url, settings.statement_seconds, serving=True)
        )
    return RateLimiter(settings.limit)
