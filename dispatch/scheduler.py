"""The due-alert scheduler inside `serve`: one leader across processes and hosts, by a database lease.

Every server process runs this loop, as it runs the webhook delivery; only the holder of the
`due-alerts` lease (`dispatch.leader.LeaderLoop`) scans, every `BORDERLABOUR_DUE_SCAN_SECONDS`, on the
registry's day (`procedure.calendar.today`). The holder renews the lease while it lives; another
process takes it once it has lapsed. The lease only spares the
others the work: "raised once" does not rest on it, but on `due_alerts`' unique key (`events.due`),
so a leader that stalls past its lease and a new one scanning at the same moment still tell each
alert once.
"""

from __future__ import annotations

import logging
import time

from dispatch.leader import LeaderLoop
from events.due import raise_due
from policies.sessions import internal_session
from procedure import calendar as clock
from service.registry import Registry

LEASE = "due-alerts"
TICK_SECONDS = 1.0  # how often the leader looks whether a scan is due

log = logging.getLogger("borderlabour.events")


class DueScheduler:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.interval = registry.settings.due_scan_seconds
        self.last = -self.interval  # the first scan comes as soon as this process leads
        tick = min(TICK_SECONDS, self.interval)
        self.loop = LeaderLoop(registry, LEASE, self._scan_if_due, tick_seconds=tick)
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
        self.loop.start()

    def _scan_if_due(self) -> None:
        if time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            self.scan()

    def scan(self) -> None:
        with internal_session(self.registry.sessions) as session:
            raised = raise_due(session, clock.today())
        self.scans += 1
        self.raised += len(raised)
        if raised:
            log.info("due alerts raised: %d", len(raised))
