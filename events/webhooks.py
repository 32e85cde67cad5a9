"""Webhooks' rules apart from delivering: the signature, the retry schedule, the delivery lease.

Signature (as GitHub and Stripe sign theirs): each POST carries `X-Registry-Timestamp` (Unix
seconds) and `X-Registry-Signature: sha256=<hex>`, the HMAC-SHA256 under the webhook's secret of
`<timestamp>.<body>`. A receiver recomputes it over the bytes it received, compares in constant
time, and refuses a timestamp more than five minutes old, so a captured delivery cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Lease
from models.base import utcnow

LONGEST_WAIT = dt.timedelta(hours=1)


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, body: bytes, webhook_id: int, now: dt.datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {
        "Content-Type": "application/json",
        "X-Registry-Webhook": str(webhook_id),
        "X-Registry-Timestamp": timestamp,
        "X-Registry-Signature": signature(secret, timestamp, body),
    }


def next_attempt(
    attempts: int, failing_since: dt.datetime, now: dt.datetime, first_wait: float, retry_hours: float
) -> dt.datetime | None:
    """When to try again after `attempts` failures in a row (doubling from `first_wait`, at most an
    hour apart), or None: failing for `retry_hours` already, the webhook is parked."""
    if now - failing_since >= dt.timedelta(hours=retry_hours):
        return None
    wait = dt.timedelta(seconds=first_wait * 2 ** min(attempts - 1, 20))
    return now + min(wait, LONGEST_WAIT)


def hold_lease(session: Session, name: str, holder: str, seconds: float) -> bool:
    """Takes or renews the lease `name` for `holder`; False while another holder's is in force.

    The first holder inserts the lease's row; the insert of any other does nothing (no error, so
    a PostgreSQL log does not fill with one refused key a second per waiting process)."""
    now = utcnow()
    until = now + dt.timedelta(seconds=seconds)
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=until)
    )
    held = getattr(taken, "rowcount", 0) == 1
    if not held:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        first = insert(Lease).values(name=name, holder=holder, expires_at=until)
        held = session.execute(first.on_conflict_do_nothing().returning(Lease.name)).first() is not None
    session.commit()
    return held
