"""Autocommit connections kept out of the pool from one use to the next (PostgreSQL).

A compiled read runs its statements each as its own transaction, and the ledger's batch stored
without the lock is one statement: both want an autocommit connection. Taking one from the pool
for each use (its check-out events and wrapper), switching it to autocommit and back, committing
and checking it in again is a dozen calls through SQLAlchemy's pool and psycopg a read, and every
worker thread of a process went through the pool's one lock twice a read. Served at once with the
build that took them from the pool, a worker by id and a page of ten used 9-11 % less server CPU
(BENCHMARKS.md, "Compiled reads on connections kept out of the pool").

A kept connection is taken and given back with a list's `pop` and `append`, which the interpreter
runs whole: no lock of our own for threads to queue on. At most `limit` wait here once the threads
giving back are done: one that gives a connection back beyond it hands the one kept longest back to
the pool (threads doing so at the same moment may hand back one too many between them). A
server's engine pools as many fewer idle connections as it keeps here (`models.database.POOL_SIZE`),
so that a process keeps no more open between requests than it did when every connection went back
to the pool.

Kept connections are never pinged by the pool, so the pool's safeguards are made here:
- one that lay idle for `IDLE_BEFORE_PING` is pinged before use and replaced if the database has
  gone (a restart while the server was quiet costs no answer);
- when the pool invalidates any connection of the engine (a statement met a database that went
  away: a failover, a restart under load), every kept one is dropped, as the pool recycles the
  connections it handed out before; only those in use at that moment can meet the old server;
- one whose use failed goes back to the pool, which drops it if it was cut off;
- when the engine is disposed, every kept one is closed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

from models.database import IDLE_BEFORE_PING, KEPT_FOR_LEDGER, autocommit_connection, still_alive


class KeptConnections:
    """Autocommit connections of one engine, at most `limit` kept between uses."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self._engine = engine
        self._limit = limit
        self._free: list[tuple[Connection, float]] = []  # with when each was last given back
        event.listen(engine, "invalidate", self._drop_all)
        event.listen(engine, "engine_disposed", self._drop_all)

    @property
    def kept(self) -> int:
        """Connections waiting here for their next use."""
        return len(self._free)

    @contextmanager
    def taken(self) -> Iterator[Connection]:
        """A kept connection (or a new one), given back after the block; if the block raised, handed
        back to the pool instead."""
        connection = self.take()
        try:
            yield connection
        except BaseException:
            self.hand_back(connection)
            raise
        self.give_back(connection)

    def take(self) -> Connection:
        """The connection given back last, pinged first if it idled; a new one if none is kept."""
        while True:
            try:
                connection, returned = self._free.pop()
            except IndexError:
                return autocommit_connection(self._engine)
            if time.monotonic() - returned <= IDLE_BEFORE_PING or still_alive(connection):
                return connection
            self.hand_back(connection, invalidate=True)

    def give_back(self, connection: Connection) -> None:
        """Keeps `connection` for the next use, unless it was invalidated; beyond the limit, the
        connection kept longest goes back to the pool."""
        if connection.invalidated:
            self.hand_back(connection)
            return
        self._free.append((connection, time.monotonic()))
        while len(self._free) > self._limit:
            try:
                surplus, _returned = self._free.pop(0)
            except IndexError:  # taken meanwhile
                return
            self.hand_back(surplus)

    @staticmethod
    def hand_back(connection: Connection, invalidate: bool = False) -> None:
        """Returns `connection` to the pool (which closes it if it was invalidated)."""
        if invalidate and not connection.invalidated:
            connection.invalidate()
        connection.close()

    def close(self, invalidate: bool = False) -> None:
        """Hands back every kept connection; later uses open new ones."""
        while True:
            try:
                connection, _returned = self._free.pop()
            except IndexError:
                return
            self.hand_back(connection, invalidate)

    def _drop_all(self, *_event: Any) -> None:
        """A connection of the engine was invalidated, or the engine disposed: none kept is trusted."""
        self.close(invalidate=True)


def kept_for_the_ledger(engine: Engine) -> KeptConnections | None:
    """The connection kept for the ledger's batches stored without the lock
    (`ledger.appender.LedgerAppender`): PostgreSQL's; none on SQLite, whose batches take its write
    lock."""
    return KeptConnections(engine, KEPT_FOR_LEDGER) if engine.dialect.name == "postgresql" else None
