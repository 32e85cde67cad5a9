"""Reading the `rate_limit` setting (`BORDERLABOUR_RATE_LIMIT`): a rate per token, or none.

`"50/s burst 200"` (the default) lets a token make 200 requests at once and then 50 a second; the
rate may be per second (`/s`) or per minute (`/m`), and without `burst` the burst is one second's
worth of requests (at least 1). `off` turns the limit off. The buckets that apply it are
`web.ratelimit`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_RATE_LIMIT = "50/s burst 200"
_SPEC = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(s|m)(?:\s+burst\s+(\d+))?")
_PER = {"s": 1.0, "m": 60.0}


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
