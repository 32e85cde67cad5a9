"""The partner window rule of issue 18, written from its text, for tests to derive expectations.

A Chinese office sees a worker while one of the worker's placements in its jurisdiction is open:
from its creation until `partnerAccessDays` (default 90) after the later of its end date and the
worker's entry crossing that followed it; a placement not ended yet is open; a cancelled one
closes 30 days after the cancellation. Tests read the facts as a Vietnamese office sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DEFAULT_DAYS = 90
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # the registry's days are Vietnam's

# What a window needs to know of a worker, as the worker's labour department reads it.
WINDOW_FACTS = (
    "placements { status startDate endDate employer { county { code } } "
    "agreement { requirements { partnerAccessDays } } } "
    "crossings(first: 100) { direction crossedAt voidedAt }"
)


def closes(
    placement: dict[str, Any], crossings: list[dict[str, Any]], days: int = DEFAULT_DAYS
) -> dt.date | None:
    """The last day of an ended placement's window; None while it has not ended."""
    if placement["endDate"] is None:
        return None
    end = dt.date.fromisoformat(placement["endDate"])
    entries = (dt.datetime.fromisoformat(c["crossedAt"]).astimezone(VIETNAM).date() for c in crossings if
               c["direction"] == "ENTER_VIETNAM" and c["voidedAt"] is None)  # fmt: skip
    returns = sorted(day for day in entries if day >= end)
    return max(end, returns[0] if returns else end) + dt.timedelta(days=days)


def open_on(worker: dict[str, Any], county: str, today: dt.date) -> bool:
    """Whether one of the worker's placements with an employer in `county` is open on `today`
    (a cancelled one is not counted: its cancellation day is not in the facts; the demo has none)."""
    crossings = worker["crossings"]
    for placement in worker["placements"]:
        if placement["employer"]["county"]["code"] != county or placement["status"] == "CANCELLED":
            continue
        # The agreement's current requirement set: the tests change one only before its placements start.
        last = closes(placement, crossings, placement["agreement"]["requirements"]["partnerAccessDays"])
        if last is None or last >= today:
            return True
    return False
