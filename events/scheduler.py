"""The due-alert scheduler inside `serve`: one leader across processes and hosts, by a database lease.

Every server process runs this thread, as it runs the webhook delivery; only the holder of the
`due-alerts` lease (`events.webhooks.hold_lease`, the `leases` table) scans, every
`BORDERLABOUR_DUE_SCAN_SECONDS`, on the registry's day (`procedure.calendar.today`). The holder renews
the lease while it lives; another process takes it once it has lapsed. The lease only spares the
others the work: "raised once" does not rest on it, but on `due_alerts`' unique key (`events.due`),
so a leader that stalls past its lease and a new one scanning at the same moment still tell each
alert once.
"""

from __future__ import annotations

import logging
import os
import socket
import time

from events.due import raise_due
from events.webhooks import hold_lease
from models.overhead import start_background
from policies.sessions import internal_session
from procedure import calendar as clock
from service.registry import Registry

LEASE = "due-alerts"
TICK_SECONDS = 1.0  # how often the lease is renewed, and a due scan looked for
LEASE_SECONDS = 10.0  # another process leads once the holder has not renewed for this long

log = logging.getLogger("borderlabour.events")


class DueScheduler:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.holder = f"{socket.gethostname()[:60]}:{os.getpid()}"
        self.scans = 0
        self.raised = 0
        metrics = registry.metrics
        metrics.follow(
            "borderlabour_due_scans_total", "Due-alert scans this process ran.", lambda: self.scans
        )
        metrics.follow(
            "borderlabour_due_alerts_raised_total", "Due alerts this process raised.", lambda: self.raised
        )

    def start(self) -> None:
        start_background(self._run, "due-alerts")

    def _run(self) -> None:
        interval = self.registry.settings.due_scan_seconds
        last = -interval  # the first scan comes as soon as this process leads
        while True:
            try:
                with internal_session(self.registry.sessions) as session:
                    leading = hold_lease(session, LEASE, self.holder, max(LEASE_SECONDS, 3 * TICK_SECONDS))
                if leading and time.monotonic() - last >= interval:
                    last = time.monotonic()
                    self.scan()
            except Exception as exc:  # the database is away: try again, never die
                log.warning("due alerts: %s", type(exc).__name__)
            time.sleep(min(TICK_SECONDS, interval))

    def scan(self) -> None:
        with internal_session(self.registry.sessions) as session:
            raised = raise_due(session, clock.today())
        self.scans += 1
        self.raised += len(raised)
        if raised:
            log.info("due alerts raised: %d", len(raised))
