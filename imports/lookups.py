"""How many identity look-ups past its row scope an office has made today, and its daily bound.

A registration refused as `DUPLICATE` tells the office that a number is registered elsewhere. Each
such look-up is ledgered (`policies.sessions.record_duplicate`), so the ledger is the count: the
look-ups of the office's entries since the day began (UTC). An import reads the count before it
starts and stops once the office reaches `Settings.import_lookups_per_day`; a file of 50,000 rows
is then no way to probe which numbers another province holds.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from locales import N_
from models.ledger import LedgerEntry

LIMIT_REACHED = "LOOKUP_LIMIT"
LIMIT_MESSAGE = N_(
    "your office has reached its {limit} identity look-ups past its scope for today; try again tomorrow"
)


def lookups_today(session: Session, office_id: int, now: dt.datetime | None = None) -> int:
    """The look-ups past the row scope ledgered for `office_id` since midnight UTC."""
    moment = now or dt.datetime.now(dt.UTC)
    start = dt.datetime.combine(moment.date(), dt.time(), dt.UTC)
    table = LedgerEntry.__table__
    payloads = session.connection().execute(
        select(table.c.payload).where(
            table.c.office_id == office_id,
            table.c.at >= start,
            table.c.payload.like('%"lookups"%'),
        )
    )
    return sum(len(json.loads(payload).get("lookups", [])) for (payload,) in payloads)
