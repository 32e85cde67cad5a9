"""Rings when events are committed, in every process: the subscriptions then read their feeds.

One thread per process watches the outbox's newest number. On PostgreSQL it `LISTEN`s to the
channel every writer `NOTIFY`s at commit (`events.outbox`), so processes on any host hear of an
event at once; on SQLite (one host) it reads the newest number a few times a second. Either way a
subscription costs nothing while nothing happens: it waits on the bell, not on the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

from sqlalchemy import Engine, text

from events.outbox import CHANNEL
from models.overhead import start_background

POLL_SECONDS = 0.25
NEWEST = "SELECT coalesce(max(seq), 0) FROM event_outbox"

log = logging.getLogger("borderlabour.events")


class EventBell:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.newest = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._rung = asyncio.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._waiting = 0  # subscriptions waiting on the bell now: with none, SQLite is not polled

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Starts the watching thread once, ringing on `loop` (the server's event loop)."""
        with self._lock:
            if self._thread is not None:
                return
            self._loop = loop
            self._rung = asyncio.Event()
            watch = self._listen if self.engine.dialect.name == "postgresql" else self._poll
            self._thread = start_background(watch, "event-bell")

    async def wait(self, seen: int, seconds: float | None = None) -> int:
        """The newest event number once it passes `seen`, or after `seconds` (if given) whatever it
        is. Without `seconds` a waiter costs no timer: the watching thread reads the number again
        every few seconds, so a missed `NOTIFY` still rings."""
        if self.newest <= seen:
            with self._lock:
                self._waiting += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._rung.wait(), seconds)
            finally:
                with self._lock:
                    self._waiting -= 1
        return self.newest

    def _ring(self, newest: int) -> None:
        if newest != self.newest and self._loop is not None:
            self.newest = newest
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        rung, self._rung = self._rung, asyncio.Event()
        rung.set()

    def _read(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(NEWEST)).scalar_one())

    def _poll(self) -> None:
        while True:
            if not self._waiting:  # nobody listens: no statement (the number is read when one does)
                time.sleep(POLL_SECONDS)
                continue
            try:
                self._ring(self._read())
            except Exception as exc:  # the database is away: try again, never die
                log.warning("event bell: %s", type(exc).__name__)
            time.sleep(POLL_SECONDS)

    def _listen(self) -> None:
        import psycopg

        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._ring(self._read())
                    while True:
                        for _ in connection.notifies(timeout=5.0, stop_after=1):
                            break
                        if self._waiting:  # nobody listens: no statement (read when one does)
                            self._ring(self._read())
            except Exception as exc:
                log.warning("event bell: %s", type(exc).__name__)
                time.sleep(1.0)
