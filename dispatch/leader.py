"""One leader among every `serve` process and host for a background duty, by a database lease.

Webhook delivery and the due-alert scan each run in every server process, but only the holder of
their lease (a row of the `leases` table, `events.webhooks.hold_lease`) does the work; another
process takes the lease once the holder has not renewed it for `lease_seconds`. The loop is written
once here so that both duties keep the same promises: a duty's thread never dies (a database that
is away is tried again), the lease is renewed well before it lapses, and it is written only a few
times a lease, not at every tick: each renewal is a write, and on SQLite every write takes the
database's one write lock, which the answers' ledger entries wait for.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

from events.webhooks import hold_lease
from models.overhead import start_background
from policies.sessions import internal_session
from service.registry import Registry

RENEWALS_PER_LEASE = 3  # the holder renews three times a lease, so one missed renewal loses nothing

log = logging.getLogger("borderlabour.events")


def holder_name() -> str:
    """This process on this host, as the lease's row names its holder."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


class LeaderLoop:
    """Runs `work` every `tick_seconds` in a background thread while this process holds `lease`."""

    def __init__(
        self,
        registry: Registry,
        lease: str,
        work: Callable[[], None],
        *,
        tick_seconds: float,
        lease_seconds: float = 10.0,
    ) -> None:
        self.registry = registry
        self.lease = lease
        self.work = work
        self.tick_seconds = tick_seconds
        self.lease_seconds = lease_seconds
        self.holder = holder_name()

    def start(self) -> None:
        start_background(self._run, self.lease)

    def _run(self) -> None:
        renew_every = self.lease_seconds / RENEWALS_PER_LEASE
        renewed = -renew_every  # the lease is asked for at once
        leading = False
        while True:
            try:
                if time.monotonic() - renewed >= renew_every:
                    leading = False  # until the lease is renewed: a failed renewal leads nothing
                    with internal_session(self.registry.sessions) as session:
                        leading = hold_lease(session, self.lease, self.holder, self.lease_seconds)
                    renewed = time.monotonic()
                if leading:
                    self.work()
            except Exception as exc:  # the database is away: try again, never die
                log.warning("%s: %s", self.lease, type(exc).__name__)
            time.sleep(self.tick_seconds)
