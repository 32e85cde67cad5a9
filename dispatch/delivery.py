"""Delivering webhooks from inside `serve`: one process at a time, in commit order per webhook.

Every server process runs a delivery loop, but only the holder of the `webhooks` lease (one
process on one host, `dispatch.leader.LeaderLoop`) delivers; another takes over once the holder
stops renewing. Each webhook's events are read as its office reads its feed (`events` through the
office's schema, its purpose, ledgered), after the webhook's position, and posted signed. Only a
2xx answer moves the position: delivery is at least once, and in order. A failing webhook is
tried again with doubling waits, and parked after `webhook_retry_hours`; `webhooks replay` resumes it.
A webhook of an office past its validity (`offices.valid_to`) is sent nothing more: its backlog is
parked (`OFFICE_CLOSED`), and parked again if replayed, whatever its successor may now read.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from sqlalchemy import func, select, update

from dispatch.leader import LeaderLoop
from events.feed import cursor_for, seq_of
from events.webhooks import next_attempt, signed_headers
from models import EventRecord, Office, Webhook
from models.base import utcnow
from models.sealing import keyring
from policies.purposes import PurposeRefused, check_purpose
from policies.sessions import internal_session
from policies.tokens import identity_of
from policies.validity import Validity
from procedure import calendar as clock
from service.operations import Operation, new_request_id
from service.registry import Registry

LEASE = "webhooks"
TICK_SECONDS = 0.5
POST_SECONDS = 10.0
PAGE = 50
QUERY = f"""query WebhookDelivery($after: String, $kinds: [EventKind!]) {{
  events(after: $after, first: {PAGE}, kinds: $kinds) {{
    edges {{ cursor node {{ kind occurredAt record {{ __typename id }} }} }}
    pageInfo {{ hasNextPage }} }} }}"""

log = logging.getLogger("borderlabour.events")


class WebhookDelivery:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.loop = LeaderLoop(registry, LEASE, self.deliver_due, tick_seconds=TICK_SECONDS)
        self.delivered = 0
        self.failed = 0
        self.backlog = 0
        metrics = registry.metrics
        metrics.follow(
            "borderlabour_webhook_deliveries_total", "Webhook POSTs answered 2xx.", lambda: self.delivered
        )
        metrics.follow(
            "borderlabour_webhook_failures_total", "Webhook POSTs that failed.", lambda: self.failed
        )
        metrics.follow_gauge(
            "borderlabour_webhook_backlog",
            "Outbox events past the furthest-behind webhook.",
            lambda: self.backlog,
        )

    def start(self) -> None:
        self.loop.start()

    def deliver_due(self) -> None:
        now = utcnow()
        with internal_session(self.registry.sessions) as session:
            newest = int(session.scalar(select(func.coalesce(func.max(EventRecord.seq), 0))) or 0)
            hooks = list(session.scalars(select(Webhook).where(Webhook.parked_at.is_(None))))
            offices = {o.id: o for o in session.scalars(select(Office))}
        self.backlog = newest - min((h.position for h in hooks), default=newest)
        today = clock.today()
        for hook in hooks:  # detached rows: read, never written through
            office = offices[hook.office_id]
            changes: dict[str, Any]
            if not Validity(office.valid_from, office.valid_to).valid_on(today):
                changes = {"parked_at": now, "next_attempt_at": None, "last_error": "OFFICE_CLOSED"}
            elif hook.next_attempt_at is None or hook.next_attempt_at <= now:
                changes = self.deliver(hook, office, newest)
            else:
                continue
            with internal_session(self.registry.sessions) as session:
                session.connection(execution_options={"sqlite_immediate": True})
                session.execute(update(Webhook).where(Webhook.id == hook.id).values(**changes))
                session.commit()

    def deliver(self, hook: Webhook, office: Office, newest: int) -> dict[str, Any]:
        """One page of the webhook's events, posted: the webhook's new columns. Its position moves
        only on a 2xx answer."""
        grant = self.registry.access.grant_for(identity_of(office))
        if not self.registry.settings.webhook_allowed(hook.url):
            return self._failed(hook, "URL_NOT_ALLOWED")
        try:
            purpose = check_purpose(grant, hook.purpose, case_ref=None)  # a webhook names no case
        except PurposeRefused:
            return self._failed(hook, "PURPOSE_REFUSED")
        kinds = hook.kinds.split(",") if hook.kinds else None
        variables = {"after": cursor_for(grant, hook.position), "kinds": kinds}
        prepared = self.registry.schemas.schema_for(grant).operations.prepare(QUERY, None)
        # The office's own service reads for it: no token, no officer, no case (refused above if needed).
        operation = Operation(QUERY, variables, None, prepared, purpose, new_request_id(), None, None, None)
        body = self.registry.execute(grant, operation).body
        if body.get("errors"):
            return self._failed(hook, str(body["errors"][0].get("extensions", {}).get("code", "ERROR")))
        page = body["data"]["events"]
        edges = page["edges"]
        done = page["pageInfo"]["hasNextPage"] is False
        last = seq_of(grant, edges[-1]["cursor"]) if edges else hook.position
        delivered = hook.delivered
        if edges:
            payload = json.dumps(
                {"webhook": hook.id, "events": [{"cursor": e["cursor"], **e["node"]} for e in edges]},
                ensure_ascii=False,
            ).encode()
            secret = (keyring().open(hook.secret_sealed) or "").encode()
            headers = signed_headers(secret, payload, hook.id, utcnow())
            try:
                answer = httpx.post(hook.url, content=payload, headers=headers, timeout=POST_SECONDS)
            except httpx.HTTPError as exc:
                return self._failed(hook, type(exc).__name__)
            if not 200 <= answer.status_code < 300:
                return self._failed(hook, f"HTTP {answer.status_code}")
            self.delivered += 1
            delivered += len(edges)
        # Every event up to `newest` was committed before the page was read: sent, or not the office's.
        return {
            "position": max(last, newest) if done else last,
            "delivered": delivered,
            "attempts": 0,
            "failing_since": None,
            "next_attempt_at": None,
            "last_error": None,
        }

    def _failed(self, hook: Webhook, reason: str) -> dict[str, Any]:
        now = utcnow()
        self.failed += 1
        attempts = hook.attempts + 1
        failing_since = hook.failing_since or now
        settings = self.registry.settings
        retry = next_attempt(
            attempts, failing_since, now, settings.webhook_backoff_seconds, settings.webhook_retry_hours
        )
        return {
            "attempts": attempts,
            "failing_since": failing_since,
            "last_error": reason[:200],
            "next_attempt_at": retry,
            "parked_at": now if retry is None else None,
        }
